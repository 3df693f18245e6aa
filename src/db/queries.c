/* The SQL of Lien. Portable text: both SQLite and PostgreSQL accept it. */
#include "db/queries.h"

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
	"workers, summary, for_person, documents, private_note, created_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";
const char SQL_ENTRY_LIST[] =
	"SELECT e.id, e.author_id, u.display_name, e.at, e.medium, e.kind, e.themes, e.duration_min, e.workers, "
	"e.summary, e.for_person, e.documents, e.private_note FROM journal_entries e JOIN users u ON u.id = e.author_id "
	"WHERE e.person_id = $1 AND e.structure_id = $2 ORDER BY e.at DESC, e.id DESC LIMIT $3";
const char SQL_ENTRY_LATEST_FOR_PERSON[] =
	"SELECT e.id, e.author_id, u.display_name, e.at, e.medium, e.kind, e.themes, e.duration_min, e.workers, "
	"e.summary, e.for_person, e.documents, e.private_note FROM journal_entries e JOIN users u ON u.id = e.author_id "
	"WHERE e.person_id = $1 AND e.structure_id = $2 AND e.for_person <> '' ORDER BY e.at DESC, e.id DESC LIMIT 1";
const char SQL_ENTRY_LAST_MEDIUM[] =
	"SELECT medium FROM journal_entries WHERE author_id = $1 ORDER BY id DESC LIMIT 1";
const char SQL_TASK_ADD[] =
	"INSERT INTO tasks(structure_id, person_id, entry_id, text, due_date, assignee_id, created_by, created_at) "
	"VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
const char SQL_TASK_GET[] =
	"SELECT id, COALESCE(person_id, 0), assignee_id, COALESCE(done_at, 0) FROM tasks WHERE id = $1 AND structure_id = $2";
const char SQL_TASK_SET_DONE[] = "UPDATE tasks SET done_at = $2 WHERE id = $1";
const char SQL_TASK_REASSIGN[] = "UPDATE tasks SET assignee_id = $2 WHERE id = $1";
#define TASK_COLS                                                                           \
	"t.id, t.text, t.due_date, COALESCE(t.done_at, 0), COALESCE(t.person_id, 0), "       \
	"COALESCE(p.birth_name, ''), COALESCE(p.first_names, ''), u.display_name, t.assignee_id "
const char SQL_TASK_MINE[] =
	"SELECT " TASK_COLS "FROM tasks t LEFT JOIN persons p ON p.id = t.person_id JOIN users u ON u.id = t.assignee_id "
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

const char SQL_REPORT_ENTRIES[] =
	"SELECT person_id, kind, medium, themes, duration_min FROM journal_entries "
	"WHERE structure_id = $1 AND at >= $2 AND at < $3";
/* The people seen are then read in one sequential pass, not one lookup per entry. */
const char SQL_REPORT_PERSONS[] =
	"SELECT id, birth_date, civilite, commune_name, created_at FROM persons WHERE structure_id = $1";

const char SQL_THEMES_OF_STRUCTURE[] =
	"SELECT value, label, active FROM structure_themes WHERE structure_id = $1 ORDER BY label";
const char SQL_THEME_SET[] =
	"INSERT INTO structure_themes(structure_id, value, label, active) VALUES ($1, $2, $3, $4) "
	"ON CONFLICT (structure_id, value) DO UPDATE SET label = $3, active = $4";
