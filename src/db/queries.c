/* The SQL of Lien. Portable text: both SQLite and PostgreSQL accept it. */
#include "db/queries.h"
#include "db/backend.h"

#define USER_COLS                                                                  \
	"u.id, COALESCE(u.structure_id, 0), u.login, u.display_name, COALESCE(u.email, ''), " \
	"u.role, u.password_hash, u.must_change_password, u.totp_enabled, u.totp_last_step, " \
	"u.disabled, COALESCE(u.last_login_at, 0), COALESCE(s.name, ''), u.acts_under_mandate, u.totp_secret "
#define USER_FROM " FROM users u LEFT JOIN structures s ON s.id = u.structure_id "

const char SQL_STRUCTURE_ADD[] = "INSERT INTO structures(name, created_at) VALUES ($1, $2)";
const char SQL_STRUCTURE_LIST[] =
	"SELECT s.id, s.name, s.created_at, (SELECT count(*) FROM users u WHERE u.structure_id = s.id) "
	"FROM structures s ORDER BY s.name";
const char SQL_STRUCTURE_NAME[] = "SELECT name FROM structures WHERE id = $1";
const char SQL_STRUCTURE_BY_NAME[] = "SELECT id FROM structures WHERE name = $1";
const char SQL_STRUCTURE_CONTACT[] = "SELECT name, phone, address, hours FROM structures WHERE id = $1";
const char SQL_STRUCTURE_SET_CONTACT[] = "UPDATE structures SET phone = $2, address = $3, hours = $4 WHERE id = $1";

const char SQL_USER_ADD[] =
	"INSERT INTO users(structure_id, login, display_name, email, role, password_hash, "
	"must_change_password, acts_under_mandate, created_at, updated_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)";
const char SQL_USER_BY_ID[] = "SELECT " USER_COLS USER_FROM "WHERE u.id = $1";
const char SQL_USER_BY_LOGIN[] = "SELECT " USER_COLS USER_FROM "WHERE u.login = $1";
const char SQL_USER_LIST[] = "SELECT " USER_COLS USER_FROM "WHERE u.structure_id = $1 ORDER BY u.display_name";
const char SQL_USER_LIST_ALL[] = "SELECT " USER_COLS USER_FROM "ORDER BY s.name, u.display_name";
const char SQL_USER_SET_DISABLED[] = "UPDATE users SET disabled = $2, updated_at = $3 WHERE id = $1";
const char SQL_USER_SET_PASSWORD[] =
	"UPDATE users SET password_hash = $2, must_change_password = $3, updated_at = $4 WHERE id = $1";
const char SQL_USER_SET_LOGIN_AT[] = "UPDATE users SET last_login_at = $2 WHERE id = $1";
const char SQL_USER_SET_TOTP_SECRET[] =
	"UPDATE users SET totp_secret = $2, totp_enabled = 0, totp_last_step = 0, updated_at = $3 WHERE id = $1";
const char SQL_USER_ENABLE_TOTP[] = "UPDATE users SET totp_enabled = $2, totp_last_step = $3, updated_at = $4 WHERE id = $1";
const char SQL_USER_SET_TOTP_STEP[] = "UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2";
const char SQL_USER_COUNT[] = "SELECT count(*) FROM users";
const char SQL_RECOVERY_DELETE[] = "DELETE FROM recovery_codes WHERE user_id = $1";
const char SQL_RECOVERY_ADD[] = "INSERT INTO recovery_codes(user_id, structure_id, code_hash) VALUES ($1, $2, $3)";
const char SQL_RECOVERY_FIND[] = "SELECT id FROM recovery_codes WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL";
const char SQL_RECOVERY_USE[] = "UPDATE recovery_codes SET used_at = $2 WHERE id = $1 AND used_at IS NULL";
const char SQL_RECOVERY_LEFT[] = "SELECT count(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL";

const char SQL_SESSION_ADD[] =
	"INSERT INTO sessions(token_hash, user_id, structure_id, csrf_token, stage, created_at, last_seen, ip) "
	"VALUES ($1, $2, $3, $4, $5, $6, $6, $7)";
const char SQL_SESSION_LOOKUP[] =
	"SELECT se.id, se.csrf_token, se.stage, se.created_at, se.last_seen, " USER_COLS
	"FROM sessions se JOIN users u ON u.id = se.user_id LEFT JOIN structures s ON s.id = u.structure_id "
	"WHERE se.token_hash = $1";
const char SQL_SESSION_TOUCH[] = "UPDATE sessions SET last_seen = $2 WHERE id = $1";
const char SQL_SESSION_DELETE[] = "DELETE FROM sessions WHERE id = $1";
const char SQL_SESSION_DELETE_USER[] = "DELETE FROM sessions WHERE user_id = $1";
const char SQL_SESSION_DELETE_OTHERS[] = "DELETE FROM sessions WHERE user_id = $1 AND id <> $2";
const char SQL_SESSION_PURGE[] = "DELETE FROM sessions WHERE last_seen < $1 OR created_at < $2";

const char SQL_THROTTLE_GET[] = "SELECT failures, last_failure, locked_until FROM login_throttle WHERE key = $1";
const char SQL_THROTTLE_SET[] =
	"INSERT INTO login_throttle(key, failures, last_failure, locked_until) VALUES ($1, $2, $3, $4) "
	"ON CONFLICT (key) DO UPDATE SET failures = $2, last_failure = $3, locked_until = $4";
const char SQL_THROTTLE_CLEAR[] = "DELETE FROM login_throttle WHERE key = $1";

const char SQL_AUDIT_LAST_HASH[] = "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1";
const char SQL_AUDIT_ADD[] =
	"INSERT INTO audit_log(id, at, user_id, structure_id, action, object_type, object_id, ip, detail, prev_hash, hash) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";
const char SQL_AUDIT_ALL[] =
	"SELECT id, at, COALESCE(user_id, 0), COALESCE(structure_id, 0), action, COALESCE(object_type, ''), "
	"COALESCE(object_id, 0), COALESCE(ip, ''), COALESCE(detail, ''), prev_hash, hash FROM audit_log ORDER BY id";
const char SQL_AUDIT_RECENT[] =
	"SELECT a.at, COALESCE(u.display_name, ''), a.action, COALESCE(a.ip, ''), COALESCE(a.detail, '') "
	"FROM audit_log a LEFT JOIN users u ON u.id = a.user_id WHERE a.structure_id = $1 ORDER BY a.id DESC LIMIT $2";

/* ---- persons ---------------------------------------------------------- */

#define PERSON_FIELD_COLS                                                                   \
	"civilite, birth_name, usage_name, first_names, birth_date, birth_place, nationality, " \
	"address, postal_code, commune_name, phone, phone2, email, preferred_channel, no_phone, " \
	"no_email, languages, interpreter, housing, resources, protection, protector_contact, "  \
	"caf_number, nir, info_date, info_method, restricted"
#define PERSON_FIELD_PARAMS                                                                 \
	"$7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, " \
	"$25, $26, $27, $28, $29, $30, $31, $32, $33"
/* The columns shown in search results and duplicate lists. */
#define PERSON_HIT_COLS \
	"p.id, p.file_number, p.civilite, p.birth_name, p.usage_name, p.first_names, p.birth_date, " \
	"p.commune_name, p.phone, p.status, p.search_name, p.restricted "

const char SQL_PERSON_COUNT[] = "SELECT count(*) FROM persons WHERE structure_id = $1";
const char SQL_PERSON_INSERT[] =
	"INSERT INTO persons(structure_id, file_number, search_name, phone_digits, last_contact_at, "
	"created_by, updated_by, created_at, updated_at, " PERSON_FIELD_COLS ", commune_insee) "
	"VALUES ($1, $2, $3, $4, $5, $6, $6, $5, $5, " PERSON_FIELD_PARAMS ", $34)";
const char SQL_PERSON_UPDATE[] =
	"UPDATE persons SET search_name = $3, phone_digits = $4, updated_by = $5, updated_at = $6, "
	"version = version + 1, civilite = $7, birth_name = $8, usage_name = $9, first_names = $10, "
	"birth_date = $11, birth_place = $12, nationality = $13, address = $14, postal_code = $15, "
	"commune_name = $16, phone = $17, phone2 = $18, email = $19, preferred_channel = $20, "
	"no_phone = $21, no_email = $22, languages = $23, interpreter = $24, housing = $25, "
	"resources = $26, protection = $27, protector_contact = $28, caf_number = $29, nir = $30, "
	"info_date = $31, info_method = $32, restricted = $33, commune_insee = $35 "
	"WHERE id = $1 AND structure_id = $2 AND version = $34 AND status = 'active'";
const char SQL_PERSON_GET[] =
	"SELECT id, structure_id, version, last_contact_at, created_at, updated_at, file_number, status, "
	"COALESCE(merged_into, 0), " PERSON_FIELD_COLS ", commune_insee FROM persons WHERE id = $1 AND structure_id = $2";
const char SQL_PERSON_NEXT_NUMBER[] =
	"INSERT INTO file_counters(structure_id, year, last) VALUES ($1, $2, 1) "
	"ON CONFLICT (structure_id, year) DO UPDATE SET last = file_counters.last + 1 RETURNING last";
const char SQL_PERSON_SET_NUMBER[] = "UPDATE persons SET file_number = $2 WHERE id = $1";
const char SQL_PERSON_NAMES_DELETE[] = "DELETE FROM person_names WHERE person_id = $1";
const char SQL_PERSON_NAME_ADD[] =
	"INSERT INTO person_names(structure_id, token, person_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
/* $2..$3: the range of the longest word; $4..$5: of the second longest,
 * checked on the person's other name words before the person is read. */
const char SQL_PERSON_SEARCH_NAME[] =
	"SELECT " PERSON_HIT_COLS "FROM person_names n JOIN persons p ON p.id = n.person_id "
	"WHERE n.structure_id = $1 AND n.token >= $2 AND n.token < $3 "
	"AND EXISTS (SELECT 1 FROM person_names m WHERE m.person_id = n.person_id AND m.token >= $4 AND m.token < $5) "
	"AND p.status <> 'anonymised' AND p.merged_into IS NULL ORDER BY n.token, n.person_id";
const char SQL_PERSON_SEARCH_BIRTH[] =
	"SELECT " PERSON_HIT_COLS "FROM persons p WHERE p.structure_id = $1 AND p.birth_date = $2 "
	"AND p.status <> 'anonymised' AND p.merged_into IS NULL ORDER BY p.birth_name, p.first_names LIMIT 400";
const char SQL_PERSON_SEARCH_PHONE[] =
	"SELECT " PERSON_HIT_COLS "FROM persons p WHERE p.structure_id = $1 AND p.phone_digits >= $2 "
	"AND p.phone_digits < $3 AND p.status <> 'anonymised' AND p.merged_into IS NULL LIMIT 400";
const char SQL_PERSON_SEARCH_NUMBER[] =
	"SELECT " PERSON_HIT_COLS "FROM persons p WHERE p.structure_id = $1 AND p.file_number = $2 "
	"AND p.status <> 'anonymised' AND p.merged_into IS NULL";
