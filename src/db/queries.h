/*
 * Every SQL statement of Lien, as constants (see queries.c). Parameters are
 * $1, $2… in order of first appearance; columns are listed in the order the
 * domain code reads them.
 */
#ifndef LIEN_DB_QUERIES_H
#define LIEN_DB_QUERIES_H

/* structures */
extern const char SQL_STRUCTURE_ADD[];
extern const char SQL_STRUCTURE_LIST[];
extern const char SQL_STRUCTURE_NAME[];
extern const char SQL_STRUCTURE_BY_NAME[];
extern const char SQL_STRUCTURE_CONTACT[];
extern const char SQL_STRUCTURE_SET_CONTACT[];

/* users */
extern const char SQL_USER_ADD[];
extern const char SQL_USER_BY_ID[];
extern const char SQL_USER_BY_LOGIN[];
extern const char SQL_USER_LIST[];
extern const char SQL_USER_LIST_ALL[];
extern const char SQL_USER_SET_DISABLED[];
extern const char SQL_USER_SET_PASSWORD[];
extern const char SQL_USER_SET_LOGIN_AT[];
extern const char SQL_USER_SET_TOTP_SECRET[];
extern const char SQL_USER_ENABLE_TOTP[];
extern const char SQL_USER_SET_TOTP_STEP[];
extern const char SQL_USER_COUNT[];
extern const char SQL_RECOVERY_DELETE[];
extern const char SQL_RECOVERY_ADD[];
extern const char SQL_RECOVERY_FIND[];
extern const char SQL_RECOVERY_USE[];
extern const char SQL_RECOVERY_LEFT[];

/* sessions */
extern const char SQL_SESSION_ADD[];
extern const char SQL_SESSION_LOOKUP[];
extern const char SQL_SESSION_TOUCH[];
extern const char SQL_SESSION_DELETE[];
extern const char SQL_SESSION_DELETE_USER[];
extern const char SQL_SESSION_DELETE_OTHERS[];
extern const char SQL_SESSION_PURGE[];

/* login throttling */
extern const char SQL_THROTTLE_GET[];
extern const char SQL_THROTTLE_SET[];
extern const char SQL_THROTTLE_CLEAR[];

/* audit */
extern const char SQL_AUDIT_LAST_HASH[];
extern const char SQL_AUDIT_ADD[];
extern const char SQL_AUDIT_ALL[];
extern const char SQL_AUDIT_RECENT[];

#endif

/* persons (column lists in the order of enum person_field) */
extern const char SQL_PERSON_COUNT[];
extern const char SQL_PERSON_INSERT[];
extern const char SQL_PERSON_UPDATE[];
extern const char SQL_PERSON_GET[];
extern const char SQL_PERSON_NEXT_NUMBER[];
extern const char SQL_PERSON_SET_NUMBER[];
extern const char SQL_PERSON_NAMES_DELETE[];
extern const char SQL_PERSON_NAME_ADD[];
extern const char SQL_PERSON_SEARCH_NAME[];
extern const char SQL_PERSON_SEARCH_BIRTH[];
extern const char SQL_PERSON_SEARCH_PHONE[];
extern const char SQL_PERSON_SEARCH_NUMBER[];
extern const char SQL_PERSON_BY_TOKEN[];
extern const char SQL_PERSON_TOUCH_CONTACT[];
extern const char SQL_REFERENT_IS[];
extern const char SQL_REFERENT_ADD[];
extern const char SQL_REFERENT_LIST[];
extern const char SQL_HOUSEHOLD_ADD[];
extern const char SQL_HOUSEHOLD_LIST[];
extern const char SQL_RECENT_MARK[];
extern const char SQL_RECENT_LIST[];

/* journal and tasks */
extern const char SQL_ENTRY_ADD[];
extern const char SQL_ENTRY_LIST[];
extern const char SQL_ENTRY_LATEST_FOR_PERSON[];
extern const char SQL_ENTRY_LAST_MEDIUM[];
extern const char SQL_TASK_ADD[];
extern const char SQL_TASK_GET[];
extern const char SQL_TASK_SET_DONE[];
extern const char SQL_TASK_REASSIGN[];
extern const char SQL_TASK_MINE[];
extern const char SQL_TASK_FOR_PERSON[];

