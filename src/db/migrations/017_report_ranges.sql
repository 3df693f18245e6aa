-- The activity report reads the démarches opened and the acts done in a
-- period: ranges of these indexes, instead of every row of the structure
-- (démarches) or of the whole table (acts under mandate).
CREATE INDEX procedures_opened ON procedures(structure_id, opened_on);
CREATE INDEX mandate_acts_structure ON mandate_acts(structure_id, at);