const char SQL_PERSON_BY_TOKEN[] =
	"SELECT " PERSON_HIT_COLS "FROM person_names n JOIN persons p ON p.id = n.person_id "
	"WHERE n.structure_id = $1 AND n.token = $2 AND p.status <> 'anonymised' AND p.merged_into IS NULL LIMIT 400";
const char SQL_PERSON_TOUCH_CONTACT[] =
	"UPDATE persons SET last_contact_at = $2 WHERE id = $1 AND last_contact_at < $2";
const char SQL_REFERENT_IS[] = "SELECT count(*) FROM person_referents WHERE person_id = $1 AND user_id = $2";
const char SQL_REFERENT_ADD[] =
	"INSERT INTO person_referents(structure_id, person_id, user_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
const char SQL_REFERENT_LIST[] =
	"SELECT u.id, u.display_name FROM person_referents r JOIN users u ON u.id = r.user_id "
	"WHERE r.person_id = $1 ORDER BY u.display_name";
const char SQL_HOUSEHOLD_ADD[] =
	"INSERT INTO household_members(structure_id, person_id, first_names, last_name, birth_date, relation, created_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7)";
const char SQL_HOUSEHOLD_LIST[] =
	"SELECT id, first_names, last_name, birth_date, relation FROM household_members WHERE person_id = $1 ORDER BY id";
const char SQL_RECENT_MARK[] =
	"INSERT INTO recent_files(user_id, structure_id, person_id, at) VALUES ($1, $2, $3, $4) "
	"ON CONFLICT (user_id, person_id) DO UPDATE SET at = $4";
const char SQL_RECENT_LIST[] =
	"SELECT " PERSON_HIT_COLS "FROM recent_files r JOIN persons p ON p.id = r.person_id "
	"WHERE r.user_id = $1 AND r.structure_id = $2 AND p.status = 'active' ORDER BY r.at DESC LIMIT 8";

/* ---- journal and tasks ----------------------------------------------- */

const char SQL_ENTRY_ADD[] =
	"INSERT INTO journal_entries(structure_id, person_id, author_id, at, medium, kind, themes, duration_min, "
	"workers, summary, for_person, documents, private_note, created_at, site_id) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";
const char SQL_ENTRY_LIST[] =
	"SELECT e.id, e.author_id, u.display_name, e.at, e.medium, e.kind, e.themes, e.duration_min, e.workers, "
	"e.summary, e.for_person, e.documents, e.private_note, COALESCE(s.name, '') FROM journal_entries e "
	"JOIN users u ON u.id = e.author_id LEFT JOIN sites s ON s.id = e.site_id "
	"WHERE e.person_id = $1 AND e.structure_id = $2 ORDER BY e.at DESC, e.id DESC LIMIT $3";
const char SQL_ENTRY_LATEST_FOR_PERSON[] =
	"SELECT e.id, e.author_id, u.display_name, e.at, e.medium, e.kind, e.themes, e.duration_min, e.workers, "
	"e.summary, e.for_person, e.documents, e.private_note, COALESCE(s.name, '') FROM journal_entries e "
	"JOIN users u ON u.id = e.author_id LEFT JOIN sites s ON s.id = e.site_id "
	"WHERE e.person_id = $1 AND e.structure_id = $2 AND e.for_person <> '' ORDER BY e.at DESC, e.id DESC LIMIT 1";
/* The medium and site of the worker's previous entry: the next one's defaults. */
const char SQL_ENTRY_LAST_MEDIUM[] =
	"SELECT medium, COALESCE(site_id, 0) FROM journal_entries WHERE author_id = $1 ORDER BY id DESC LIMIT 1";
const char SQL_TASK_ADD[] =
	"INSERT INTO tasks(structure_id, person_id, entry_id, text, due_date, assignee_id, created_by, created_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
const char SQL_TASK_GET[] =
	"SELECT id, COALESCE(person_id, 0), assignee_id, COALESCE(done_at, 0) FROM tasks WHERE id = $1 AND structure_id = $2";
const char SQL_TASK_SET_DONE[] = "UPDATE tasks SET done_at = $2 WHERE id = $1";
const char SQL_TASK_REASSIGN[] = "UPDATE tasks SET assignee_id = $2 WHERE id = $1";
/* NULLs read as 0 and "" (db_col_int, db_col_text): no COALESCE, whose
 * opcodes run on every row. The home page's list stops at assignee_id: its
 * tasks are open and the reader's own. */
#define TASK_OPEN_COLS \
	"t.id, t.text, t.due_date, t.person_id, p.birth_name, p.first_names, t.assignee_id "
#define TASK_COLS TASK_OPEN_COLS ", t.done_at, u.display_name "
const char SQL_TASK_MINE[] =
	"SELECT " TASK_OPEN_COLS "FROM tasks t LEFT JOIN persons p ON p.id = t.person_id "
	"WHERE t.assignee_id = $1 AND t.structure_id = $2 AND t.done_at IS NULL "
	"ORDER BY t.due_date, t.id LIMIT 100";
const char SQL_TASK_FOR_PERSON[] =
	"SELECT " TASK_COLS "FROM tasks t LEFT JOIN persons p ON p.id = t.person_id JOIN users u ON u.id = t.assignee_id "
	"WHERE t.person_id = $1 AND t.structure_id = $2 ORDER BY COALESCE(t.done_at, 0), t.due_date, t.id LIMIT 100";

/* ---- retention ------------------------------------------------------------ */

/* $1: archive before, $2: anonymise before (older). A file past both
 * delays is anonymised directly. */
const char SQL_RETENTION_TO_ARCHIVE[] =
	"SELECT id, structure_id, file_number FROM persons WHERE status = 'active' AND last_contact_at < $1 "
	"AND last_contact_at >= $2 ORDER BY id";
const char SQL_RETENTION_TO_ANONYMISE[] =
	"SELECT id, structure_id, file_number FROM persons WHERE status IN ('active', 'archived') "
	"AND last_contact_at < $2 AND last_contact_at < $1 ORDER BY id";
const char SQL_PERSON_ARCHIVE[] =
	"UPDATE persons SET status = 'archived', version = version + 1, updated_at = $2 WHERE id = $1 AND status = 'active'";
/* Anonymisation keeps what statistics need (civilité for sex, birth year,
 * commune, preferred channel, dates) and blanks everything that identifies. */
const char SQL_PERSON_ANONYMISE[] =
	"UPDATE persons SET status = 'anonymised', birth_name = 'ANONYME', usage_name = '', first_names = '', "
	"birth_date = CASE WHEN birth_date = '' THEN '' ELSE substr(birth_date, 1, 4) || '-01-01' END, "
	"birth_place = '', nationality = '', address = '', phone = '', phone2 = '', email = '', languages = '', "
	"protector_contact = '', caf_number = '', nir = '', search_name = '', phone_digits = '', "
	"version = version + 1, updated_at = $2 WHERE id = $1 AND status <> 'anonymised'";
const char SQL_ENTRIES_ANONYMISE[] =
	"UPDATE journal_entries SET summary = '', for_person = '', documents = '', workers = '', private_note = NULL "
	"WHERE person_id = $1";
const char SQL_HOUSEHOLD_ANONYMISE[] =
	"UPDATE household_members SET first_names = '', last_name = 'ANONYME' WHERE person_id = $1";
const char SQL_TASKS_ANONYMISE[] =
	"UPDATE tasks SET text = '', done_at = COALESCE(done_at, $2) WHERE person_id = $1";
/* One server runs the daily job: it claims the day by moving last_run forward. */
const char SQL_JOB_CLAIM[] =
	"INSERT INTO jobs(name, last_run) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET last_run = $2 "
	"WHERE jobs.last_run < $3";
const char SQL_AUDIT_FOR_OBJECT[] =
	"SELECT a.at, COALESCE(u.display_name, ''), a.action, COALESCE(a.ip, ''), COALESCE(a.detail, '') "
	"FROM audit_log a LEFT JOIN users u ON u.id = a.user_id "
	"WHERE a.object_type = $1 AND a.object_id = $2 AND a.structure_id = $3 ORDER BY a.id DESC LIMIT $4";

/* ---- merge: $1 the file kept, $2 the duplicate ---------------------- */

const char SQL_MERGE_ENTRIES[] = "UPDATE journal_entries SET person_id = $1 WHERE person_id = $2";
const char SQL_MERGE_TASKS[] = "UPDATE tasks SET person_id = $1 WHERE person_id = $2";
const char SQL_MERGE_HOUSEHOLD[] = "UPDATE household_members SET person_id = $1 WHERE person_id = $2";
const char SQL_MERGE_REFERENTS[] =
	"INSERT INTO person_referents(structure_id, person_id, user_id) "
	"SELECT structure_id, $1, user_id FROM person_referents WHERE person_id = $2 ON CONFLICT DO NOTHING";
const char SQL_MERGE_MARK[] =
	"UPDATE persons SET merged_into = $1, status = 'archived', version = version + 1, updated_at = $3 "
	"WHERE id = $2 AND merged_into IS NULL";
const char SQL_PERSON_ID_BY_NUMBER[] = "SELECT id FROM persons WHERE structure_id = $1 AND file_number = $2";
const char SQL_AUDIT_HEAD_GET[] = "SELECT last_id, last_hash, mac FROM audit_head WHERE id = 1";
const char SQL_AUDIT_HEAD_SET[] =
	"INSERT INTO audit_head(id, last_id, last_hash, mac) VALUES (1, $1, $2, $3) "
	"ON CONFLICT (id) DO UPDATE SET last_id = $1, last_hash = $2, mac = $3";

/* ---- reports: one pass over the period's entries, aggregated in C ------ */

/* The recount, from the raw rows; $4: one worker, $5 one site, 0 for the
 * whole structure. */
const char SQL_REPORT_ENTRIES[] =
	"SELECT person_id, kind, medium, themes, duration_min FROM journal_entries "
	"WHERE structure_id = $1 AND at >= $2 AND at < $3 AND ($4 = 0 OR author_id = $4) AND ($5 = 0 OR site_id = $5)";
/* The people seen are then read in one sequential pass (over the narrow
 * index report_persons), not one lookup per person. */
const char SQL_REPORT_PERSONS[] =
	"SELECT id, birth_date, civilite, commune_name, created_at, household FROM persons WHERE structure_id = $1";
/* The same figures from the aggregates of migration 012: $2 the author_id
 * key (0: the whole structure, a worker, or -site_id for a site, migration
 * 018), $3 and $4 Paris days (inclusive) or a month or year. */
const char SQL_REPORT_AGG_DAYS[] =
	"SELECT kind, medium, entries, minutes FROM report_days "
	"WHERE structure_id = $1 AND author_id = $2 AND day >= $3 AND day <= $4";
const char SQL_REPORT_AGG_THEMES[] =
	"SELECT themes, entries FROM report_day_themes "
	"WHERE structure_id = $1 AND author_id = $2 AND day >= $3 AND day <= $4";
const char SQL_REPORT_AGG_PERSON_DAYS[] =
	"SELECT person_id FROM report_person_days "
	"WHERE structure_id = $1 AND author_id = $2 AND day >= $3 AND day <= $4";
const char SQL_REPORT_AGG_PERSON_MONTH[] =
	"SELECT person_id FROM report_person_months WHERE structure_id = $1 AND author_id = $2 AND month = $3";