/* retention, right of access */
extern const char SQL_RETENTION_TO_ARCHIVE[];
extern const char SQL_RETENTION_TO_ANONYMISE[];
extern const char SQL_PERSON_ARCHIVE[];
extern const char SQL_PERSON_ANONYMISE[];
extern const char SQL_ENTRIES_ANONYMISE[];
extern const char SQL_HOUSEHOLD_ANONYMISE[];
extern const char SQL_TASKS_ANONYMISE[];
extern const char SQL_JOB_CLAIM[];
extern const char SQL_AUDIT_FOR_OBJECT[];

/* merge */
extern const char SQL_MERGE_ENTRIES[];
extern const char SQL_MERGE_TASKS[];
extern const char SQL_MERGE_HOUSEHOLD[];
extern const char SQL_MERGE_REFERENTS[];
extern const char SQL_MERGE_MARK[];
extern const char SQL_PERSON_ID_BY_NUMBER[];
extern const char SQL_AUDIT_HEAD_GET[];
extern const char SQL_AUDIT_HEAD_SET[];

/* reports */
extern const char SQL_REPORT_ENTRIES[];
extern const char SQL_REPORT_PERSONS[];
extern const char SQL_REPORT_AGG_DAYS[];
extern const char SQL_REPORT_AGG_THEMES[];
extern const char SQL_REPORT_AGG_PERSON_DAYS[];
extern const char SQL_REPORT_AGG_PERSON_MONTH[];
extern const char SQL_REPORT_AGG_YEAR_PEOPLE[];
extern const char SQL_REPORT_AGG_PERSON_YEAR[];
extern const char SQL_THEMES_OF_STRUCTURE[];
extern const char SQL_THEME_SET[];

/* démarches, mandates, acts under mandate */
extern const char SQL_ORGANISMS_OF_STRUCTURE[];
extern const char SQL_ORGANISM_ADD[];
extern const char SQL_PROCEDURE_ADD[];
extern const char SQL_PROCEDURE_UPDATE[];
extern const char SQL_PROCEDURE_GET[];
extern const char SQL_PROCEDURE_FOR_PERSON[];
extern const char SQL_CHECKLIST_ADD[];
extern const char SQL_CHECKLIST_LIST[];
extern const char SQL_CHECKLIST_SET[];
extern const char SQL_PROCEDURE_DUE[];
extern const char SQL_MANDATE_ADD[];
extern const char SQL_MANDATE_GET[];
extern const char SQL_MANDATE_FOR_PERSON[];
extern const char SQL_MANDATE_SET_DOMAINS[];
extern const char SQL_MANDATE_REVOKE[];
extern const char SQL_REVOCATION_ADD[];
extern const char SQL_REVOCATION_GET[];
extern const char SQL_ACT_ADD[];
extern const char SQL_ACT_FOR_PERSON[];
extern const char SQL_ACT_ALL[];
extern const char SQL_ACT_SEALS[];

/* documents (domain/document.c) */
extern const char SQL_DOCUMENT_ADD[];
extern const char SQL_DOCUMENT_GET[];
extern const char SQL_DOCUMENT_FOR_PERSON[];
extern const char SQL_DOCUMENT_FOR_OBJECT[];
extern const char SQL_DOCUMENT_DELETE[];
extern const char SQL_DOCUMENT_STORAGE_OF_PERSON[];
extern const char SQL_DOCUMENT_DELETE_PERSON[];
extern const char SQL_DOCUMENT_STORAGE_USED[];
extern const char SQL_DOCUMENT_PROCEDURE_OF[];
extern const char SQL_DOCUMENT_MANDATE_OF[];
extern const char SQL_DOCUMENT_AID_OF[];

/* digital diagnostic (domain/diagnostic.c) */
extern const char SQL_DIAGNOSTIC_ADD[];
extern const char SQL_DIAGNOSTIC_GET[];
extern const char SQL_DIAGNOSTIC_LIST[];
extern const char SQL_DIAGNOSTIC_PREVIOUS[];
extern const char SQL_DIAGNOSTIC_STATS[];
extern const char SQL_DIAGNOSTICS_ANONYMISE[];
extern const char SQL_MERGE_DIAGNOSTICS[];

