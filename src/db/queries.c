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