/* $4: the months wanted, bit m-1 for month m. */
/* Migration 015: the people of a whole year by birth year, civilité,
 * commune, and those whose file was opened that year. */
const char SQL_REPORT_AGG_YEAR_PEOPLE[] =
	"SELECT dim, value, people FROM report_year_people WHERE structure_id = $1 AND author_id = $2 AND year = $3";
const char SQL_REPORT_AGG_PERSON_YEAR[] =
	"SELECT person_id FROM report_person_years "
	"WHERE structure_id = $1 AND author_id = $2 AND year = $3 AND (months & $4) <> 0";

const char SQL_THEMES_OF_STRUCTURE[] =
	"SELECT value, label, active FROM structure_themes WHERE structure_id = $1 ORDER BY label";
const char SQL_THEME_SET[] =
	"INSERT INTO structure_themes(structure_id, value, label, active) VALUES ($1, $2, $3, $4) "
	"ON CONFLICT (structure_id, value) DO UPDATE SET label = $3, active = $4";

/* ---- démarches, mandates and acts under mandate --------------------------- */

const char SQL_ORGANISMS_OF_STRUCTURE[] =
	"SELECT value, label FROM structure_organisms WHERE structure_id = $1 ORDER BY label";
const char SQL_ORGANISM_ADD[] =
	"INSERT INTO structure_organisms(structure_id, value, label) VALUES ($1, $2, $3) "
	"ON CONFLICT (structure_id, value) DO UPDATE SET label = $3";
#define PROCEDURE_COLS                                                                                  \
	"d.id, d.person_id, d.version, d.created_by, d.created_at, d.updated_at, d.organism, d.domain, "  \
	"d.subject, d.status, d.how, d.opened_on, d.submitted_on, d.answer_due_on, d.renewal_on, d.notes, " \
	"u.display_name "
#define PROCEDURE_FROM " FROM procedures d JOIN users u ON u.id = d.created_by "
const char SQL_PROCEDURE_ADD[] =
	"INSERT INTO procedures(structure_id, person_id, organism, domain, subject, status, how, opened_on, "
	"submitted_on, answer_due_on, renewal_on, notes, created_by, created_at, updated_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)";
const char SQL_PROCEDURE_UPDATE[] =
	"UPDATE procedures SET organism = $3, domain = $4, subject = $5, status = $6, how = $7, opened_on = $8, "
	"submitted_on = $9, answer_due_on = $10, renewal_on = $11, notes = $12, updated_at = $13, "
	"version = version + 1 WHERE id = $1 AND version = $2";
const char SQL_PROCEDURE_GET[] = "SELECT " PROCEDURE_COLS PROCEDURE_FROM "WHERE d.id = $1 AND d.structure_id = $2";
const char SQL_PROCEDURE_FOR_PERSON[] =
	"SELECT " PROCEDURE_COLS PROCEDURE_FROM "WHERE d.person_id = $1 AND d.structure_id = $2 "
	"AND ($3 = 0 OR d.status NOT IN ('accordee', 'refusee', 'abandonnee')) "
	"ORDER BY CASE WHEN d.status IN ('accordee', 'refusee', 'abandonnee') THEN 1 ELSE 0 END, d.opened_on DESC, d.id DESC";
const char SQL_CHECKLIST_ADD[] =
	"INSERT INTO procedure_checklist(structure_id, procedure_id, label, done) VALUES ($1, $2, $3, 0)";
const char SQL_CHECKLIST_LIST[] =
	"SELECT id, label, done FROM procedure_checklist WHERE procedure_id = $1 ORDER BY id";
const char SQL_CHECKLIST_SET[] = "UPDATE procedure_checklist SET done = $3 WHERE id = $1 AND procedure_id = $2";
/* $1 user, $2 structure, $3 the last day shown. Open démarches and active
 * mandates of the files the worker opened or follows. Unordered: the
 * caller sorts (an ORDER BY over the three arms costs more than that). */
#define FOLLOWED_BY_USER(col)                                                                        \
	"(x.created_by = $1 OR EXISTS (SELECT 1 FROM person_referents r WHERE r.person_id = " col        \
	" AND r.user_id = $1))"
const char SQL_PROCEDURE_DUE[] =
	"SELECT x.id, x.person_id, 'reponse', x.answer_due_on, x.subject, p.birth_name, p.first_names "
	"FROM procedures x JOIN persons p ON p.id = x.person_id "
	"WHERE x.structure_id = $2 AND x.answer_due_on <> '' AND x.answer_due_on <= $3 "
	"AND x.status NOT IN ('accordee', 'refusee', 'abandonnee') AND p.status = 'active' AND " FOLLOWED_BY_USER("x.person_id") " "
	"UNION ALL "
	"SELECT x.id, x.person_id, 'renouvellement', x.renewal_on, x.subject, p.birth_name, p.first_names "
	"FROM procedures x JOIN persons p ON p.id = x.person_id "
	"WHERE x.structure_id = $2 AND x.renewal_on <> '' AND x.renewal_on <= $3 AND x.status <> 'abandonnee' "
	"AND p.status = 'active' AND " FOLLOWED_BY_USER("x.person_id") " "
	"UNION ALL "
	"SELECT x.id, x.person_id, 'mandat', x.ends_on, x.domains, p.birth_name, p.first_names "
	"FROM mandates x JOIN persons p ON p.id = x.person_id "
	"WHERE x.structure_id = $2 AND x.revoked_at IS NULL AND x.ends_on <= $3 AND x.ends_on >= $4 "
	"AND p.status = 'active' AND " FOLLOWED_BY_USER("x.person_id");
#define MANDATE_COLS                                                                                    \
	"m.id, m.person_id, m.created_by, m.created_at, COALESCE(m.revoked_at, 0), m.domains, m.duration, " \
	"m.starts_on, m.ends_on, m.consent_on, m.protector_agreement, u.display_name "
#define MANDATE_FROM " FROM mandates m JOIN users u ON u.id = m.created_by "
const char SQL_MANDATE_ADD[] =
	"INSERT INTO mandates(structure_id, person_id, domains, duration, starts_on, ends_on, consent_on, "
	"protector_agreement, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
const char SQL_MANDATE_GET[] = "SELECT " MANDATE_COLS MANDATE_FROM "WHERE m.id = $1 AND m.structure_id = $2";
const char SQL_MANDATE_FOR_PERSON[] =
	"SELECT " MANDATE_COLS MANDATE_FROM "WHERE m.person_id = $1 AND m.structure_id = $2 "
	"ORDER BY m.ends_on DESC, m.id DESC";
const char SQL_MANDATE_SET_DOMAINS[] = "UPDATE mandates SET domains = $2 WHERE id = $1 AND revoked_at IS NULL";
const char SQL_MANDATE_REVOKE[] = "UPDATE mandates SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL";
const char SQL_REVOCATION_ADD[] =
	"INSERT INTO mandate_revocations(structure_id, mandate_id, domain, reason, by_user, at) "
	"VALUES ($1, $2, $3, $4, $5, $6)";
const char SQL_REVOCATION_GET[] =
	"SELECT r.id, r.mandate_id, r.at, r.domain, r.reason, u.display_name FROM mandate_revocations r "
	"JOIN users u ON u.id = r.by_user WHERE r.id = $1 AND r.mandate_id = $2 AND r.structure_id = $3";
const char SQL_ACT_ADD[] =
	"INSERT INTO mandate_acts(structure_id, person_id, mandate_id, procedure_id, user_id, at, what) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7)";
const char SQL_ACT_FOR_PERSON[] =
	"SELECT a.id, a.mandate_id, COALESCE(a.procedure_id, 0), a.at, a.what, u.display_name, "
	"COALESCE(d.subject, ''), COALESCE(d.organism, '') FROM mandate_acts a JOIN users u ON u.id = a.user_id "
	"LEFT JOIN procedures d ON d.id = a.procedure_id WHERE a.person_id = $1 AND a.structure_id = $2 "
	"ORDER BY a.at, a.id";
const char SQL_ACT_ALL[] =
	"SELECT a.id, a.structure_id, a.mandate_id, COALESCE(a.procedure_id, 0), a.user_id, a.at, a.what "
	"FROM mandate_acts a ORDER BY a.id";
const char SQL_ACT_SEALS[] = "SELECT object_id, detail FROM audit_log WHERE action = 'mandate.act' ORDER BY id";

/* ---- documents (domain/document.c) ---- */
const char SQL_DOCUMENT_ADD[] =
	"INSERT INTO documents(structure_id, person_id, object_type, object_id, name, mime, size, storage, "
	"uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
#define DOCUMENT_COLS                                                                                   \
	"d.id, d.structure_id, d.person_id, d.object_type, d.object_id, d.name, d.mime, d.size, d.storage, " \
	"d.uploaded_by, d.created_at, u.display_name "
#define DOCUMENT_FROM " FROM documents d JOIN users u ON u.id = d.uploaded_by "
const char SQL_DOCUMENT_GET[] = "SELECT " DOCUMENT_COLS DOCUMENT_FROM "WHERE d.id = $1 AND d.structure_id = $2";
const char SQL_DOCUMENT_FOR_PERSON[] =
	"SELECT " DOCUMENT_COLS DOCUMENT_FROM "WHERE d.person_id = $1 AND d.structure_id = $2 "
	"ORDER BY d.created_at DESC, d.id DESC";
const char SQL_DOCUMENT_FOR_OBJECT[] =
	"SELECT " DOCUMENT_COLS DOCUMENT_FROM "WHERE d.person_id = $1 AND d.structure_id = $2 "
	"AND d.object_type = $3 AND d.object_id = $4 ORDER BY d.created_at DESC, d.id DESC";
const char SQL_DOCUMENT_DELETE[] = "DELETE FROM documents WHERE id = $1 AND structure_id = $2";
const char SQL_DOCUMENT_STORAGE_OF_PERSON[] = "SELECT storage FROM documents WHERE person_id = $1";
const char SQL_DOCUMENT_DELETE_PERSON[] = "DELETE FROM documents WHERE person_id = $1";
const char SQL_DOCUMENT_STORAGE_USED[] = "SELECT count(*) FROM documents WHERE storage = $1";
/* The object a document is attached to must be of the same file and structure. */
const char SQL_DOCUMENT_PROCEDURE_OF[] =
	"SELECT count(*) FROM procedures WHERE id = $1 AND person_id = $2 AND structure_id = $3";
const char SQL_DOCUMENT_MANDATE_OF[] =
	"SELECT count(*) FROM mandates WHERE id = $1 AND person_id = $2 AND structure_id = $3";
const char SQL_DOCUMENT_AID_OF[] =
	"SELECT count(*) FROM aid_requests WHERE id = $1 AND person_id = $2 AND structure_id = $3";

/* ---- digital diagnostic ------------------------------------------------ */

const char SQL_DIAGNOSTIC_ADD[] =
	"INSERT INTO diagnostics(structure_id, person_id, done_on, equipment, equipment_shared, internet, email_usable, "
	"identity_usable, skill_device, skill_find, skill_communicate, skill_procedure, skill_scams, skill_accounts, "
	"level, path, comment, created_by, created_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)";