/* financial aid */
extern const char SQL_AID_ADD[];
extern const char SQL_AID_UPDATE[];
extern const char SQL_AID_GET[];
extern const char SQL_AID_FOR_PERSON[];
extern const char SQL_PROCEDURES_ANONYMISE[];
extern const char SQL_CHECKLIST_ANONYMISE[];
extern const char SQL_MANDATES_ANONYMISE[];
extern const char SQL_REVOCATIONS_ANONYMISE[];
extern const char SQL_ACTS_ANONYMISE[];
extern const char SQL_AIDS_ANONYMISE[];
extern const char SQL_MERGE_PROCEDURES[];
extern const char SQL_MERGE_MANDATES[];
extern const char SQL_MERGE_ACTS[];
extern const char SQL_MERGE_AIDS[];
extern const char SQL_REPORT_PROCEDURES[];
extern const char SQL_REPORT_MANDATES[];
extern const char SQL_REPORT_ACTS[];
extern const char SQL_REPORT_AIDS[];
extern const char SQL_MERGE_DOCUMENTS[];

/* appointments */
extern const char SQL_APPT_KINDS_OF_STRUCTURE[];
extern const char SQL_APPT_KIND_ADD[];
extern const char SQL_SITES_OF_STRUCTURE[];
extern const char SQL_SITE_OF_STRUCTURE[];
extern const char SQL_REPORT_SITES[];
extern const char SQL_REPORT_SITE_NAME[];
extern const char SQL_APPT_ADD[];
extern const char SQL_APPT_UPDATE[];
extern const char SQL_APPT_CANCEL[];
extern const char SQL_APPT_CONFLICT[];
extern const char SQL_APPT_GET[];
extern const char SQL_APPT_RANGE[];
extern const char SQL_APPT_FOR_PERSON[];
extern const char SQL_APPT_PERSONS[];
extern const char SQL_APPT_PERSON_ADD[];
extern const char SQL_APPT_PERSONS_CLEAR[];
extern const char SQL_APPT_OUTCOME[];
extern const char SQL_CALENDAR_FEED_SET[];
extern const char SQL_CALENDAR_FEED_DELETE[];
extern const char SQL_CALENDAR_FEED_GET[];
extern const char SQL_CALENDAR_FEED_BY_TOKEN[];

/* reminders and the outbox */
extern const char SQL_REMINDER_SETTINGS_GET[];
extern const char SQL_REMINDER_SETTINGS_SET[];
extern const char SQL_OUTBOX_DELETE_PENDING[];
extern const char SQL_OUTBOX_WITHDRAW[];
extern const char SQL_OUTBOX_ADD[];
extern const char SQL_OUTBOX_CLAIM[];
extern const char SQL_OUTBOX_SENT[];
extern const char SQL_OUTBOX_RETRY[];
extern const char SQL_OUTBOX_DELIVERED[];
extern const char SQL_OUTBOX_ACCEPTED[];
extern const char SQL_OUTBOX_LIST[];
extern const char SQL_OUTBOX_GET[];
extern const char SQL_OUTBOX_MARK_DONE[];
extern const char SQL_OUTBOX_COUNTS[];
extern const char SQL_OUTBOX_FOR_APPOINTMENT[];
extern const char SQL_OUTBOX_CANCEL_CLAIMED[];
extern const char SQL_REPORT_APPOINTMENTS[];
extern const char SQL_BAROMETER_ENTRIES[];
extern const char SQL_BAROMETER_PROCEDURES[];
extern const char SQL_BAROMETER_AUTONOMY[];
extern const char SQL_EXPORT_ENTRIES[];
extern const char SQL_EXPORT_THEMES[];
extern const char SQL_EXPORT_PERSONS[];
extern const char SQL_EXPORT_PROCEDURES[];
extern const char SQL_EXPORT_AIDS[];
extern const char SQL_EXPORT_LEVELS[];
extern const char SQL_EXPORT_MISSED[];

