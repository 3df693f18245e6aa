/* libFuzzer harness: multipart/form-data bodies (file uploads). The first
 * line of the input is the Content-Type header's value, the rest the body. */
#include "http/http.h"

#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size);
	if (!nl)
		return 0;
	struct pool *pool = pool_new();
	char *ctype = pool_strndup(pool, (const char *)data, (size_t)(nl - (const char *)data));
	struct http_params form = {0};
	struct http_files files = {0};
	size_t body_len = size - (size_t)(nl + 1 - (const char *)data);
	if (http_parse_multipart(pool, ctype, nl + 1, body_len, &form, &files) == 0) {
		/* Every file part lies inside the body it came from. */
		for (size_t i = 0; i < files.n; i++)
			if (files.items[i].data < nl + 1 || files.items[i].data + files.items[i].len > nl + 1 + body_len)
				__builtin_trap();
	}
	pool_free(pool);
	return 0;
}