#define DIAGNOSTIC_COLS                                                                                        \
	"d.id, d.person_id, d.done_on, d.equipment, d.equipment_shared, d.internet, d.email_usable, "            \
	"d.identity_usable, d.skill_device, d.skill_find, d.skill_communicate, d.skill_procedure, d.skill_scams, " \
	"d.skill_accounts, d.level, d.path, d.comment, d.created_by, d.created_at, COALESCE(u.display_name, '') "
#define DIAGNOSTIC_FROM " FROM diagnostics d LEFT JOIN users u ON u.id = d.created_by "
const char SQL_DIAGNOSTIC_GET[] =
	"SELECT " DIAGNOSTIC_COLS DIAGNOSTIC_FROM "WHERE d.id = $1 AND d.structure_id = $2";
const char SQL_DIAGNOSTIC_LIST[] =
	"SELECT " DIAGNOSTIC_COLS DIAGNOSTIC_FROM "WHERE d.person_id = $1 AND d.structure_id = $2 "
	"ORDER BY d.done_on DESC, d.id DESC LIMIT $3";
/* $3, $4: the date and id of the diagnostic whose predecessor is wanted. */
const char SQL_DIAGNOSTIC_PREVIOUS[] =
	"SELECT " DIAGNOSTIC_COLS DIAGNOSTIC_FROM "WHERE d.person_id = $1 AND d.structure_id = $2 "
	"AND (d.done_on < $3 OR (d.done_on = $3 AND d.id < $4)) ORDER BY d.done_on DESC, d.id DESC LIMIT 1";
/* For each person whose latest diagnostic up to $3 falls in [$2, $3]: that
 * latest level, compared with the person's first diagnostic. One row per
 * level: people, people assessed more than once, rose, fell. $4: only the
 * people whose latest diagnostic that worker did (0: everyone), so that the
 * workers' figures add up to the structure's. */
const char SQL_DIAGNOSTIC_STATS[] =
	"SELECT d.level, count(*), "
	"sum(CASE WHEN f.id <> d.id THEN 1 ELSE 0 END), "
	"sum(CASE WHEN d.level > f.level THEN 1 ELSE 0 END), "
	"sum(CASE WHEN d.level < f.level THEN 1 ELSE 0 END) "
	"FROM diagnostics d JOIN diagnostics f ON f.id = (SELECT f2.id FROM diagnostics f2 "
	"WHERE f2.person_id = d.person_id ORDER BY f2.done_on, f2.id LIMIT 1) "
	"WHERE d.structure_id = $1 AND d.done_on >= $2 AND d.done_on <= $3 "
	"AND d.id = (SELECT d2.id FROM diagnostics d2 WHERE d2.person_id = d.person_id AND d2.done_on <= $3 "
	"ORDER BY d2.done_on DESC, d2.id DESC LIMIT 1) AND ($4 = 0 OR d.created_by = $4) "
	"GROUP BY d.level ORDER BY d.level";
const char SQL_DIAGNOSTICS_ANONYMISE[] = "UPDATE diagnostics SET comment = '' WHERE person_id = $1";
const char SQL_MERGE_DIAGNOSTICS[] = "UPDATE diagnostics SET person_id = $1 WHERE person_id = $2";

/* ---- financial aid ---------------------------------------------------------- */

#define AID_COLS                                                                                         \
	"a.id, a.person_id, a.version, a.created_by, a.created_at, a.updated_at, a.amount_asked, "         \
	"a.amount_granted, a.kind, a.status, a.payment, a.purpose, a.refusal_reason, a.commission_on, "    \
	"a.decision_on, u.display_name "
#define AID_FROM " FROM aid_requests a JOIN users u ON u.id = a.created_by "
const char SQL_AID_ADD[] =
	"INSERT INTO aid_requests(structure_id, person_id, kind, purpose, amount_asked, amount_granted, status, "
	"commission_on, decision_on, payment, refusal_reason, created_by, created_at, updated_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)";
const char SQL_AID_UPDATE[] =
	"UPDATE aid_requests SET kind = $3, purpose = $4, amount_asked = $5, amount_granted = $6, status = $7, "
	"commission_on = $8, decision_on = $9, payment = $10, refusal_reason = $11, updated_at = $12, "
	"version = version + 1 WHERE id = $1 AND version = $2";
const char SQL_AID_GET[] = "SELECT " AID_COLS AID_FROM "WHERE a.id = $1 AND a.structure_id = $2";
const char SQL_AID_FOR_PERSON[] =
	"SELECT " AID_COLS AID_FROM "WHERE a.person_id = $1 AND a.structure_id = $2 ORDER BY a.created_at DESC, a.id DESC";

/* ---- démarches, mandates and aid when a file is anonymised or merged ------ */

/* Statistics keep the organism, domain, status, way and dates; the words go. */
const char SQL_PROCEDURES_ANONYMISE[] = "UPDATE procedures SET subject = '', notes = '' WHERE person_id = $1";
const char SQL_CHECKLIST_ANONYMISE[] =
	"DELETE FROM procedure_checklist WHERE procedure_id IN (SELECT id FROM procedures WHERE person_id = $1)";
const char SQL_MANDATES_ANONYMISE[] = "UPDATE mandates SET protector_agreement = '' WHERE person_id = $1";
const char SQL_REVOCATIONS_ANONYMISE[] =
	"UPDATE mandate_revocations SET reason = '' WHERE mandate_id IN (SELECT id FROM mandates WHERE person_id = $1)";
const char SQL_ACTS_ANONYMISE[] = "UPDATE mandate_acts SET what = '' WHERE person_id = $1";
const char SQL_AIDS_ANONYMISE[] = "UPDATE aid_requests SET purpose = '', refusal_reason = '' WHERE person_id = $1";
const char SQL_MERGE_PROCEDURES[] = "UPDATE procedures SET person_id = $1 WHERE person_id = $2";
const char SQL_MERGE_MANDATES[] = "UPDATE mandates SET person_id = $1 WHERE person_id = $2";
const char SQL_MERGE_ACTS[] = "UPDATE mandate_acts SET person_id = $1 WHERE person_id = $2";
const char SQL_MERGE_AIDS[] = "UPDATE aid_requests SET person_id = $1 WHERE person_id = $2";

/* ---- reports: démarches, mandates and aid of a period --------------------- */
/* $1 structure, $2..$3 the period's civil dates (inclusive); the last
 * parameter, a worker (0: the whole structure): the rows that worker
 * created, or for acts under mandate did. */
const char SQL_REPORT_PROCEDURES[] =
	"SELECT how, organism, count(*) FROM procedures WHERE structure_id = $1 AND opened_on >= $2 AND opened_on <= $3 "
	"AND ($4 = 0 OR created_by = $4) GROUP BY how, organism";
/* In force on at least one day of the period. $4, $5: the period as Unix times. */
const char SQL_REPORT_MANDATES[] =
	"SELECT count(*) FROM mandates WHERE structure_id = $1 AND starts_on <= $3 AND ends_on >= $2 "
	"AND (revoked_at IS NULL OR revoked_at >= $4) AND created_at < $5 AND ($6 = 0 OR created_by = $6)";
const char SQL_REPORT_ACTS[] =
	"SELECT count(*) FROM mandate_acts WHERE structure_id = $1 AND at >= $4 AND at < $5 AND $2 <= $3 "
	"AND ($6 = 0 OR user_id = $6)";
const char SQL_REPORT_AIDS[] =
	"SELECT kind, status, count(*), COALESCE(sum(amount_asked), 0), COALESCE(sum(amount_granted), 0) "
	"FROM aid_requests WHERE structure_id = $1 AND created_at >= $4 AND created_at < $5 AND $2 <= $3 "
	"AND ($6 = 0 OR created_by = $6) GROUP BY kind, status";
const char SQL_MERGE_DOCUMENTS[] =
	"UPDATE documents SET person_id = $1, object_id = CASE WHEN object_type = 'person' THEN $1 ELSE object_id END "
	"WHERE person_id = $2";

/* ---- appointments ------------------------------------------------------------ */

const char SQL_APPT_KINDS_OF_STRUCTURE[] =
	"SELECT value, label FROM appointment_kinds WHERE structure_id = $1 ORDER BY label";
const char SQL_APPT_KIND_ADD[] =
	"INSERT INTO appointment_kinds(structure_id, value, label) VALUES ($1, $2, $3) "
	"ON CONFLICT (structure_id, value) DO UPDATE SET label = $3";
const char SQL_SITES_OF_STRUCTURE[] =
	"SELECT id, name, address FROM sites WHERE structure_id = $1 AND active = 1 ORDER BY id";
const char SQL_SITE_OF_STRUCTURE[] = "SELECT id FROM sites WHERE id = $1 AND structure_id = $2 AND active = 1";
/* A site's report: closed sites too, their past entries still count. */
const char SQL_REPORT_SITES[] = "SELECT id, name FROM sites WHERE structure_id = $1 ORDER BY name, id";
const char SQL_REPORT_SITE_NAME[] = "SELECT name FROM sites WHERE id = $1 AND structure_id = $2";
const char SQL_APPT_ADD[] =
	"INSERT INTO appointments(structure_id, worker_id, site_id, kind, place, place_detail, starts_at, ends_at, "
	"to_bring, notes, created_by, created_at, updated_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)";
const char SQL_APPT_UPDATE[] =
	"UPDATE appointments SET worker_id = $3, site_id = $4, kind = $5, place = $6, place_detail = $7, starts_at = $8, "
	"ends_at = $9, to_bring = $10, notes = $11, updated_at = $12, version = version + 1 "
	"WHERE id = $1 AND version = $2 AND status = 'prevu'";
const char SQL_APPT_CANCEL[] =
	"UPDATE appointments SET status = 'annule', updated_at = $2, version = version + 1 WHERE id = $1 AND status = 'prevu'";
/* A worker's other appointments overlapping [$2, $3). */
const char SQL_APPT_CONFLICT[] =
	"SELECT count(*) FROM appointments WHERE worker_id = $1 AND status = 'prevu' AND starts_at < $3 AND ends_at > $2 "
	"AND id <> $4";
#define APPT_COLS                                                                                             \
	"a.id, a.worker_id, COALESCE(a.site_id, 0), a.starts_at, a.ends_at, a.version, a.created_by, a.kind, "   \
	"a.place, a.status, a.place_detail, a.to_bring, a.notes, u.display_name, COALESCE(s.name, ''), "        \
	"COALESCE(s.address, '') "
#define APPT_FROM " FROM appointments a JOIN users u ON u.id = a.worker_id LEFT JOIN sites s ON s.id = a.site_id "
const char SQL_APPT_GET[] = "SELECT " APPT_COLS APPT_FROM "WHERE a.id = $1 AND a.structure_id = $2";
const char SQL_APPT_RANGE[] =
	"SELECT " APPT_COLS APPT_FROM "WHERE a.structure_id = $1 AND ($2 = 0 OR a.worker_id = $2) "
	"AND a.starts_at >= $3 AND a.starts_at < $4 ORDER BY a.starts_at, a.id";
