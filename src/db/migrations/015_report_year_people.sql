-- The people seen in a calendar year, already counted by the report's person
-- tables (issue 7): a year's report read one row per person seen, twice
-- (the year and the year before) and then every person of the structure —
-- 85 ms at 100,000 people. With these counts it reads a few hundred rows.
--
-- One row per structure (or author), year, dimension and value:
--   age      the birth year ('' when unknown): the age on 31 December is
--            the year minus it, and report.c turns it into a band;
--   sex      the civilité as stored;
--   commune  the commune's name as stored ('' when unknown);
--   household the composition of the person's household (persons.household,
--            below), '' when no member is recorded;
--   new      value '': the people whose file was opened that (Paris) year.
-- people is kept by adding +1/-1 deltas, so a row may fall to 0 and stay:
-- the report skips those. Triggers on report_person_years (a person seen,
-- or no longer seen, in a year) and on the persons' columns read here keep
-- the counts; a unit test checks them against a recount after random
-- edits, merges and anonymisations.
-- The household's composition, for the report's « Personnes par composition
-- du foyer »: derived from the household members recorded (002), kept on
-- the person so that a report reads one column. '' no member recorded
-- (someone alone, or not told), 'couple', 'couple_enfants',
-- 'monoparentale' (children, no partner), 'autre' (other members only).
ALTER TABLE persons ADD COLUMN household TEXT NOT NULL DEFAULT '';
UPDATE persons SET household = CASE
	WHEN EXISTS (SELECT 1 FROM household_members h WHERE h.person_id = persons.id AND h.relation = 'conjoint') THEN
		CASE WHEN EXISTS (SELECT 1 FROM household_members h WHERE h.person_id = persons.id AND h.relation = 'enfant')
		THEN 'couple_enfants' ELSE 'couple' END
	WHEN EXISTS (SELECT 1 FROM household_members h WHERE h.person_id = persons.id AND h.relation = 'enfant') THEN 'monoparentale'
	WHEN EXISTS (SELECT 1 FROM household_members h WHERE h.person_id = persons.id) THEN 'autre'
	ELSE '' END
WHERE EXISTS (SELECT 1 FROM household_members h WHERE h.person_id = persons.id);
-- The report's pass over the people seen reads this column too (012's index).
DROP INDEX report_persons;
CREATE INDEX report_persons ON persons(structure_id, id, birth_date, civilite, commune_name, created_at, household);

CREATE TABLE report_year_people (
	structure_id BIGINT NOT NULL,
	author_id BIGINT NOT NULL,                   -- 0: the whole structure
	year INTEGER NOT NULL,
	dim TEXT NOT NULL,
	value TEXT NOT NULL,
	people BIGINT NOT NULL,
	PRIMARY KEY (structure_id, author_id, year, dim, value)
) @WITHOUT_ROWID@;
-- A person's years, for the trigger on persons.
CREATE INDEX report_person_years_person ON report_person_years(person_id);

INSERT INTO report_year_people(structure_id, author_id, year, dim, value, people)
SELECT y.structure_id, y.author_id, y.year, k.dim,
	CASE k.dim WHEN 'age' THEN CASE WHEN length(p.birth_date) = 10 THEN substr(p.birth_date, 1, 4) ELSE '' END
		WHEN 'sex' THEN p.civilite WHEN 'commune' THEN p.commune_name
			WHEN 'household' THEN p.household ELSE '' END,
	count(*)
FROM report_person_years y JOIN persons p ON p.id = y.person_id,
	(SELECT 'age' AS dim UNION ALL SELECT 'sex' UNION ALL SELECT 'commune' UNION ALL SELECT 'household'
		UNION ALL SELECT 'new') k
WHERE k.dim <> 'new'
	OR (SELECT c.month FROM report_calendar c WHERE c.starts <= p.created_at ORDER BY c.starts DESC LIMIT 1) / 12 = y.year
GROUP BY 1, 2, 3, 4, 5;

CREATE TRIGGER report_year_person_added AFTER INSERT ON report_person_years BEGIN
	INSERT INTO report_year_people(structure_id, author_id, year, dim, value, people)
	SELECT NEW.structure_id, NEW.author_id, NEW.year, k.dim,
		CASE k.dim WHEN 'age' THEN CASE WHEN length(p.birth_date) = 10 THEN substr(p.birth_date, 1, 4) ELSE '' END
			WHEN 'sex' THEN p.civilite WHEN 'commune' THEN p.commune_name
			WHEN 'household' THEN p.household ELSE '' END, 1
	FROM persons p,
		(SELECT 'age' AS dim UNION ALL SELECT 'sex' UNION ALL SELECT 'commune' UNION ALL SELECT 'household'
		UNION ALL SELECT 'new') k
	WHERE p.id = NEW.person_id AND (k.dim <> 'new'
		OR (SELECT c.month FROM report_calendar c WHERE c.starts <= p.created_at ORDER BY c.starts DESC LIMIT 1) / 12
			= NEW.year)
	ON CONFLICT (structure_id, author_id, year, dim, value) DO UPDATE
	SET people = report_year_people.people + excluded.people;
END;

CREATE TRIGGER report_year_person_removed AFTER DELETE ON report_person_years BEGIN
	INSERT INTO report_year_people(structure_id, author_id, year, dim, value, people)
	SELECT OLD.structure_id, OLD.author_id, OLD.year, k.dim,
		CASE k.dim WHEN 'age' THEN CASE WHEN length(p.birth_date) = 10 THEN substr(p.birth_date, 1, 4) ELSE '' END
			WHEN 'sex' THEN p.civilite WHEN 'commune' THEN p.commune_name
			WHEN 'household' THEN p.household ELSE '' END, -1
	FROM persons p,
		(SELECT 'age' AS dim UNION ALL SELECT 'sex' UNION ALL SELECT 'commune' UNION ALL SELECT 'household'
		UNION ALL SELECT 'new') k
	WHERE p.id = OLD.person_id AND (k.dim <> 'new'
		OR (SELECT c.month FROM report_calendar c WHERE c.starts <= p.created_at ORDER BY c.starts DESC LIMIT 1) / 12
			= OLD.year)
	ON CONFLICT (structure_id, author_id, year, dim, value) DO UPDATE
	SET people = report_year_people.people + excluded.people;
