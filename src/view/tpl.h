/*
 * HTML templates: a small Mustache subset, compiled into the binary.
 *
 * Templates are the embedded files templates/NAME.html. Tags:
 *   {{name}}            the value of `name`, HTML-escaped; empty when unset.
 *                       A value set with tpl_set_raw() is written as is.
 *   {{#name}}...{{/name}}
 *                       section: over a list, the body once per item with the
 *                       item as innermost context; over a truthy scalar (set,
 *                       non-empty, not "0"), the body once; otherwise nothing.
 *   {{^name}}...{{/name}}
 *                       inverted section: the body when `name` is unset, "",
 *                       "0" or an empty list.
 *   {{>partial}}        templates/partial.html rendered with the current
 *                       context (at most 16 partials deep).
 *   {{! comment }}      nothing.
 * Names are [A-Za-z0-9_-]+, with optional blanks around them inside the tag.
 * A name is looked up in the innermost context first, then in each enclosing
 * one up to the root. There is no triple mustache or {{&name}}: raw HTML only
 * comes from tpl_set_raw(), which review can grep for.
 *
 * Each embedded template is parsed once, on first use (thread-safe); rendering
 * takes no lock. A context is built per request by one thread and only read
 * while rendering.
 *
 * Allocation failures in the setters are remembered in the root context and
 * make the next render fail, so a page is never sent with values missing.
 */
#ifndef LIEN_VIEW_TPL_H
#define LIEN_VIEW_TPL_H

#include <stddef.h>

#include "core/buf.h"

/** A tree of values: each key holds a string, trusted HTML or a list of
 * child contexts. It owns copies of every string given to it. */
struct tpl_ctx;

/** Allocates an empty root context; NULL if out of memory (every tpl_ function
 * accepts a NULL context and does nothing, and rendering it fails). */
struct tpl_ctx *tpl_ctx_new(void);

/** Frees a root context and the whole tree below it. NULL is a no-op. Never
 * call it on a list item: items belong to their parent. */
void tpl_ctx_free(struct tpl_ctx *ctx);

/** Sets `key` to a copy of the C string `value`, HTML-escaped on output.
 * Setting a key again replaces its value (or list); NULL unsets it. */
void tpl_set(struct tpl_ctx *ctx, const char *key, const char *value);

/** Same as tpl_set() with an explicit length (value need not be terminated). */
void tpl_setn(struct tpl_ctx *ctx, const char *key, const char *value, size_t len);

/** Sets `key` to a printf-formatted string, HTML-escaped on output. */
void tpl_setf(struct tpl_ctx *ctx, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/** Sets `key` to the decimal text of v. */
void tpl_set_int(struct tpl_ctx *ctx, const char *key, long long v);

/** Sets `key` to "1" when v is non-zero, unsets it otherwise, so that
 * {{#key}} and {{^key}} test it. */
void tpl_set_bool(struct tpl_ctx *ctx, const char *key, int v);

/** Sets `key` to trusted HTML, written without escaping. The only way to put
 * raw HTML in a page: never pass it anything that came from a user. */
void tpl_set_raw(struct tpl_ctx *ctx, const char *key, const char *html);

/** Appends a new empty item to the list `key` (creating the list, or
 * replacing a scalar of that name) and returns the item, owned by ctx. NULL
 * if out of memory; the failure is remembered and rendering will fail. */
struct tpl_ctx *tpl_list_add(struct tpl_ctx *ctx, const char *key);

/** The scalar value of `key` in this context only (no lookup in parents), or
 * NULL if unset or a list. Valid until the key is set again or ctx freed. */
const char *tpl_get(const struct tpl_ctx *ctx, const char *key);

/** Renders templates/<name>.html with ctx, appending to out. Returns 0, or -1
 * with a message appended to err (err may be NULL): unknown or broken
 * template, partials too deep, out of memory in the context or the output, or
 * out's cap reached. On error out is truncated back to its length on entry. */
int tpl_render(const char *name, const struct tpl_ctx *ctx, struct buf *out,
	       struct buf *err);

/** Same as tpl_render() on a template given as text; name is only used in
 * messages. text must stay valid during the call only; partials still come
 * from the embedded templates. The text is parsed on each call. */
int tpl_render_string(const char *name, const char *text, size_t len,
		      const struct tpl_ctx *ctx, struct buf *out, struct buf *err);

/** Parses every embedded templates/ *.html (once per process; call it at
 * start-up so a broken template stops the server). Returns 0, or -1 with a
 * message naming the first broken template and the line appended to err. */
int tpl_check_all(struct buf *err);

#endif