const char SQL_APPT_FOR_PERSON[] =
	"SELECT " APPT_COLS APPT_FROM "JOIN appointment_persons ap ON ap.appointment_id = a.id "
	"WHERE ap.person_id = $1 AND a.structure_id = $2 ORDER BY a.starts_at DESC LIMIT 50";
const char SQL_APPT_PERSONS[] =
	"SELECT p.id, p.civilite, p.birth_name, p.usage_name, p.first_names, ap.outcome FROM appointment_persons ap "
	"JOIN persons p ON p.id = ap.person_id WHERE ap.appointment_id = $1 ORDER BY p.birth_name, p.first_names";
const char SQL_APPT_PERSON_ADD[] =
	"INSERT INTO appointment_persons(appointment_id, structure_id, person_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
const char SQL_APPT_PERSONS_CLEAR[] = "DELETE FROM appointment_persons WHERE appointment_id = $1";
const char SQL_APPT_OUTCOME[] =
	"UPDATE appointment_persons SET outcome = $3 WHERE appointment_id = $1 AND person_id = $2";
const char SQL_CALENDAR_FEED_SET[] =
	"INSERT INTO calendar_feeds(user_id, structure_id, token_hash, detail, created_at) VALUES ($1, $2, $3, $4, $5) "
	"ON CONFLICT (user_id) DO UPDATE SET token_hash = $3, detail = $4, created_at = $5";
const char SQL_CALENDAR_FEED_DELETE[] = "DELETE FROM calendar_feeds WHERE user_id = $1";
const char SQL_CALENDAR_FEED_GET[] = "SELECT detail FROM calendar_feeds WHERE user_id = $1";
const char SQL_CALENDAR_FEED_BY_TOKEN[] =
	"SELECT f.user_id, f.structure_id, f.detail FROM calendar_feeds f JOIN users u ON u.id = f.user_id "
	"WHERE f.token_hash = $1 AND u.disabled = 0";

/* ---- reminders and the outbox ---------------------------------------------------- */

const char SQL_REMINDER_SETTINGS_GET[] =
	"SELECT delays, fallback, sms_template, email_template, letter_template FROM reminder_settings "
	"WHERE structure_id = $1";
const char SQL_REMINDER_SETTINGS_SET[] =
	"INSERT INTO reminder_settings(structure_id, delays, fallback, sms_template, email_template, letter_template) "
	"VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (structure_id) DO UPDATE SET delays = $2, fallback = $3, "
	"sms_template = $4, email_template = $5, letter_template = $6";
const char SQL_OUTBOX_DELETE_PENDING[] = "DELETE FROM outbox WHERE appointment_id = $1 AND status = 'pending'";
const char SQL_OUTBOX_WITHDRAW[] =
	"UPDATE outbox SET status = 'cancelled' WHERE appointment_id = $1 AND status = 'pending'";
const char SQL_OUTBOX_ADD[] =
	"INSERT INTO outbox(structure_id, appointment_id, person_id, channel, due_at, recipient, subject, body, "
	"next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $5, $9) "
	"ON CONFLICT (appointment_id, person_id, due_at) DO NOTHING";
#define OUTBOX_COLS                                                                                         \
	"o.id, o.structure_id, COALESCE(o.appointment_id, 0), o.person_id, o.due_at, o.attempts, "          \
	"COALESCE(o.sent_at, 0), o.channel, o.status, o.recipient, o.subject, o.body, o.last_error "
/* Due SMS and e-mail, and claims that expired long enough ago for a
 * delivery report to have settled them (see domain/reminder.h). $1 now,
 * $2 the new claim's end, $3 how many, $4 the time reports get. */
#define OUTBOX_CLAIM(lock)                                                                               \
	"UPDATE outbox SET status = 'sending', claim_until = $2, attempts = attempts + 1 WHERE id IN ("         \
	"SELECT id FROM outbox WHERE channel IN ('sms', 'email') AND ((status = 'pending' AND next_attempt_at <= $1) " \
	"OR (status = 'sending' AND claim_until + $4 <= $1)) ORDER BY next_attempt_at, id LIMIT $3" lock ") "      \
	"RETURNING id, structure_id, COALESCE(appointment_id, 0), person_id, due_at, attempts, COALESCE(sent_at, 0), " \
	"channel, status, recipient, subject, body, last_error"
const char SQL_OUTBOX_CLAIM[] = OUTBOX_CLAIM("");
/* Several servers: rows another server is claiming are skipped, not waited
 * for (SQLite has one writer at a time anyway). */
static const char SQL_OUTBOX_CLAIM_PG[] = OUTBOX_CLAIM(" FOR UPDATE SKIP LOCKED");
const char SQL_OUTBOX_SENT[] =
	"UPDATE outbox SET status = 'sent', sent_at = $2, last_error = '' WHERE id = $1 AND status = 'sending'";
const char SQL_OUTBOX_RETRY[] =
	"UPDATE outbox SET status = $2, next_attempt_at = $3, last_error = $4 WHERE id = $1 AND status = 'sending'";
/* A report settles a claim whatever happened to the sender meanwhile,
 * also a send it counted as failed (the gateway took the message after
 * the timeout): the row must not go again. */
const char SQL_OUTBOX_DELIVERED[] =
	"UPDATE outbox SET status = 'delivered', sent_at = COALESCE(sent_at, $2) WHERE id = $1 "
	"AND status IN ('pending', 'sending', 'sent', 'delivered', 'failed')";
const char SQL_OUTBOX_ACCEPTED[] =
	"UPDATE outbox SET status = 'sent', sent_at = COALESCE(sent_at, $2) WHERE id = $1 "
	"AND status IN ('pending', 'sending', 'failed')";
const char SQL_OUTBOX_LIST[] =
	"SELECT " OUTBOX_COLS ", p.birth_name, p.first_names FROM outbox o JOIN persons p ON p.id = o.person_id "
	"WHERE o.structure_id = $1 AND ($2 = '' OR o.channel = $2) AND o.status = $3 AND o.due_at < $4 "
	"ORDER BY o.due_at, o.id LIMIT 500";
const char SQL_OUTBOX_GET[] = "SELECT " OUTBOX_COLS "FROM outbox o WHERE o.id = $1 AND o.structure_id = $2";
const char SQL_OUTBOX_MARK_DONE[] =
	"UPDATE outbox SET status = 'done', done_by = $2, sent_at = $3 WHERE id = $1 AND status = 'pending'";
const char SQL_OUTBOX_COUNTS[] =
	"SELECT status, count(*) FROM outbox WHERE structure_id = $1 AND channel IN ('sms', 'email') "
	"AND status IN ('pending', 'failed') GROUP BY status "
	"UNION ALL SELECT channel, count(*) FROM outbox WHERE structure_id = $1 AND channel IN ('courrier', 'telephone') "
	"AND status = 'pending' AND due_at < $2 GROUP BY channel";
const char SQL_OUTBOX_FOR_APPOINTMENT[] =
	"SELECT " OUTBOX_COLS ", p.birth_name, p.first_names FROM outbox o JOIN persons p ON p.id = o.person_id "
	"WHERE o.appointment_id = $1 AND o.structure_id = $2 ORDER BY o.due_at, o.id";
const char SQL_OUTBOX_CANCEL_CLAIMED[] = "UPDATE outbox SET status = 'cancelled' WHERE id = $1 AND status = 'sending'";
/* Appointments that took place in the period and what happened, per person
 * expected. $6: the worker who held them, whoever booked them (0: all);
 * $7: the site they took place at (0: all). */
const char SQL_REPORT_APPOINTMENTS[] =
	"SELECT ap.outcome, count(*) FROM appointments a JOIN appointment_persons ap ON ap.appointment_id = a.id "
	"WHERE a.structure_id = $1 AND a.status = 'prevu' AND a.starts_at >= $4 AND a.starts_at < $5 AND $2 <= $3 "
	"AND ($6 = 0 OR a.worker_id = $6) AND ($7 = 0 OR a.site_id = $7) GROUP BY ap.outcome";

/* ---- the baromètre: month by month, for a structure or one worker ($2, 0 = all) ---- */
/* Time with people (accueil, entretiens, visites, ateliers, accompagnement
 * numérique) and administrative time (tâches, démarches), people seen, and
 * people oriented elsewhere (an orientation entry in the journal, or an
 * orientation proposed). $3, $4: the month as Unix times. */
const char SQL_BAROMETER_ENTRIES[] =
	"SELECT COALESCE(sum(CASE WHEN kind IN ('accueil', 'entretien', 'accompagnement_numerique') THEN duration_min "
	"ELSE 0 END), 0), COALESCE(sum(CASE WHEN kind IN ('tache_administrative', 'demarche', 'reunion_partenaire') "
	"THEN duration_min ELSE 0 END), 0), count(DISTINCT person_id), "
	"(SELECT count(*) FROM (SELECT person_id FROM journal_entries WHERE structure_id = $1 AND ($2 = 0 OR "
	"author_id = $2) AND at >= $3 AND at < $4 AND kind = 'orientation' UNION SELECT person_id FROM orientations "
	"WHERE structure_id = $1 AND ($2 = 0 OR created_by = $2) AND created_at >= $3 AND created_at < $4) AS o) "
	"FROM journal_entries WHERE structure_id = $1 AND ($2 = 0 OR author_id = $2) AND at >= $3 AND at < $4";
/* $3, $4: the month's first and last civil dates. */
const char SQL_BAROMETER_PROCEDURES[] =
	"SELECT how, count(*) FROM procedures WHERE structure_id = $1 AND ($2 = 0 OR created_by = $2) "
	"AND opened_on >= $3 AND opened_on <= $4 GROUP BY how";
/* Diagnostics of the month that found a higher level than the person's previous one. */
const char SQL_BAROMETER_AUTONOMY[] =
	"SELECT count(*) FROM diagnostics d WHERE d.structure_id = $1 AND ($2 = 0 OR d.created_by = $2) "
	"AND d.done_on >= $3 AND d.done_on <= $4 AND d.level > (SELECT p.level FROM diagnostics p "
	"WHERE p.person_id = d.person_id AND (p.done_on < d.done_on OR (p.done_on = d.done_on AND p.id < d.id)) "
	"ORDER BY p.done_on DESC, p.id DESC LIMIT 1)";

/* ---- funders' export: one line per person seen in the period ($2, $3 Unix times) ---- */
const char SQL_EXPORT_ENTRIES[] =
	"SELECT person_id, count(*), COALESCE(sum(duration_min), 0) FROM journal_entries "
	"WHERE structure_id = $1 AND at >= $2 AND at < $3 GROUP BY person_id";
const char SQL_EXPORT_THEMES[] =
	"SELECT person_id, themes FROM journal_entries WHERE structure_id = $1 AND at >= $2 AND at < $3 AND themes <> ''";
const char SQL_EXPORT_PERSONS[] =
	"SELECT id, birth_date, civilite, commune_name, housing, created_at FROM persons WHERE structure_id = $1";
/* $4, $5: the period's civil dates. */
const char SQL_EXPORT_PROCEDURES[] =
	"SELECT person_id, how, count(*) FROM procedures WHERE structure_id = $1 AND opened_on >= $4 AND opened_on <= $5 "
	"AND $2 <= $3 GROUP BY person_id, how";
