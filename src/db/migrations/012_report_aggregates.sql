-- The activity report from aggregates kept up to date on write (issue 7):
-- a year's report reads a few thousand day rows and one row per person
-- seen, whatever the number of journal entries. Triggers on journal_entries
-- maintain them; report.c can still recount from the raw rows, and a unit
-- test checks that both agree after inserts, edits, deletions, merges and
-- anonymisations.
--
-- Every aggregate row exists twice: for its author, and for author_id 0,
-- the whole structure. A structure's report then reads its own rows, not
-- the sum of every worker's (a department has hundreds of workers), and a
-- worker's report reads only theirs. The trigger bodies are plain
-- INSERT … ON CONFLICT DO UPDATE, UPDATE and DELETE statements, so that the
-- PostgreSQL version can say the same thing. The tables are stored in
-- their key's order (WITHOUT ROWID in SQLite): a report reads ranges of
-- the key, and a trigger updates one B-tree instead of a table and its key.

-- Paris civil days: the report's periods are French dates, and a trigger
-- cannot call clock_paris_offset(). One row per day from 1900 to 2199:
-- its local midnight (the same rule as core/clock.c: summer time from the
-- last Sunday of March to the last Sunday of October, 01:00 UTC) and its
-- month (year * 12 + month - 1). The day of an entry is the last day
-- starting at or before it: one index lookup.
CREATE TABLE report_calendar (
	day INTEGER PRIMARY KEY,                     -- days since 1970-01-01
	starts BIGINT NOT NULL,                      -- local midnight, Unix time
	month INTEGER NOT NULL
);
-- @sqlite
INSERT INTO report_calendar(day, starts, month)
WITH RECURSIVE d(day) AS (
	SELECT -25567                                -- 1900-01-01
	UNION ALL SELECT day + 1 FROM d WHERE day < 84005  -- 2199-12-31
)
SELECT day,
	day * 86400 - CASE WHEN day * 86400 >= CAST(strftime('%s', strftime('%Y-03-25', day * 86400, 'unixepoch'),
		'weekday 0') AS INTEGER) + 3600 AND day * 86400 < CAST(strftime('%s', strftime('%Y-10-25', day * 86400,
		'unixepoch'), 'weekday 0') AS INTEGER) + 3600 THEN 7200 ELSE 3600 END,
	CAST(strftime('%Y', day * 86400, 'unixepoch') AS INTEGER) * 12
		+ CAST(strftime('%m', day * 86400, 'unixepoch') AS INTEGER) - 1
FROM d;
-- @postgres
INSERT INTO report_calendar(day, starts, month)
SELECT day,
	day * 86400 - CASE WHEN day * 86400 >= extract(epoch FROM march)::bigint + 3600
		AND day * 86400 < extract(epoch FROM october)::bigint + 3600 THEN 7200 ELSE 3600 END,
	extract(year FROM dt)::bigint * 12 + extract(month FROM dt)::bigint - 1
FROM (SELECT day, dt,
		make_date(y, 3, 31) - extract(dow FROM make_date(y, 3, 31))::int AS march,   -- last Sundays
		make_date(y, 10, 31) - extract(dow FROM make_date(y, 10, 31))::int AS october
	FROM (SELECT CAST(d AS BIGINT) AS day, date '1970-01-01' + d AS dt, extract(year FROM date '1970-01-01' + d)::int AS y
		FROM generate_series(-25567, 84005) AS d) AS days) AS t;
-- @end
CREATE UNIQUE INDEX report_calendar_starts ON report_calendar(starts, day);

