/* Files compiled into the binary by tools/embed.c (templates, static assets,
 * migrations). Names are the source paths, e.g. "templates/login.html". */
#ifndef LIEN_CORE_EMBEDDED_H
#define LIEN_CORE_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
	const char *name;
	const unsigned char *data; /* NUL-terminated for convenience */
	size_t size;
};

extern const struct embedded_file embedded_files[];

/* The embedded file with this exact name, or NULL. */
const struct embedded_file *embedded_find(const char *name);

#endif