const char SQL_EXPORT_AIDS[] =
	"SELECT person_id, sum(amount_granted) FROM aid_requests WHERE structure_id = $1 AND status = 'accordee' "
	"AND created_at >= $2 AND created_at < $3 GROUP BY person_id";
const char SQL_EXPORT_LEVELS[] =
	"SELECT person_id, level FROM diagnostics WHERE structure_id = $1 AND done_on <= $5 AND $2 <= $3 AND $4 <= $5 "
	"ORDER BY person_id, done_on, id";
const char SQL_EXPORT_MISSED[] =
	"SELECT ap.person_id, count(*) FROM appointments a JOIN appointment_persons ap ON ap.appointment_id = a.id "
	"WHERE a.structure_id = $1 AND a.status = 'prevu' AND a.starts_at >= $2 AND a.starts_at < $3 "
	"AND ap.outcome = 'manque' GROUP BY ap.person_id";

/* ---- services directory (domain/directory.c): column lists in the order of
 * enum dir_structure_field / dir_service_field (domain/directory.h) ---- */
const char SQL_DIR_STRUCTURE_INSERT[] =
	"INSERT INTO dir_structures(source_id, producer, source_key, nom, description, siret, adresse, "
	"complement_adresse, commune, code_postal, code_insee, longitude, latitude, telephone, courriel, "
	"site_web, lien_source, horaires_accueil, accessibilite_lieu, reseaux_porteurs, date_maj, "
	"lmn_pivot, lmn_typologie, lmn_structure_parente, lmn_itinerance, "
	"lmn_dispositif_programmes_nationaux, lmn_formations_labels, lmn_autres_formations_labels, "
	"content_hash, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
	"$12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, "
	"$30)";
const char SQL_DIR_STRUCTURE_UPDATE[] =
	"UPDATE dir_structures SET producer = $2, source_key = $3, nom = $4, description = $5, siret = "
	"$6, adresse = $7, complement_adresse = $8, commune = $9, code_postal = $10, code_insee = $11, "
	"longitude = $12, latitude = $13, telephone = $14, courriel = $15, site_web = $16, lien_source = "
	"$17, horaires_accueil = $18, accessibilite_lieu = $19, reseaux_porteurs = $20, date_maj = $21, "
	"lmn_pivot = $22, lmn_typologie = $23, lmn_structure_parente = $24, lmn_itinerance = $25, "
	"lmn_dispositif_programmes_nationaux = $26, lmn_formations_labels = $27, "
	"lmn_autres_formations_labels = $28, content_hash = $29, updated_at = $30 WHERE id = $1";
const char SQL_DIR_STRUCTURE_GET[] =
	"SELECT producer, source_key, nom, description, siret, adresse, complement_adresse, commune, "
	"code_postal, code_insee, longitude, latitude, telephone, courriel, site_web, lien_source, "
	"horaires_accueil, accessibilite_lieu, reseaux_porteurs, date_maj, lmn_pivot, lmn_typologie, "
	"lmn_structure_parente, lmn_itinerance, lmn_dispositif_programmes_nationaux, "
	"lmn_formations_labels, lmn_autres_formations_labels, source_id FROM dir_structures WHERE id = "
	"$1";
const char SQL_DIR_SERVICE_INSERT[] =
	"INSERT INTO dir_services(source_id, structure_ref, producer, source_key, structure_key, nom, "
	"description, type, thematiques, frais, frais_precisions, publics, publics_precisions, "
	"conditions_acces, adresse, complement_adresse, commune, code_postal, code_insee, longitude, "
	"latitude, telephone, courriel, contact_nom_prenom, modes_accueil, zone_eligibilite, "
	"lien_mobilisation, lien_source, modes_mobilisation, mobilisable_par, mobilisation_precisions, "
	"volume_horaire_hebdomadaire, nombre_semaines, horaires_accueil, date_maj, lmn_services, "
	"lmn_publics_specifiquement_adresses, lmn_prise_en_charge_specifique, lmn_frais_a_charge, "
	"lmn_modalites_acces, lmn_modalites_accompagnement, theme_cats, geo_lat, geo_lon, geo_cell, "
	"structure_nom, content_hash, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
	"$9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, "
	"$28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39, $40, $41, $42, $43, $44, $45, $46, "
	"$47, $48, $48)";
const char SQL_DIR_SERVICE_UPDATE[] =
	"UPDATE dir_services SET structure_ref = $2, producer = $3, source_key = $4, structure_key = $5, "
	"nom = $6, description = $7, type = $8, thematiques = $9, frais = $10, frais_precisions = $11, "
	"publics = $12, publics_precisions = $13, conditions_acces = $14, adresse = $15, "
	"complement_adresse = $16, commune = $17, code_postal = $18, code_insee = $19, longitude = $20, "
	"latitude = $21, telephone = $22, courriel = $23, contact_nom_prenom = $24, modes_accueil = $25, "
	"zone_eligibilite = $26, lien_mobilisation = $27, lien_source = $28, modes_mobilisation = $29, "
	"mobilisable_par = $30, mobilisation_precisions = $31, volume_horaire_hebdomadaire = $32, "
	"nombre_semaines = $33, horaires_accueil = $34, date_maj = $35, lmn_services = $36, "
	"lmn_publics_specifiquement_adresses = $37, lmn_prise_en_charge_specifique = $38, "
	"lmn_frais_a_charge = $39, lmn_modalites_acces = $40, lmn_modalites_accompagnement = $41, "
	"theme_cats = $42, geo_lat = $43, geo_lon = $44, geo_cell = $45, structure_nom = $46, "
	"content_hash = $47, updated_at = $48 WHERE id = $1";
const char SQL_DIR_SERVICE_GET[] =
	"SELECT producer, source_key, structure_key, nom, description, type, thematiques, frais, "
	"frais_precisions, publics, publics_precisions, conditions_acces, adresse, complement_adresse, "
	"commune, code_postal, code_insee, longitude, latitude, telephone, courriel, contact_nom_prenom, "
	"modes_accueil, zone_eligibilite, lien_mobilisation, lien_source, modes_mobilisation, "
	"mobilisable_par, mobilisation_precisions, volume_horaire_hebdomadaire, nombre_semaines, "
	"horaires_accueil, date_maj, lmn_services, lmn_publics_specifiquement_adresses, "
	"lmn_prise_en_charge_specifique, lmn_frais_a_charge, lmn_modalites_acces, "
	"lmn_modalites_accompagnement, structure_ref, source_id, geo_lat, geo_lon FROM dir_services "
	"WHERE id = $1";
const char SQL_DIR_LOCAL_STRUCTURE_INSERT[] =
	"INSERT INTO dir_local_structures(structure_id, nom, description, siret, adresse, "
	"complement_adresse, commune, code_postal, code_insee, longitude, latitude, telephone, courriel, "
	"site_web, lien_source, horaires_accueil, accessibilite_lieu, reseaux_porteurs, date_maj, "
	"created_by, created_at, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
	"$10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $20, $21)";
const char SQL_DIR_LOCAL_STRUCTURE_UPDATE[] =
	"UPDATE dir_local_structures SET nom = $4, description = $5, siret = $6, adresse = $7, "
	"complement_adresse = $8, commune = $9, code_postal = $10, code_insee = $11, longitude = $12, "
	"latitude = $13, telephone = $14, courriel = $15, site_web = $16, lien_source = $17, "
	"horaires_accueil = $18, accessibilite_lieu = $19, reseaux_porteurs = $20, date_maj = $21, "
	"version = version + 1, updated_by = $22, updated_at = $23 WHERE id = $1 AND structure_id = $2 "
	"AND version = $3";
const char SQL_DIR_LOCAL_STRUCTURE_GET[] =
	"SELECT nom, description, siret, adresse, complement_adresse, commune, code_postal, code_insee, "
	"longitude, latitude, telephone, courriel, site_web, lien_source, horaires_accueil, "
	"accessibilite_lieu, reseaux_porteurs, date_maj, version, active, id FROM dir_local_structures "
	"WHERE id = $1 AND structure_id = $2";
const char SQL_DIR_LOCAL_STRUCTURES_EXPORT[] =
	"SELECT nom, description, siret, adresse, complement_adresse, commune, code_postal, code_insee, "
	"longitude, latitude, telephone, courriel, site_web, lien_source, horaires_accueil, "
	"accessibilite_lieu, reseaux_porteurs, date_maj, version, active, id FROM dir_local_structures p "
	"WHERE structure_id = $1 AND active = 1 AND EXISTS (SELECT 1 FROM dir_local_services s WHERE "
	"s.partner_id = p.id AND s.active = 1) ORDER BY id";
const char SQL_DIR_LOCAL_SERVICE_INSERT[] =
	"INSERT INTO dir_local_services(structure_id, partner_id, nom, description, type, thematiques, "
	"frais, frais_precisions, publics, publics_precisions, conditions_acces, adresse, "
	"complement_adresse, commune, code_postal, code_insee, longitude, latitude, telephone, courriel, "
	"contact_nom_prenom, modes_accueil, zone_eligibilite, lien_mobilisation, lien_source, "
	"modes_mobilisation, mobilisable_par, mobilisation_precisions, volume_horaire_hebdomadaire, "
	"nombre_semaines, horaires_accueil, date_maj, theme_cats, geo_lat, geo_lon, geo_cell, "
	"structure_nom, created_by, created_at, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, "
	"$7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, "
	"$26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39, $38, $39)";
const char SQL_DIR_LOCAL_SERVICE_UPDATE[] =
	"UPDATE dir_local_services SET nom = $4, description = $5, type = $6, thematiques = $7, frais = "
	"$8, frais_precisions = $9, publics = $10, publics_precisions = $11, conditions_acces = $12, "
	"adresse = $13, complement_adresse = $14, commune = $15, code_postal = $16, code_insee = $17, "
	"longitude = $18, latitude = $19, telephone = $20, courriel = $21, contact_nom_prenom = $22, "
	"modes_accueil = $23, zone_eligibilite = $24, lien_mobilisation = $25, lien_source = $26, "
	"modes_mobilisation = $27, mobilisable_par = $28, mobilisation_precisions = $29, "
	"volume_horaire_hebdomadaire = $30, nombre_semaines = $31, horaires_accueil = $32, date_maj = "
	"$33, theme_cats = $34, geo_lat = $35, geo_lon = $36, geo_cell = $37, structure_nom = $38, "
	"version = version + 1, updated_by = $39, updated_at = $40 WHERE id = $1 AND structure_id = $2 "
	"AND version = $3";
const char SQL_DIR_LOCAL_SERVICE_GET[] =
	"SELECT nom, description, type, thematiques, frais, frais_precisions, publics, "
	"publics_precisions, conditions_acces, adresse, complement_adresse, commune, code_postal, "
	"code_insee, longitude, latitude, telephone, courriel, contact_nom_prenom, modes_accueil, "
	"zone_eligibilite, lien_mobilisation, lien_source, modes_mobilisation, mobilisable_par, "
	"mobilisation_precisions, volume_horaire_hebdomadaire, nombre_semaines, horaires_accueil, "
	"date_maj, partner_id, version, active, geo_lat, geo_lon FROM dir_local_services WHERE id = $1 "
	"AND structure_id = $2";