END;

-- A person's counted columns changed (an edit, an anonymisation): each year
-- they were seen in moves from the old values to the new ones.
CREATE TRIGGER report_year_person_changed AFTER UPDATE OF birth_date, civilite, commune_name, household,
	created_at ON persons BEGIN
	INSERT INTO report_year_people(structure_id, author_id, year, dim, value, people)
	SELECT y.structure_id, y.author_id, y.year, k.dim,
		CASE k.dim WHEN 'age' THEN CASE WHEN length(OLD.birth_date) = 10 THEN substr(OLD.birth_date, 1, 4) ELSE '' END
			WHEN 'sex' THEN OLD.civilite WHEN 'commune' THEN OLD.commune_name
			WHEN 'household' THEN OLD.household ELSE '' END, -1
	FROM report_person_years y,
		(SELECT 'age' AS dim UNION ALL SELECT 'sex' UNION ALL SELECT 'commune' UNION ALL SELECT 'household'
		UNION ALL SELECT 'new') k
	WHERE y.person_id = OLD.id AND (k.dim <> 'new'
		OR (SELECT c.month FROM report_calendar c WHERE c.starts <= OLD.created_at ORDER BY c.starts DESC LIMIT 1) / 12
			= y.year)
	ON CONFLICT (structure_id, author_id, year, dim, value) DO UPDATE
	SET people = report_year_people.people + excluded.people;
	INSERT INTO report_year_people(structure_id, author_id, year, dim, value, people)
	SELECT y.structure_id, y.author_id, y.year, k.dim,
		CASE k.dim WHEN 'age' THEN CASE WHEN length(NEW.birth_date) = 10 THEN substr(NEW.birth_date, 1, 4) ELSE '' END
			WHEN 'sex' THEN NEW.civilite WHEN 'commune' THEN NEW.commune_name
			WHEN 'household' THEN NEW.household ELSE '' END, 1
	FROM report_person_years y,
		(SELECT 'age' AS dim UNION ALL SELECT 'sex' UNION ALL SELECT 'commune' UNION ALL SELECT 'household'
		UNION ALL SELECT 'new') k
	WHERE y.person_id = NEW.id AND (k.dim <> 'new'
		OR (SELECT c.month FROM report_calendar c WHERE c.starts <= NEW.created_at ORDER BY c.starts DESC LIMIT 1) / 12
			= y.year)
	ON CONFLICT (structure_id, author_id, year, dim, value) DO UPDATE
	SET people = report_year_people.people + excluded.people;
END;

-- A member added, removed or changed (a merge moves members to the file
-- kept): the composition of the persons concerned, again.
CREATE TRIGGER household_member_added AFTER INSERT ON household_members BEGIN
	UPDATE persons SET household = CASE
		WHEN EXISTS (SELECT 1 FROM household_members h WHERE h.person_id = persons.id AND h.relation = 'conjoint') THEN
			CASE WHEN EXISTS (SELECT 1 FROM household_members h WHERE h.person_id = persons.id AND h.relation = 'enfant')
			THEN 'couple_enfants' ELSE 'couple' END
		WHEN EXISTS (SELECT 1 FROM household_members h WHERE h.person_id = persons.id AND h.relation = 'enfant')
			THEN 'monoparentale'
		WHEN EXISTS (SELECT 1 FROM household_members h WHERE h.person_id = persons.id) THEN 'autre'
		ELSE '' END
	WHERE id = NEW.person_id;
END;

CREATE TRIGGER household_member_removed AFTER DELETE ON household_members BEGIN
	UPDATE persons SET household = CASE
		WHEN EXISTS (SELECT 1 FROM household_members h WHERE h.person_id = persons.id AND h.relation = 'conjoint') THEN
			CASE WHEN EXISTS (SELECT 1 FROM household_members h WHERE h.person_id = persons.id AND h.relation = 'enfant')
			THEN 'couple_enfants' ELSE 'couple' END
		WHEN EXISTS (SELECT 1 FROM household_members h WHERE h.person_id = persons.id AND h.relation = 'enfant')
			THEN 'monoparentale'
		WHEN EXISTS (SELECT 1 FROM household_members h WHERE h.person_id = persons.id) THEN 'autre'
		ELSE '' END
	WHERE id = OLD.person_id;
END;

CREATE TRIGGER household_member_changed AFTER UPDATE OF person_id, relation ON household_members BEGIN
	UPDATE persons SET household = CASE
		WHEN EXISTS (SELECT 1 FROM household_members h WHERE h.person_id = persons.id AND h.relation = 'conjoint') THEN
			CASE WHEN EXISTS (SELECT 1 FROM household_members h WHERE h.person_id = persons.id AND h.relation = 'enfant')
			THEN 'couple_enfants' ELSE 'couple' END
		WHEN EXISTS (SELECT 1 FROM household_members h WHERE h.person_id = persons.id AND h.relation = 'enfant')
			THEN 'monoparentale'
		WHEN EXISTS (SELECT 1 FROM household_members h WHERE h.person_id = persons.id) THEN 'autre'
		ELSE '' END
	WHERE id IN (OLD.person_id, NEW.person_id);
END;
