-- The activity report by site (issue 7: « pour une période, une structure,
-- un site ou un professionnel »). A journal entry may record where it took
-- place: one of the structure's sites, or NULL (« sans lieu précis », and
-- every entry written before this migration).
--
-- The aggregates of migration 012 take a site's rows in the same tables,
-- under author_id = -site_id: author_id 0 is the whole structure, > 0 one
-- worker, < 0 one site. Sites and users have their own sequences, but the
-- sign keeps them apart, so the keys, the report's range reads and the
-- person tables' triggers (report_person_days → months → years →
-- report_year_people, migration 015) serve a site unchanged.
--
-- The three triggers on journal_entries are replaced: an entry with a site
-- also counts under -site_id. The removals name -OLD.site_id in the IN
-- list: a NULL site makes it NULL, which matches no row, so an entry
-- without a site removes from its author's and the structure's rows only,
-- once each. site_id joins the columns an update is watched on: moving an
-- entry to another site moves its counts.
--
-- No fill: every existing entry has no site, so no site row is owed.
ALTER TABLE journal_entries ADD COLUMN site_id BIGINT REFERENCES sites(id);

-- @sqlite
DROP TRIGGER report_entry_added;
DROP TRIGGER report_entry_removed;
DROP TRIGGER report_entry_changed;
-- @postgres
DROP TRIGGER report_entry_added ON journal_entries;
DROP TRIGGER report_entry_removed ON journal_entries;
DROP TRIGGER report_entry_changed ON journal_entries;
DROP FUNCTION report_entry_added_fn();
DROP FUNCTION report_entry_removed_fn();
DROP FUNCTION report_entry_changed_fn();
-- @end

-- An entry counts in its day's rows for the structure, its author and its site.
CREATE TRIGGER report_entry_added AFTER INSERT ON journal_entries BEGIN
	INSERT INTO report_days(structure_id, author_id, day, kind, medium, entries, minutes)
	SELECT NEW.structure_id, a.id, c.day, NEW.kind, NEW.medium, 1, NEW.duration_min
	FROM (SELECT day FROM report_calendar WHERE starts <= NEW.at ORDER BY starts DESC LIMIT 1) c,
		(SELECT 0 AS id UNION ALL SELECT NEW.author_id UNION ALL SELECT -NEW.site_id WHERE NEW.site_id IS NOT NULL) a WHERE true
	ON CONFLICT (structure_id, author_id, day, kind, medium) DO UPDATE
	SET entries = report_days.entries + 1, minutes = report_days.minutes + excluded.minutes;
	INSERT INTO report_day_themes(structure_id, author_id, day, themes, entries)
	SELECT NEW.structure_id, a.id, c.day, NEW.themes, 1
	FROM (SELECT day FROM report_calendar WHERE starts <= NEW.at ORDER BY starts DESC LIMIT 1) c,
		(SELECT 0 AS id UNION ALL SELECT NEW.author_id UNION ALL SELECT -NEW.site_id WHERE NEW.site_id IS NOT NULL) a WHERE NEW.themes <> ''
	ON CONFLICT (structure_id, author_id, day, themes) DO UPDATE SET entries = report_day_themes.entries + 1;
	INSERT INTO report_person_days(structure_id, author_id, day, person_id, entries)
	SELECT NEW.structure_id, a.id, c.day, NEW.person_id, 1
	FROM (SELECT day FROM report_calendar WHERE starts <= NEW.at ORDER BY starts DESC LIMIT 1) c,
		(SELECT 0 AS id UNION ALL SELECT NEW.author_id UNION ALL SELECT -NEW.site_id WHERE NEW.site_id IS NOT NULL) a WHERE true
	ON CONFLICT (structure_id, author_id, day, person_id) DO UPDATE
	SET entries = report_person_days.entries + 1;
END;

CREATE TRIGGER report_entry_removed AFTER DELETE ON journal_entries BEGIN
	UPDATE report_days SET entries = entries - 1, minutes = minutes - OLD.duration_min
	WHERE structure_id = OLD.structure_id AND author_id IN (0, OLD.author_id, -OLD.site_id)
		AND day = (SELECT day FROM report_calendar WHERE starts <= OLD.at ORDER BY starts DESC LIMIT 1)
		AND kind = OLD.kind AND medium = OLD.medium;
	DELETE FROM report_days
	WHERE structure_id = OLD.structure_id AND author_id IN (0, OLD.author_id, -OLD.site_id)
		AND day = (SELECT day FROM report_calendar WHERE starts <= OLD.at ORDER BY starts DESC LIMIT 1)
		AND kind = OLD.kind AND medium = OLD.medium AND entries = 0;
	UPDATE report_day_themes SET entries = entries - 1
	WHERE structure_id = OLD.structure_id AND author_id IN (0, OLD.author_id, -OLD.site_id)
		AND day = (SELECT day FROM report_calendar WHERE starts <= OLD.at ORDER BY starts DESC LIMIT 1)
		AND themes = OLD.themes;
	DELETE FROM report_day_themes
	WHERE structure_id = OLD.structure_id AND author_id IN (0, OLD.author_id, -OLD.site_id)
		AND day = (SELECT day FROM report_calendar WHERE starts <= OLD.at ORDER BY starts DESC LIMIT 1)
		AND themes = OLD.themes AND entries = 0;
	UPDATE report_person_days SET entries = entries - 1
	WHERE structure_id = OLD.structure_id AND author_id IN (0, OLD.author_id, -OLD.site_id)
		AND day = (SELECT day FROM report_calendar WHERE starts <= OLD.at ORDER BY starts DESC LIMIT 1)
		AND person_id = OLD.person_id;
	DELETE FROM report_person_days
	WHERE structure_id = OLD.structure_id AND author_id IN (0, OLD.author_id, -OLD.site_id)
		AND day = (SELECT day FROM report_calendar WHERE starts <= OLD.at ORDER BY starts DESC LIMIT 1)
		AND person_id = OLD.person_id AND entries = 0;
