/*
 * libFuzzer harness for the template parser and renderer: the input is the
 * template text, rendered with a small fixed context that exercises every
 * value kind (escaped, raw, falsy, lists, nested lists). Partials resolve
 * against the embedded templates linked in.
 *   clang -fsanitize=fuzzer,address,undefined -Isrc ... fuzz/fuzz_tpl.c
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "view/tpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct tpl_ctx *make_ctx(void)
{
	struct tpl_ctx *c = tpl_ctx_new();
	tpl_set(c, "name", "<Élodie & \"Léo\" 'x'>");
	tpl_set_raw(c, "raw", "<b>raw</b>");
	tpl_set(c, "zero", "0");
	tpl_set(c, "empty", "");
	tpl_set_bool(c, "yes", 1);
	tpl_set_int(c, "n", 42);
	tpl_list_add(c, "none"); /* becomes an empty list below */
	tpl_set(c, "none", NULL);
	for (int i = 0; i < 2; i++) {
		struct tpl_ctx *it = tpl_list_add(c, "items");
		tpl_set_int(it, "n", i);
		tpl_set(tpl_list_add(it, "sub"), "name", "sub<");
	}
	return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tpl_ctx *ctx;
	if (!ctx)
		ctx = make_ctx();
	/* Each nested {{#items}} doubles the work: bound the nesting an input
	 * can ask for so the fuzzer looks for bugs, not for slow inputs. */
	size_t sections = 0;
	for (size_t i = 0; i + 2 < size; i++)
		if (data[i] == '{' && data[i + 1] == '{' && data[i + 2] == '#')
			sections++;
	if (sections > 12 || size > 16384)
		return -1;

	struct buf out, err = BUF_INIT;
	buf_init(&out, 1 << 20);
	int rc = tpl_render_string("fuzz", (const char *)data, size, ctx, &out, &err);
	if (rc == 0 && err.len != 0)
		__builtin_trap(); /* success leaves err alone */
	if (rc != 0 && err.len == 0)
		__builtin_trap(); /* every failure explains itself */
	buf_free(&out);
	buf_free(&err);
	return 0;
}
