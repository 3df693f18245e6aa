/* Whole writes to a file descriptor. */
#ifndef LIEN_CORE_FDIO_H
#define LIEN_CORE_FDIO_H

#include <stddef.h>

/* Writes all n bytes (again after a short write or EINTR): 0, or -1 with
 * errno set. */
int fd_write_all(int fd, const void *data, size_t n);

#endif