const char SQL_DIR_LOCAL_SERVICES_EXPORT[] =
	"SELECT nom, description, type, thematiques, frais, frais_precisions, publics, "
	"publics_precisions, conditions_acces, adresse, complement_adresse, commune, code_postal, "
	"code_insee, longitude, latitude, telephone, courriel, contact_nom_prenom, modes_accueil, "
	"zone_eligibilite, lien_mobilisation, lien_source, modes_mobilisation, mobilisable_par, "
	"mobilisation_precisions, volume_horaire_hebdomadaire, nombre_semaines, horaires_accueil, "
	"date_maj, partner_id, version, active, id FROM dir_local_services WHERE structure_id = $1 AND "
	"active = 1 ORDER BY id";
const char SQL_DIR_FTS_ADD[] =
	"INSERT INTO dir_services_fts(rowid, nom, structure_nom, description, commune, thematiques) "
	"SELECT id, nom, structure_nom, description, commune, thematiques FROM dir_services WHERE id = "
	"$1";
const char SQL_DIR_FTS_DELETE[] =
	"INSERT INTO dir_services_fts(dir_services_fts, rowid, nom, structure_nom, description, commune, "
	"thematiques) SELECT 'delete', id, nom, structure_nom, description, commune, thematiques FROM "
	"dir_services WHERE id = $1";
const char SQL_DIR_FTS_ADD_STRUCTURE[] =
	"INSERT INTO dir_services_fts(rowid, nom, structure_nom, description, commune, thematiques) "
	"SELECT id, nom, structure_nom, description, commune, thematiques FROM dir_services WHERE "
	"structure_ref = $1 AND id < $2";
const char SQL_DIR_FTS_DELETE_STRUCTURE[] =
	"INSERT INTO dir_services_fts(dir_services_fts, rowid, nom, structure_nom, description, commune, "
	"thematiques) SELECT 'delete', id, nom, structure_nom, description, commune, thematiques FROM "
	"dir_services WHERE structure_ref = $1 AND id < $2";
/* The services an import created get their themes rows and their full text
 * in one statement each at its end. Thématique values are [a-z0-9-], so the
 * '|'-joined list becomes a JSON array by replacing the bars (SQLite's
 * json_each; PostgreSQL: string_to_table). */
const char SQL_DIR_THEMES_ADD_FROM[] =
	"INSERT INTO dir_service_themes(theme, service_id) SELECT j.value, s.id FROM dir_services s, "
	"json_each('[\"' || replace(s.thematiques, '|', '\",\"') || '\"]') AS j "
	"WHERE s.id >= $1 AND s.thematiques IS NOT NULL";
static const char SQL_DIR_THEMES_ADD_FROM_PG[] =
	"INSERT INTO dir_service_themes(theme, service_id) SELECT t, s.id FROM dir_services s, "
	"unnest(string_to_array(s.thematiques, '|')) AS t WHERE s.id >= $1 AND s.thematiques IS NOT NULL";
const char SQL_DIR_FTS_ADD_FROM[] =
	"INSERT INTO dir_services_fts(rowid, nom, structure_nom, description, commune, thematiques) "
	"SELECT id, nom, structure_nom, description, commune, thematiques FROM dir_services WHERE id >= $1";
const char SQL_DIR_RENAME_STRUCTURE[] =
	"UPDATE dir_services SET structure_nom = $2 WHERE structure_ref = $1";
const char SQL_DIR_LOCAL_FTS_ADD[] =
	"INSERT INTO dir_local_services_fts(rowid, nom, structure_nom, description, commune, "
	"thematiques) SELECT id, nom, structure_nom, description, commune, thematiques FROM "
	"dir_local_services WHERE id = $1";
const char SQL_DIR_LOCAL_FTS_DELETE[] =
	"INSERT INTO dir_local_services_fts(dir_local_services_fts, rowid, nom, structure_nom, "
	"description, commune, thematiques) SELECT 'delete', id, nom, structure_nom, description, "
	"commune, thematiques FROM dir_local_services WHERE id = $1";
const char SQL_DIR_LOCAL_FTS_ADD_STRUCTURE[] =
	"INSERT INTO dir_local_services_fts(rowid, nom, structure_nom, description, commune, "
	"thematiques) SELECT id, nom, structure_nom, description, commune, thematiques FROM "
	"dir_local_services WHERE partner_id = $1 AND id < $2";
const char SQL_DIR_LOCAL_FTS_DELETE_STRUCTURE[] =
	"INSERT INTO dir_local_services_fts(dir_local_services_fts, rowid, nom, structure_nom, "
	"description, commune, thematiques) SELECT 'delete', id, nom, structure_nom, description, "
	"commune, thematiques FROM dir_local_services WHERE partner_id = $1 AND id < $2";
const char SQL_DIR_LOCAL_RENAME_STRUCTURE[] =
	"UPDATE dir_local_services SET structure_nom = $2 WHERE partner_id = $1";
const char SQL_DIR_SOURCE_FIND[] = "SELECT id FROM dir_sources WHERE name = $1";
const char SQL_DIR_SOURCE_ADD[] =
	"INSERT INTO dir_sources(name, shape, attribution, licence, url, file_name, data_date, created_at, imported_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)";
const char SQL_DIR_SOURCE_GET[] =
	"SELECT name, shape, attribution, licence, url, file_name, data_date FROM dir_sources WHERE id = $1";
const char SQL_DIR_SOURCE_SET[] =
	"UPDATE dir_sources SET shape = $2, attribution = $3, licence = $4, url = $5, file_name = $6, data_date = $7, "
	"imported_at = $8 WHERE id = $1";
const char SQL_DIR_SOURCE_NEWEST[] =
	"SELECT COALESCE(max(d), '') FROM (SELECT max(date_maj) AS d FROM dir_structures WHERE source_id = $1 "
	"UNION ALL SELECT max(date_maj) FROM dir_services WHERE source_id = $1) AS t";
const char SQL_DIR_STRUCTURE_FIND[] =
	"SELECT id, content_hash, nom, latitude, longitude FROM dir_structures WHERE source_id = $1 AND source_key = $2";
const char SQL_DIR_SERVICE_FIND[] =
	"SELECT id, content_hash, thematiques FROM dir_services WHERE source_id = $1 AND source_key = $2";
const char SQL_DIR_SERVICES_REGEO[] =
	"UPDATE dir_services SET geo_lat = $2, geo_lon = $3, geo_cell = $4 "
	"WHERE structure_ref = $1 AND (latitude IS NULL OR longitude IS NULL)";
const char SQL_DIR_THEME_DELETE[] = "DELETE FROM dir_service_themes WHERE theme = $1 AND service_id = $2";
const char SQL_DIR_THEME_ADD[] = "INSERT INTO dir_service_themes(theme, service_id) VALUES ($1, $2)";
const char SQL_DIR_LOCAL_SERVICE_SET_ACTIVE[] =
	"UPDATE dir_local_services SET active = $3, version = version + 1, updated_by = $4, updated_at = $5 "
	"WHERE id = $1 AND structure_id = $2";
const char SQL_DIR_LOCAL_THEMES_CLEAR[] =
	"DELETE FROM dir_local_service_themes WHERE structure_id = $1 AND service_id = $2";
const char SQL_DIR_LOCAL_THEME_ADD[] =
	"INSERT INTO dir_local_service_themes(structure_id, theme, service_id) VALUES ($1, $2, $3)";

/* ---- directory search and orientations (domain/directory_search.c, orientation.c) ---- */
/* The columns the search filters on, national (s: dir_services, st: its
 * structure) and local (s: dir_local_services, st: its partner). */
#define SRCH_COLS                                                                                   \
	"s.id, s.geo_lat, s.geo_lon, s.theme_cats, s.thematiques, s.frais, s.publics, s.modes_accueil, " \
	"COALESCE(s.horaires_accueil, st.horaires_accueil), s.zone_eligibilite, "                       \
	"s.lmn_prise_en_charge_specifique, st.accessibilite_lieu, s.code_insee, s.nom, s.structure_nom, " \
	"s.description, s.commune"
#define SRCH_FROM " FROM dir_services s JOIN dir_structures st ON st.id = s.structure_ref "
/* $3: the bit of the category searched (0: any), tested before the join so
 * that the other rows cost no structure read. */
const char SQL_SRCH_CELLS[] =
	"SELECT " SRCH_COLS SRCH_FROM "WHERE s.geo_cell >= $1 AND s.geo_cell <= $2 AND ($3 = 0 OR (s.theme_cats & $3) <> 0)";
/* $1, $2: a range of INSEE codes (a commune, or a département's). */
const char SQL_SRCH_UNLOCATED[] =
	"SELECT " SRCH_COLS SRCH_FROM "WHERE s.code_insee >= $1 AND s.code_insee < $2 AND s.geo_cell IS NULL "
	"AND ($3 = 0 OR (s.theme_cats & $3) <> 0)";
const char SQL_SRCH_AREA[] =
	"SELECT " SRCH_COLS SRCH_FROM "WHERE s.code_insee >= $1 AND s.code_insee < $2 AND ($3 = 0 OR (s.theme_cats & $3) <> 0) "
	"LIMIT $4";
/* Unranked (bm25 over a common word's tens of thousands of matches costs
 * a second): the search asks the name columns first, then every column,
 * and ranks in C. $1: folded words (letters and digits) separated by one
 * space, each a prefix: "epic solid" → FTS5 '"epic"* "solid"*', PostgreSQL
 * 'epic:* & solid:*' over the expressions indexed in db/dialect.c. */
#define SRCH_FTS_SQLITE(columns)                                                                        \
	"SELECT " SRCH_COLS " FROM dir_services_fts JOIN dir_services s ON s.id = dir_services_fts.rowid "  \
	"JOIN dir_structures st ON st.id = s.structure_ref WHERE dir_services_fts MATCH '" columns "(\"' || " \
	"replace($1, ' ', '\"* \"') || '\"*)' LIMIT $2"
#define SRCH_FTS_PG(text)                                                                               \
	"SELECT " SRCH_COLS SRCH_FROM "WHERE to_tsvector('simple', lien_fold(" text ")) @@ "                 \
	"to_tsquery('simple', replace($1, ' ', ':* & ') || ':*') LIMIT $2"
#define SRCH_NAMES "coalesce(s.nom, '') || ' ' || coalesce(s.structure_nom, '')"
const char SQL_SRCH_FTS_NAMES[] = SRCH_FTS_SQLITE("{nom structure_nom} : ");
static const char SQL_SRCH_FTS_NAMES_PG[] = SRCH_FTS_PG(SRCH_NAMES);
const char SQL_SRCH_FTS_ALL[] = SRCH_FTS_SQLITE("");
static const char SQL_SRCH_FTS_ALL_PG[] =
	SRCH_FTS_PG(SRCH_NAMES " || ' ' || coalesce(s.description, '') || ' ' || coalesce(s.commune, '') || ' ' || "
		    "coalesce(s.thematiques, '')");
const char SQL_SRCH_THEME[] =
	"SELECT " SRCH_COLS " FROM dir_service_themes t JOIN dir_services s ON s.id = t.service_id "
	"JOIN dir_structures st ON st.id = s.structure_ref WHERE t.theme >= $1 AND t.theme <= $2 LIMIT $3";
