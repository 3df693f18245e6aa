/* SQLite's allocations through a per-thread cache of small blocks (see sqlite_mem.c). */
#ifndef LIEN_DB_SQLITE_MEM_H
#define LIEN_DB_SQLITE_MEM_H

/* Before the first use of SQLite. */
void sqlite_mem_install(void);

#endif