-- Entries and minutes per day, kind and medium.
CREATE TABLE report_days (
	structure_id BIGINT NOT NULL,
	author_id BIGINT NOT NULL,                   -- 0: the whole structure
	day INTEGER NOT NULL,
	kind TEXT NOT NULL,
	medium TEXT NOT NULL,
	entries BIGINT NOT NULL,
	minutes BIGINT NOT NULL,
	PRIMARY KEY (structure_id, author_id, day, kind, medium)
) @WITHOUT_ROWID@;
-- Entries per day and list of themes, split when read: splitting in a
-- trigger would need a table-valued function that PostgreSQL spells
-- differently, and a structure uses few combinations.
CREATE TABLE report_day_themes (
	structure_id BIGINT NOT NULL,
	author_id BIGINT NOT NULL,
	day INTEGER NOT NULL,
	themes TEXT NOT NULL,                        -- never ''
	entries BIGINT NOT NULL,
	PRIMARY KEY (structure_id, author_id, day, themes)
) @WITHOUT_ROWID@;
-- People seen cannot be summed from days: the same person comes back.
-- Entries per person and day (read only for months a period covers in
-- part), active days per person and month, and per person and year the
-- months with an entry as a bit mask: a period's whole months are read as
-- one row per person and year. A row disappears when its count reaches 0,
-- and the triggers on these tables keep the next level's counts and masks.
CREATE TABLE report_person_days (
	structure_id BIGINT NOT NULL,
	author_id BIGINT NOT NULL,
	day INTEGER NOT NULL,
	person_id BIGINT NOT NULL,
	entries BIGINT NOT NULL,
	PRIMARY KEY (structure_id, author_id, day, person_id)
) @WITHOUT_ROWID@;
CREATE TABLE report_person_months (
	structure_id BIGINT NOT NULL,
	author_id BIGINT NOT NULL,
	month INTEGER NOT NULL,
	person_id BIGINT NOT NULL,
	days BIGINT NOT NULL,
	PRIMARY KEY (structure_id, author_id, month, person_id)
) @WITHOUT_ROWID@;
CREATE TABLE report_person_years (
	structure_id BIGINT NOT NULL,
	author_id BIGINT NOT NULL,
	year INTEGER NOT NULL,
	person_id BIGINT NOT NULL,
	months BIGINT NOT NULL,                      -- bit m-1 for month m
	PRIMARY KEY (structure_id, author_id, year, person_id)
) @WITHOUT_ROWID@;
-- The people seen are then looked up in one pass over a narrow index
-- rather than over the persons' wide rows.
CREATE INDEX report_persons ON persons(structure_id, id, birth_date, civilite, commune_name, created_at);

-- The existing entries, their day found once, then grouped (the triggers
-- come after, so nothing is counted twice).
CREATE TEMPORARY TABLE report_fill AS
SELECT e.structure_id, e.author_id, e.person_id, e.kind, e.medium, e.themes, e.duration_min,
	(SELECT c.day FROM report_calendar c WHERE c.starts <= e.at ORDER BY c.starts DESC LIMIT 1) AS day
FROM journal_entries e;
INSERT INTO report_days(structure_id, author_id, day, kind, medium, entries, minutes)
SELECT structure_id, author_id, day, kind, medium, count(*), sum(duration_min) FROM report_fill
GROUP BY structure_id, author_id, day, kind, medium;
INSERT INTO report_days(structure_id, author_id, day, kind, medium, entries, minutes)
SELECT structure_id, 0, day, kind, medium, count(*), sum(duration_min) FROM report_fill
GROUP BY structure_id, day, kind, medium;
INSERT INTO report_day_themes(structure_id, author_id, day, themes, entries)
SELECT structure_id, author_id, day, themes, count(*) FROM report_fill WHERE themes <> ''
GROUP BY structure_id, author_id, day, themes;
INSERT INTO report_day_themes(structure_id, author_id, day, themes, entries)
SELECT structure_id, 0, day, themes, count(*) FROM report_fill WHERE themes <> ''
GROUP BY structure_id, day, themes;
INSERT INTO report_person_days(structure_id, author_id, day, person_id, entries)
SELECT structure_id, author_id, day, person_id, count(*) FROM report_fill
GROUP BY structure_id, author_id, day, person_id;
INSERT INTO report_person_days(structure_id, author_id, day, person_id, entries)
SELECT structure_id, 0, day, person_id, count(*) FROM report_fill
GROUP BY structure_id, day, person_id;
DROP TABLE report_fill;
INSERT INTO report_person_months(structure_id, author_id, month, person_id, days)
SELECT p.structure_id, p.author_id, c.month, p.person_id, count(*)
FROM report_person_days p JOIN report_calendar c ON c.day = p.day
GROUP BY p.structure_id, p.author_id, c.month, p.person_id;
-- Each month appears once per person and year: the sum of the bits is their OR.
INSERT INTO report_person_years(structure_id, author_id, year, person_id, months)
SELECT structure_id, author_id, month / 12, person_id, sum(CAST(1 AS BIGINT) << CAST(month % 12 AS INT))
FROM report_person_months GROUP BY structure_id, author_id, month / 12, person_id;

