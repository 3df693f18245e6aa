-- The anonymous questionnaire of the workers (domain/survey.c): what they
-- answered is kept apart from who answered.
--
-- survey_answers: one row per answer to one question, holding nothing that
-- points to its author: no user, no time finer than the quarter ("2026-T4"),
-- and an id drawn at random (63 bits), never a sequence, so that neither the
-- ids nor the order of the rows tell which answers came together, first or
-- last: SQLite keeps the rows in id order, and each questionnaire rewrites
-- its quarter's rows in id order (domain/survey.c), so that on PostgreSQL
-- they share one xmin and lie in that order too. The answers of one person
-- to the several questions are not linked either.
CREATE TABLE survey_answers (
	id INTEGER PRIMARY KEY,          -- random
	structure_id BIGINT NOT NULL REFERENCES structures(id),
	period TEXT NOT NULL,
	question TEXT NOT NULL,
	answer INTEGER NOT NULL CHECK (answer BETWEEN 0 AND 4)  -- 1..4 the scale, 0 "je ne souhaite pas répondre"
);
CREATE INDEX survey_answers_period ON survey_answers(structure_id, period, question, answer);

-- Who answered in which quarter, only so that nobody answers twice. It
-- shares no key with survey_answers and is never read with it.
CREATE TABLE survey_participations (
	structure_id BIGINT NOT NULL REFERENCES structures(id),
	period TEXT NOT NULL,
	user_id BIGINT NOT NULL REFERENCES users(id),
	PRIMARY KEY (structure_id, period, user_id)
) @WITHOUT_ROWID@;

-- What the head of service sees of a quarter: the counts as they stood when
-- the quarter reached 5, 10, 15… answers, written by the answer that reached
-- each step. Live counts would give a colleague's answers away to whoever
-- compares the results just before and just after that colleague answered
-- (the audit log says who answered, and when); between two steps, five
-- people have answered.
CREATE TABLE survey_tallies (
	structure_id BIGINT NOT NULL REFERENCES structures(id),
	period TEXT NOT NULL,
	question TEXT NOT NULL,
	answer INTEGER NOT NULL,
	n BIGINT NOT NULL,
	PRIMARY KEY (structure_id, period, question, answer)
) @WITHOUT_ROWID@;
