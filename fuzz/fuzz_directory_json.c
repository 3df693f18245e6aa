/* libFuzzer harness: the services directory import (src/domain/
 * directory_import.c), as `lien import services` runs it on a national
 * file: the JSON walker, cJSON, the data·inclusion and lieux rules, and the
 * writes, against an in-memory database made once. Every input is a dry
 * run, so the transaction is rolled back and memory stays flat; a base
 * source imported at start-up makes the update paths reachable (same
 * source and ids as the seeds). Inputs that do not start with '{' or '['
 * go to the lieux CSV reader, as they would from the command line. */
#include "core/buf.h"
#include "db/db.h"
#include "domain/directory.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct db *db;
static int64_t base_rows;

/* Two structures and their services of source "t", and a lieu of source
 * "Hub": what the seeds update. */
static const char BASE[] =
	"{\"structures\": ["
	"{\"source\": \"t\", \"id\": \"a\", \"nom\": \"Épicerie solidaire\", \"date_maj\": \"2026-01-01\","
	" \"latitude\": 50.63, \"longitude\": 3.06, \"telephone\": \"03 20 00 00 00\"},"
	"{\"source\": \"t\", \"id\": \"b\", \"nom\": \"Association\", \"date_maj\": \"2026-01-01\"}],"
	"\"services\": ["
	"{\"source\": \"t\", \"id\": \"s1\", \"structure_id\": \"a\", \"nom\": \"Aide alimentaire\","
	" \"description\": \"Colis chaque semaine.\", \"date_maj\": \"2026-01-01\","
	" \"thematiques\": [\"equipement-et-alimentation--alimentation\"], \"zone_eligibilite\": [\"59\"]},"
	"{\"source\": \"t\", \"id\": \"s2\", \"structure_id\": \"b\", \"nom\": \"Permanence\","
	" \"description\": \"Le mardi matin.\", \"date_maj\": \"2026-01-01\"}]}";

static int file_problems;

static void report(void *arg, const char *record, const char *reason)
{
	(void)arg;
	/* Both are read whole, as the command line prints them. */
	if (!reason || strlen(reason) == 0 || (record && strlen(record) > 400))
		__builtin_trap();
	if (!record)
		file_problems++;
}

static int64_t rows(void)
{
	int64_t a = -1, b = -1, c = -1;
	db_get_int(db, "SELECT count(*) FROM dir_structures", &a, "");
	db_get_int(db, "SELECT count(*) FROM dir_services", &b, "");
	db_get_int(db, "SELECT count(*) FROM dir_sources", &c, "");
	return a + b * 1000 + c * 1000000;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	struct buf err = BUF_INIT;
	db_global_init();
	db = db_open(":memory:", DB_OPEN_CREATE, &err);
	if (!db || db_migrate(db, &err) < 0) {
		fprintf(stderr, "fuzz_directory_json: %s\n", buf_cstr(&err));
		exit(1);
	}
	buf_free(&err);
	struct directory_import_options opt = {.file_name = "base.json"};
	struct directory_import_result res;
	if (directory_import(db, BASE, strlen(BASE), &opt, &res, report, NULL) < 0 || res.rejected ||
	    res.services_created != 2) {
		fprintf(stderr, "fuzz_directory_json: base import failed\n");
		exit(1);
	}
	base_rows = rows();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct directory_import_options opt = {.file_name = "fuzz.json", .dry_run = 1};
	struct directory_import_result res;
	file_problems = 0;
	int rc = directory_import(db, (const char *)data, size, &opt, &res, report, NULL);
	/* An unusable file is said so; a dry run keeps nothing; counts add up. */
	if (rc < 0 && file_problems == 0)
		__builtin_trap();
	if (rows() != base_rows)
		__builtin_trap();
	if (rc == 0 && (res.rejected > res.records || res.structures_created + res.structures_updated +
									res.structures_unchanged > res.records))
		__builtin_trap();
	return 0;
}