-- An entry counts in its day's rows, for its author and for the structure.
-- The day is looked up in each statement: a trigger has no variables.
CREATE TRIGGER report_entry_added AFTER INSERT ON journal_entries BEGIN
	INSERT INTO report_days(structure_id, author_id, day, kind, medium, entries, minutes)
	SELECT NEW.structure_id, a.id, c.day, NEW.kind, NEW.medium, 1, NEW.duration_min
	FROM (SELECT day FROM report_calendar WHERE starts <= NEW.at ORDER BY starts DESC LIMIT 1) c,
		(SELECT 0 AS id UNION ALL SELECT NEW.author_id) a WHERE true
	ON CONFLICT (structure_id, author_id, day, kind, medium) DO UPDATE
	SET entries = report_days.entries + 1, minutes = report_days.minutes + excluded.minutes;
	INSERT INTO report_day_themes(structure_id, author_id, day, themes, entries)
	SELECT NEW.structure_id, a.id, c.day, NEW.themes, 1
	FROM (SELECT day FROM report_calendar WHERE starts <= NEW.at ORDER BY starts DESC LIMIT 1) c,
		(SELECT 0 AS id UNION ALL SELECT NEW.author_id) a WHERE NEW.themes <> ''
	ON CONFLICT (structure_id, author_id, day, themes) DO UPDATE SET entries = report_day_themes.entries + 1;
	INSERT INTO report_person_days(structure_id, author_id, day, person_id, entries)
	SELECT NEW.structure_id, a.id, c.day, NEW.person_id, 1
	FROM (SELECT day FROM report_calendar WHERE starts <= NEW.at ORDER BY starts DESC LIMIT 1) c,
		(SELECT 0 AS id UNION ALL SELECT NEW.author_id) a WHERE true
	ON CONFLICT (structure_id, author_id, day, person_id) DO UPDATE
	SET entries = report_person_days.entries + 1;
END;

CREATE TRIGGER report_entry_removed AFTER DELETE ON journal_entries BEGIN
	UPDATE report_days SET entries = entries - 1, minutes = minutes - OLD.duration_min
	WHERE structure_id = OLD.structure_id AND author_id IN (0, OLD.author_id)
		AND day = (SELECT day FROM report_calendar WHERE starts <= OLD.at ORDER BY starts DESC LIMIT 1)
		AND kind = OLD.kind AND medium = OLD.medium;
	DELETE FROM report_days
	WHERE structure_id = OLD.structure_id AND author_id IN (0, OLD.author_id)
		AND day = (SELECT day FROM report_calendar WHERE starts <= OLD.at ORDER BY starts DESC LIMIT 1)
		AND kind = OLD.kind AND medium = OLD.medium AND entries = 0;
	UPDATE report_day_themes SET entries = entries - 1
	WHERE structure_id = OLD.structure_id AND author_id IN (0, OLD.author_id)
		AND day = (SELECT day FROM report_calendar WHERE starts <= OLD.at ORDER BY starts DESC LIMIT 1)
		AND themes = OLD.themes;
	DELETE FROM report_day_themes
	WHERE structure_id = OLD.structure_id AND author_id IN (0, OLD.author_id)
		AND day = (SELECT day FROM report_calendar WHERE starts <= OLD.at ORDER BY starts DESC LIMIT 1)
		AND themes = OLD.themes AND entries = 0;
	UPDATE report_person_days SET entries = entries - 1
	WHERE structure_id = OLD.structure_id AND author_id IN (0, OLD.author_id)
		AND day = (SELECT day FROM report_calendar WHERE starts <= OLD.at ORDER BY starts DESC LIMIT 1)
		AND person_id = OLD.person_id;
	DELETE FROM report_person_days
	WHERE structure_id = OLD.structure_id AND author_id IN (0, OLD.author_id)
		AND day = (SELECT day FROM report_calendar WHERE starts <= OLD.at ORDER BY starts DESC LIMIT 1)
		AND person_id = OLD.person_id AND entries = 0;
END;