const char SQL_SRCH_LOCAL[] =
	"SELECT s.id, s.geo_lat, s.geo_lon, s.theme_cats, s.thematiques, s.frais, s.publics, s.modes_accueil, "
	"COALESCE(s.horaires_accueil, st.horaires_accueil), s.zone_eligibilite, NULL, st.accessibilite_lieu, "
	"s.code_insee, s.nom, s.structure_nom, s.description, s.commune FROM dir_local_services s "
	"JOIN dir_local_structures st ON st.id = s.partner_id WHERE s.structure_id = $1 AND s.active = 1";
const char SQL_SRCH_CARD[] =
	"SELECT s.nom, COALESCE(s.structure_nom, st.nom), COALESCE(s.adresse, st.adresse), "
	"COALESCE(s.code_postal, st.code_postal), COALESCE(s.commune, st.commune), "
	"COALESCE(s.telephone, st.telephone), COALESCE(s.horaires_accueil, st.horaires_accueil), s.frais, "
	"s.modes_accueil, s.thematiques" SRCH_FROM "WHERE s.id = $1";
const char SQL_SRCH_LOCAL_CARD[] =
	"SELECT s.nom, st.nom, COALESCE(s.adresse, st.adresse), COALESCE(s.code_postal, st.code_postal), "
	"COALESCE(s.commune, st.commune), COALESCE(s.telephone, st.telephone), "
	"COALESCE(s.horaires_accueil, st.horaires_accueil), s.frais, s.modes_accueil, s.thematiques "
	"FROM dir_local_services s JOIN dir_local_structures st ON st.id = s.partner_id "
	"WHERE s.id = $1 AND s.structure_id = $2";
const char SQL_SRCH_COMMUNE_POINT[] =
	"SELECT count(*), avg(geo_lat), avg(geo_lon) FROM dir_services WHERE code_insee = $1 AND geo_cell IS NOT NULL";
const char SQL_DIR_SETTINGS_GET[] =
	"SELECT commune_insee, latitude, longitude, reminder_days FROM directory_settings WHERE structure_id = $1";
const char SQL_DIR_SETTINGS_SET[] =
	"INSERT INTO directory_settings(structure_id, commune_insee, latitude, longitude, reminder_days, updated_by, "
	"updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (structure_id) DO UPDATE SET "
	"commune_insee = excluded.commune_insee, latitude = excluded.latitude, longitude = excluded.longitude, "
	"reminder_days = excluded.reminder_days, updated_by = excluded.updated_by, updated_at = excluded.updated_at";
const char SQL_DIR_PARTNERS_LIST[] =
	"SELECT p.id, p.nom, COALESCE(p.commune, ''), p.active, (SELECT count(*) FROM dir_local_services s "
	"WHERE s.partner_id = p.id AND s.active = 1) FROM dir_local_structures p WHERE p.structure_id = $1 "
	"ORDER BY p.nom, p.id";
const char SQL_DIR_LOCALS_LIST[] =
	"SELECT s.id, s.partner_id, s.nom, COALESCE(s.commune, ''), s.active FROM dir_local_services s "
	"WHERE s.structure_id = $1 ORDER BY s.nom, s.id";

#define ORIENT_COLS                                                                                      \
	"o.id, o.person_id, COALESCE(o.service_id, 0), COALESCE(o.local_service_id, 0), o.status_at, "       \
	"COALESCE(o.task_id, 0), o.version, o.created_by, o.created_at, o.updated_at, o.consent, "           \
	"o.reminder_days, o.service_name, o.partner_name, o.theme, o.partner_type, o.status, o.reason, "     \
	"o.shared, o.how_to_go, o.to_bring, o.to_say, COALESCE(u.display_name, '')"
#define ORIENT_FROM " FROM orientations o LEFT JOIN users u ON u.id = o.created_by "
const char SQL_ORIENT_ADD[] =
	"INSERT INTO orientations(structure_id, person_id, service_id, local_service_id, service_name, partner_name, "
	"theme, partner_type, reason, shared, consent, how_to_go, to_bring, to_say, status, status_at, reminder_days, "
	"created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, "
	"$15, $16, $17, $18, $16, $16)";
const char SQL_ORIENT_GET[] = "SELECT " ORIENT_COLS ORIENT_FROM "WHERE o.id = $1 AND o.structure_id = $2";
const char SQL_ORIENT_FOR_PERSON[] =
	"SELECT " ORIENT_COLS ORIENT_FROM "WHERE o.person_id = $1 AND o.structure_id = $2 ORDER BY o.created_at DESC, o.id DESC";
const char SQL_ORIENT_SET_STATUS[] =
	"UPDATE orientations SET status = $4, status_at = $5, updated_at = $5, version = version + 1 "
	"WHERE id = $1 AND structure_id = $2 AND version = $3";
const char SQL_ORIENT_SET_TASK[] = "UPDATE orientations SET task_id = $2 WHERE id = $1";
/* The task just added for the person (inside the same write transaction). */
const char SQL_ORIENT_NEWEST_TASK[] = "SELECT max(id) FROM tasks WHERE structure_id = $1 AND person_id = $2";
const char SQL_ORIENT_TASK_OPEN[] = "SELECT count(*) FROM tasks WHERE id = $1 AND done_at IS NULL";
const char SQL_ORIENT_EVENT_ADD[] =
	"INSERT INTO orientation_events(structure_id, orientation_id, status, channel, note, by_user, at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7)";
const char SQL_ORIENT_EVENTS[] =
	"SELECT e.status, e.channel, e.note, e.at, COALESCE(u.display_name, '') FROM orientation_events e "
	"LEFT JOIN users u ON u.id = e.by_user WHERE e.orientation_id = $1 AND e.structure_id = $2 ORDER BY e.id";
/* $2, $3: Unix times of the period; $4: the worker who proposed them (0: all). */
const char SQL_ORIENT_STATS[] =
	"SELECT theme, partner_type, status, count(*) FROM orientations WHERE structure_id = $1 AND created_at >= $2 "
	"AND created_at < $3 AND ($4 = 0 OR created_by = $4) GROUP BY theme, partner_type, status";
/* After a large import: statistics for the planner (which index narrows a
 * search most: the grid cells or a theme). */
const char SQL_DIR_ANALYZE_SERVICES[] = "ANALYZE dir_services";
const char SQL_DIR_ANALYZE_THEMES[] = "ANALYZE dir_service_themes";
const char SQL_DIR_ANALYZE_STRUCTURES[] = "ANALYZE dir_structures";
/* Orientations follow the file: blanked with it, moved by a merge. */
const char SQL_ORIENTATIONS_ANONYMISE[] =
	"UPDATE orientations SET reason = '', shared = '', how_to_go = '', to_bring = '', to_say = '' WHERE person_id = $1";
const char SQL_ORIENTATION_EVENTS_ANONYMISE[] =
	"UPDATE orientation_events SET note = '' WHERE orientation_id IN (SELECT id FROM orientations WHERE person_id = $1)";
const char SQL_MERGE_ORIENTATIONS[] = "UPDATE orientations SET person_id = $1 WHERE person_id = $2";

/* ---- the anonymous questionnaire --------------------------------------------- */

/* Who answered in which quarter: read only to refuse a second answer. No
 * statement reads it together with survey_answers (they share no key). */
const char SQL_SURVEY_PARTICIPATED[] =
	"SELECT count(*) FROM survey_participations WHERE structure_id = $1 AND period = $2 AND user_id = $3";
/* A second answer in the quarter inserts nothing (db_changes() is 0). */
const char SQL_SURVEY_PARTICIPATE[] =
	"INSERT INTO survey_participations(structure_id, period, user_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
/* $1 is a random id; one already drawn inserts nothing and is drawn again. */
const char SQL_SURVEY_ANSWER_ADD[] =
	"INSERT INTO survey_answers(id, structure_id, period, question, answer) VALUES ($1, $2, $3, $4, $5) "
	"ON CONFLICT (id) DO NOTHING";
/* One questionnaire of a structure at a time (SQLite's write transaction
 * already is): the rewrite below must see every answer of the quarter. */
const char SQL_SURVEY_LOCK[] = "SELECT id FROM structures WHERE id = $1";
static const char SQL_SURVEY_LOCK_PG[] = "SELECT id FROM structures WHERE id = $1 FOR UPDATE";
/* The quarter's answers, deleted then written again in id order (survey.c says why). */
const char SQL_SURVEY_PERIOD_ANSWERS[] =
	"SELECT id, question, answer FROM survey_answers WHERE structure_id = $1 AND period = $2 ORDER BY id";
const char SQL_SURVEY_PERIOD_DELETE[] = "DELETE FROM survey_answers WHERE structure_id = $1 AND period = $2";
/* The questionnaires of a quarter: the answers to one question ($3). */
const char SQL_SURVEY_COUNT[] =
	"SELECT count(*) FROM survey_answers WHERE structure_id = $1 AND period = $2 AND question = $3";
/* The counts shown, replaced when the quarter reaches 5, 10, 15… answers. */
const char SQL_SURVEY_TALLY_CLEAR[] = "DELETE FROM survey_tallies WHERE structure_id = $1 AND period = $2";
const char SQL_SURVEY_TALLY_PUBLISH[] =
	"INSERT INTO survey_tallies(structure_id, period, question, answer, n) "
	"SELECT structure_id, period, question, answer, count(*) FROM survey_answers WHERE structure_id = $1 AND period = $2 "
	"GROUP BY structure_id, period, question, answer";
const char SQL_SURVEY_RESULTS[] = "SELECT question, answer, n FROM survey_tallies WHERE structure_id = $1 AND period = $2";

/* ---- the PostgreSQL text of the queries above whose dialects differ ---- */
/* The full-text upkeep statements are SQLite's (FTS5 tables are filled by
 * hand); PostgreSQL's expression indexes keep themselves: "" runs nothing. */
const struct db_variant db_pg_variants[] = {
	{SQL_SRCH_FTS_NAMES, SQL_SRCH_FTS_NAMES_PG},
	{SQL_SRCH_FTS_ALL, SQL_SRCH_FTS_ALL_PG},
	{SQL_DIR_THEMES_ADD_FROM, SQL_DIR_THEMES_ADD_FROM_PG},
	{SQL_OUTBOX_CLAIM, SQL_OUTBOX_CLAIM_PG},
	{SQL_SURVEY_LOCK, SQL_SURVEY_LOCK_PG},
	{SQL_DIR_FTS_ADD, ""},
	{SQL_DIR_FTS_DELETE, ""},
	{SQL_DIR_FTS_ADD_STRUCTURE, ""},
	{SQL_DIR_FTS_DELETE_STRUCTURE, ""},
	{SQL_DIR_FTS_ADD_FROM, ""},
	{SQL_DIR_LOCAL_FTS_ADD, ""},
	{SQL_DIR_LOCAL_FTS_DELETE, ""},
	{SQL_DIR_LOCAL_FTS_ADD_STRUCTURE, ""},
	{SQL_DIR_LOCAL_FTS_DELETE_STRUCTURE, ""},
	{NULL, NULL},
};