/* services directory (domain/directory.c) */
extern const char SQL_DIR_STRUCTURE_INSERT[];
extern const char SQL_DIR_STRUCTURE_UPDATE[];
extern const char SQL_DIR_STRUCTURE_GET[];
extern const char SQL_DIR_SERVICE_INSERT[];
extern const char SQL_DIR_SERVICE_UPDATE[];
extern const char SQL_DIR_SERVICE_GET[];
extern const char SQL_DIR_LOCAL_STRUCTURE_INSERT[];
extern const char SQL_DIR_LOCAL_STRUCTURE_UPDATE[];
extern const char SQL_DIR_LOCAL_STRUCTURE_GET[];
extern const char SQL_DIR_LOCAL_STRUCTURES_EXPORT[];
extern const char SQL_DIR_LOCAL_SERVICE_INSERT[];
extern const char SQL_DIR_LOCAL_SERVICE_UPDATE[];
extern const char SQL_DIR_LOCAL_SERVICE_GET[];
extern const char SQL_DIR_LOCAL_SERVICES_EXPORT[];
extern const char SQL_DIR_FTS_ADD[];
extern const char SQL_DIR_FTS_DELETE[];
extern const char SQL_DIR_FTS_ADD_STRUCTURE[];
extern const char SQL_DIR_FTS_DELETE_STRUCTURE[];
extern const char SQL_DIR_THEMES_ADD_FROM[];
extern const char SQL_DIR_FTS_ADD_FROM[];
extern const char SQL_DIR_RENAME_STRUCTURE[];
extern const char SQL_DIR_LOCAL_FTS_ADD[];
extern const char SQL_DIR_LOCAL_FTS_DELETE[];
extern const char SQL_DIR_LOCAL_FTS_ADD_STRUCTURE[];
extern const char SQL_DIR_LOCAL_FTS_DELETE_STRUCTURE[];
extern const char SQL_DIR_LOCAL_RENAME_STRUCTURE[];
extern const char SQL_DIR_SOURCE_FIND[];
extern const char SQL_DIR_SOURCE_ADD[];
extern const char SQL_DIR_SOURCE_GET[];
extern const char SQL_DIR_SOURCE_SET[];
extern const char SQL_DIR_SOURCE_NEWEST[];
extern const char SQL_DIR_STRUCTURE_FIND[];
extern const char SQL_DIR_SERVICE_FIND[];
extern const char SQL_DIR_SERVICES_REGEO[];
extern const char SQL_DIR_THEME_DELETE[];
extern const char SQL_DIR_THEME_ADD[];
extern const char SQL_DIR_LOCAL_SERVICE_SET_ACTIVE[];
extern const char SQL_DIR_LOCAL_THEMES_CLEAR[];
extern const char SQL_DIR_LOCAL_THEME_ADD[];

/* directory search and orientations (domain/directory_search.c, orientation.c) */
extern const char SQL_SRCH_CELLS[];
extern const char SQL_SRCH_UNLOCATED[];
extern const char SQL_SRCH_AREA[];
extern const char SQL_SRCH_FTS_NAMES[];
extern const char SQL_SRCH_FTS_ALL[];
extern const char SQL_SRCH_THEME[];
extern const char SQL_SRCH_LOCAL[];
extern const char SQL_SRCH_CARD[];
extern const char SQL_SRCH_LOCAL_CARD[];
extern const char SQL_SRCH_COMMUNE_POINT[];
extern const char SQL_DIR_SETTINGS_GET[];
extern const char SQL_DIR_SETTINGS_SET[];
extern const char SQL_DIR_PARTNERS_LIST[];
extern const char SQL_DIR_LOCALS_LIST[];
extern const char SQL_ORIENT_ADD[];
extern const char SQL_ORIENT_GET[];
extern const char SQL_ORIENT_FOR_PERSON[];
extern const char SQL_ORIENT_SET_STATUS[];
extern const char SQL_ORIENT_SET_TASK[];
extern const char SQL_ORIENT_NEWEST_TASK[];
extern const char SQL_ORIENT_TASK_OPEN[];
extern const char SQL_ORIENT_EVENT_ADD[];
extern const char SQL_ORIENT_EVENTS[];
extern const char SQL_ORIENT_STATS[];
extern const char SQL_DIR_ANALYZE_SERVICES[];
extern const char SQL_DIR_ANALYZE_THEMES[];
extern const char SQL_DIR_ANALYZE_STRUCTURES[];
extern const char SQL_ORIENTATIONS_ANONYMISE[];
extern const char SQL_ORIENTATION_EVENTS_ANONYMISE[];
extern const char SQL_MERGE_ORIENTATIONS[];

/* the anonymous questionnaire (domain/survey.c) */
extern const char SQL_SURVEY_PARTICIPATED[];
extern const char SQL_SURVEY_PARTICIPATE[];
extern const char SQL_SURVEY_ANSWER_ADD[];
extern const char SQL_SURVEY_LOCK[];
extern const char SQL_SURVEY_PERIOD_ANSWERS[];
extern const char SQL_SURVEY_PERIOD_DELETE[];
extern const char SQL_SURVEY_COUNT[];
extern const char SQL_SURVEY_TALLY_CLEAR[];
extern const char SQL_SURVEY_TALLY_PUBLISH[];
extern const char SQL_SURVEY_RESULTS[];