-- Only the columns the report reads: anonymisation blanks the text of
-- entries without touching the aggregates.
CREATE TRIGGER report_entry_changed AFTER UPDATE OF structure_id, person_id, author_id, at, kind, medium, themes,
	duration_min ON journal_entries BEGIN
	UPDATE report_days SET entries = entries - 1, minutes = minutes - OLD.duration_min
	WHERE structure_id = OLD.structure_id AND author_id IN (0, OLD.author_id)
		AND day = (SELECT day FROM report_calendar WHERE starts <= OLD.at ORDER BY starts DESC LIMIT 1)
		AND kind = OLD.kind AND medium = OLD.medium;
	DELETE FROM report_days
	WHERE structure_id = OLD.structure_id AND author_id IN (0, OLD.author_id)
		AND day = (SELECT day FROM report_calendar WHERE starts <= OLD.at ORDER BY starts DESC LIMIT 1)
		AND kind = OLD.kind AND medium = OLD.medium AND entries = 0;
	UPDATE report_day_themes SET entries = entries - 1
	WHERE structure_id = OLD.structure_id AND author_id IN (0, OLD.author_id)
		AND day = (SELECT day FROM report_calendar WHERE starts <= OLD.at ORDER BY starts DESC LIMIT 1)
		AND themes = OLD.themes;
	DELETE FROM report_day_themes
	WHERE structure_id = OLD.structure_id AND author_id IN (0, OLD.author_id)
		AND day = (SELECT day FROM report_calendar WHERE starts <= OLD.at ORDER BY starts DESC LIMIT 1)
		AND themes = OLD.themes AND entries = 0;
	UPDATE report_person_days SET entries = entries - 1
	WHERE structure_id = OLD.structure_id AND author_id IN (0, OLD.author_id)
		AND day = (SELECT day FROM report_calendar WHERE starts <= OLD.at ORDER BY starts DESC LIMIT 1)
		AND person_id = OLD.person_id;
	DELETE FROM report_person_days
	WHERE structure_id = OLD.structure_id AND author_id IN (0, OLD.author_id)
		AND day = (SELECT day FROM report_calendar WHERE starts <= OLD.at ORDER BY starts DESC LIMIT 1)
		AND person_id = OLD.person_id AND entries = 0;
	INSERT INTO report_days(structure_id, author_id, day, kind, medium, entries, minutes)
	SELECT NEW.structure_id, a.id, c.day, NEW.kind, NEW.medium, 1, NEW.duration_min
	FROM (SELECT day FROM report_calendar WHERE starts <= NEW.at ORDER BY starts DESC LIMIT 1) c,
		(SELECT 0 AS id UNION ALL SELECT NEW.author_id) a WHERE true
	ON CONFLICT (structure_id, author_id, day, kind, medium) DO UPDATE
	SET entries = report_days.entries + 1, minutes = report_days.minutes + excluded.minutes;
	INSERT INTO report_day_themes(structure_id, author_id, day, themes, entries)
	SELECT NEW.structure_id, a.id, c.day, NEW.themes, 1
	FROM (SELECT day FROM report_calendar WHERE starts <= NEW.at ORDER BY starts DESC LIMIT 1) c,
		(SELECT 0 AS id UNION ALL SELECT NEW.author_id) a WHERE NEW.themes <> ''
	ON CONFLICT (structure_id, author_id, day, themes) DO UPDATE SET entries = report_day_themes.entries + 1;
	INSERT INTO report_person_days(structure_id, author_id, day, person_id, entries)
	SELECT NEW.structure_id, a.id, c.day, NEW.person_id, 1
	FROM (SELECT day FROM report_calendar WHERE starts <= NEW.at ORDER BY starts DESC LIMIT 1) c,
		(SELECT 0 AS id UNION ALL SELECT NEW.author_id) a WHERE true
	ON CONFLICT (structure_id, author_id, day, person_id) DO UPDATE
	SET entries = report_person_days.entries + 1;
END;

CREATE TRIGGER report_person_day_added AFTER INSERT ON report_person_days BEGIN
	INSERT INTO report_person_months(structure_id, author_id, month, person_id, days)
	SELECT NEW.structure_id, NEW.author_id, month, NEW.person_id, 1 FROM report_calendar WHERE day = NEW.day
	ON CONFLICT (structure_id, author_id, month, person_id) DO UPDATE SET days = report_person_months.days + 1;
END;

CREATE TRIGGER report_person_day_removed AFTER DELETE ON report_person_days BEGIN
	UPDATE report_person_months SET days = days - 1
	WHERE structure_id = OLD.structure_id AND author_id = OLD.author_id AND person_id = OLD.person_id
		AND month = (SELECT month FROM report_calendar WHERE day = OLD.day);
	DELETE FROM report_person_months
	WHERE structure_id = OLD.structure_id AND author_id = OLD.author_id AND person_id = OLD.person_id
		AND month = (SELECT month FROM report_calendar WHERE day = OLD.day) AND days = 0;
END;

CREATE TRIGGER report_person_month_added AFTER INSERT ON report_person_months BEGIN
	INSERT INTO report_person_years(structure_id, author_id, year, person_id, months)
	VALUES (NEW.structure_id, NEW.author_id, NEW.month / 12, NEW.person_id,
		CAST(1 AS BIGINT) << CAST(NEW.month % 12 AS INT))
	ON CONFLICT (structure_id, author_id, year, person_id) DO UPDATE
	SET months = report_person_years.months | excluded.months;
END;

CREATE TRIGGER report_person_month_removed AFTER DELETE ON report_person_months BEGIN
	UPDATE report_person_years SET months = months & ~(CAST(1 AS BIGINT) << CAST(OLD.month % 12 AS INT))
	WHERE structure_id = OLD.structure_id AND author_id = OLD.author_id AND year = OLD.month / 12
		AND person_id = OLD.person_id;
	DELETE FROM report_person_years
	WHERE structure_id = OLD.structure_id AND author_id = OLD.author_id AND year = OLD.month / 12
		AND person_id = OLD.person_id AND months = 0;
END;