END;

-- Only the columns the report reads: anonymisation blanks the text of
-- entries without touching the aggregates.
CREATE TRIGGER report_entry_changed AFTER UPDATE OF structure_id, person_id, author_id, site_id, at, kind, medium,
	themes, duration_min ON journal_entries BEGIN
	UPDATE report_days SET entries = entries - 1, minutes = minutes - OLD.duration_min
	WHERE structure_id = OLD.structure_id AND author_id IN (0, OLD.author_id, -OLD.site_id)
		AND day = (SELECT day FROM report_calendar WHERE starts <= OLD.at ORDER BY starts DESC LIMIT 1)
		AND kind = OLD.kind AND medium = OLD.medium;
	DELETE FROM report_days
	WHERE structure_id = OLD.structure_id AND author_id IN (0, OLD.author_id, -OLD.site_id)
		AND day = (SELECT day FROM report_calendar WHERE starts <= OLD.at ORDER BY starts DESC LIMIT 1)
		AND kind = OLD.kind AND medium = OLD.medium AND entries = 0;
	UPDATE report_day_themes SET entries = entries - 1
	WHERE structure_id = OLD.structure_id AND author_id IN (0, OLD.author_id, -OLD.site_id)
		AND day = (SELECT day FROM report_calendar WHERE starts <= OLD.at ORDER BY starts DESC LIMIT 1)
		AND themes = OLD.themes;
	DELETE FROM report_day_themes
	WHERE structure_id = OLD.structure_id AND author_id IN (0, OLD.author_id, -OLD.site_id)
		AND day = (SELECT day FROM report_calendar WHERE starts <= OLD.at ORDER BY starts DESC LIMIT 1)
		AND themes = OLD.themes AND entries = 0;
	UPDATE report_person_days SET entries = entries - 1
	WHERE structure_id = OLD.structure_id AND author_id IN (0, OLD.author_id, -OLD.site_id)
		AND day = (SELECT day FROM report_calendar WHERE starts <= OLD.at ORDER BY starts DESC LIMIT 1)
		AND person_id = OLD.person_id;
	DELETE FROM report_person_days
	WHERE structure_id = OLD.structure_id AND author_id IN (0, OLD.author_id, -OLD.site_id)
		AND day = (SELECT day FROM report_calendar WHERE starts <= OLD.at ORDER BY starts DESC LIMIT 1)
		AND person_id = OLD.person_id AND entries = 0;
	INSERT INTO report_days(structure_id, author_id, day, kind, medium, entries, minutes)
	SELECT NEW.structure_id, a.id, c.day, NEW.kind, NEW.medium, 1, NEW.duration_min
	FROM (SELECT day FROM report_calendar WHERE starts <= NEW.at ORDER BY starts DESC LIMIT 1) c,
		(SELECT 0 AS id UNION ALL SELECT NEW.author_id UNION ALL SELECT -NEW.site_id WHERE NEW.site_id IS NOT NULL) a WHERE true
	ON CONFLICT (structure_id, author_id, day, kind, medium) DO UPDATE
	SET entries = report_days.entries + 1, minutes = report_days.minutes + excluded.minutes;
	INSERT INTO report_day_themes(structure_id, author_id, day, themes, entries)
	SELECT NEW.structure_id, a.id, c.day, NEW.themes, 1
	FROM (SELECT day FROM report_calendar WHERE starts <= NEW.at ORDER BY starts DESC LIMIT 1) c,
		(SELECT 0 AS id UNION ALL SELECT NEW.author_id UNION ALL SELECT -NEW.site_id WHERE NEW.site_id IS NOT NULL) a WHERE NEW.themes <> ''
	ON CONFLICT (structure_id, author_id, day, themes) DO UPDATE SET entries = report_day_themes.entries + 1;
	INSERT INTO report_person_days(structure_id, author_id, day, person_id, entries)
	SELECT NEW.structure_id, a.id, c.day, NEW.person_id, 1
	FROM (SELECT day FROM report_calendar WHERE starts <= NEW.at ORDER BY starts DESC LIMIT 1) c,
		(SELECT 0 AS id UNION ALL SELECT NEW.author_id UNION ALL SELECT -NEW.site_id WHERE NEW.site_id IS NOT NULL) a WHERE true
	ON CONFLICT (structure_id, author_id, day, person_id) DO UPDATE
	SET entries = report_person_days.entries + 1;
END;
