#include "unit.h"
#include "view/tpl.h"

#include <pthread.h>
#include <stdlib.h>

/*
 * Renders text with ctx; returns the page, or "ERR:" and the message. The
 * result lives in a static buffer until the next call.
 */
static const char *render(const char *text, const struct tpl_ctx *ctx)
{
	static struct buf res = BUF_INIT;
	struct buf out = BUF_INIT, err = BUF_INIT;
	buf_reset(&res);
	if (tpl_render_string("t.html", text, strlen(text), ctx, &out, &err) == 0) {
		buf_puts(&res, buf_cstr(&out));
	} else {
		buf_puts(&res, "ERR:");
		buf_puts(&res, buf_cstr(&err));
	}
	buf_free(&out);
	buf_free(&err);
	return buf_cstr(&res);
}

/* 1 if rendering text fails with a message containing want. */
static int fails_with(const char *text, const char *want)
{
	struct tpl_ctx *c = tpl_ctx_new();
	const char *r = render(text, c);
	int ok = strncmp(r, "ERR:", 4) == 0 && strstr(r, want);
	if (!ok)
		fprintf(stderr, "    %s -> %s (wanted %s)\n", text, r, want);
	tpl_ctx_free(c);
	return ok;
}

TEST(tpl_escapes_every_special_char)
{
	struct tpl_ctx *c = tpl_ctx_new();
	tpl_set(c, "v", "<a href=\"x\">Tom & Jerry's</a>");
	CHECK_STR(render("[{{v}}]", c),
		  "[&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;]");
	tpl_set(c, "v", "&<>\"'");
	CHECK_STR(render("{{v}}", c), "&amp;&lt;&gt;&quot;&#39;");
	tpl_set(c, "v", "Élodie {{x}}");
	CHECK_STR(render("{{v}}", c), "Élodie {{x}}"); /* values are not templates */
	tpl_ctx_free(c);
}

TEST(tpl_raw_values_not_escaped)
{
	struct tpl_ctx *c = tpl_ctx_new();
	tpl_set_raw(c, "html", "<em>déjà</em> & co");
	tpl_set(c, "text", "<em>");
	CHECK_STR(render("{{html}}|{{text}}", c), "<em>déjà</em> & co|&lt;em&gt;");
	CHECK_STR(tpl_get(c, "html"), "<em>déjà</em> & co");
	tpl_set(c, "html", "<b>"); /* set again: now escaped */
	CHECK_STR(render("{{html}}", c), "&lt;b&gt;");
	tpl_ctx_free(c);
}

TEST(tpl_missing_values_and_plain_text)
{
	struct tpl_ctx *c = tpl_ctx_new();
	CHECK_STR(render("a{{nope}}b", c), "ab");
	CHECK_STR(render("", c), "");
	CHECK_STR(render("no tags { } }} here", c), "no tags { } }} here");
	CHECK_STR(render("a{{! a comment\nover lines }}b", c), "ab");
	tpl_set(c, "x", "1");
	CHECK_STR(render("{{ x }}{{\tx\n}}{{# x }}y{{/ x }}", c), "11y");
	tpl_ctx_free(c);
}

TEST(tpl_set_replace_unset_and_get)
{
	struct tpl_ctx *c = tpl_ctx_new();
	tpl_set(c, "k", "one");
	tpl_set(c, "k", "two");
	CHECK_STR(tpl_get(c, "k"), "two");
	CHECK_STR(render("{{k}}", c), "two");
	tpl_set(c, "k", NULL);
	CHECK(tpl_get(c, "k") == NULL);
	CHECK_STR(render("[{{k}}]", c), "[]");
	tpl_setn(c, "n", "abcdef", 3);
	CHECK_STR(tpl_get(c, "n"), "abc");
	tpl_set_int(c, "i", -1234567890123LL);
	CHECK_STR(tpl_get(c, "i"), "-1234567890123");
	tpl_setf(c, "f", "%s-%03d", "x", 7);
	CHECK_STR(tpl_get(c, "f"), "x-007");
	tpl_set_bool(c, "b", 5);
	CHECK_STR(tpl_get(c, "b"), "1");
	tpl_set_bool(c, "b", 0);
	CHECK(tpl_get(c, "b") == NULL);
	CHECK(tpl_get(c, "absent") == NULL);
	/* many keys: the entry array grows */
	for (int i = 0; i < 100; i++) {
		char k[16];
		snprintf(k, sizeof k, "key%d", i);
		tpl_set_int(c, k, i);
	}
	CHECK_STR(tpl_get(c, "key0"), "0");
	CHECK_STR(render("{{key99}}{{key42}}", c), "9942");
	tpl_ctx_free(c);
}

TEST(tpl_section_over_list_falls_back_to_parents)
{
	struct tpl_ctx *c = tpl_ctx_new();
	tpl_set(c, "sep", ",");
	tpl_set(c, "name", "root");
	struct tpl_ctx *it = tpl_list_add(c, "items");
	tpl_set(it, "name", "a<");
	it = tpl_list_add(c, "items");
	tpl_set(it, "name", "b");
	tpl_list_add(c, "items"); /* no name of its own: the root's */
	CHECK_STR(render("{{#items}}{{name}}{{sep}}{{/items}}|{{name}}", c),
		  "a&lt;,b,root,|root");
	CHECK(tpl_get(c, "items") == NULL); /* a list is not a scalar */
	CHECK_STR(render("[{{items}}]", c), "[]");
	tpl_ctx_free(c);
}

TEST(tpl_truthy_and_falsy_scalars)
{
	struct tpl_ctx *c = tpl_ctx_new();
	const char *t = "{{#v}}yes{{/v}}{{^v}}no{{/v}}";
	CHECK_STR(render(t, c), "no"); /* unset */
	tpl_set(c, "v", "");
	CHECK_STR(render(t, c), "no");
	tpl_set(c, "v", "0");
	CHECK_STR(render(t, c), "no");
	tpl_set(c, "v", "00");
	CHECK_STR(render(t, c), "yes");
	tpl_set(c, "v", "1");
	CHECK_STR(render(t, c), "yes");
	tpl_set(c, "v", "false"); /* only "" and "0" are false */
	CHECK_STR(render(t, c), "yes");
	tpl_set_bool(c, "v", 1);
	CHECK_STR(render(t, c), "yes");
	tpl_set_bool(c, "v", 0);
	CHECK_STR(render(t, c), "no");
	/* a truthy scalar section keeps the same context */
	tpl_set(c, "v", "x<");
	CHECK_STR(render("{{#v}}[{{v}}]{{/v}}", c), "[x&lt;]");
	tpl_ctx_free(c);
}

TEST(tpl_inverted_sections_and_empty_lists)
{
	struct tpl_ctx *c = tpl_ctx_new();
	const char *t = "{{#l}}<{{x}}>{{/l}}{{^l}}empty{{/l}}";
	CHECK_STR(render(t, c), "empty");
	struct tpl_ctx *it = tpl_list_add(c, "l");
	tpl_set(it, "x", "1");
	CHECK_STR(render(t, c), "<1>");
	tpl_set(c, "l", "scalar"); /* a scalar replaces the list */
	CHECK_STR(render(t, c), "<>");
	it = tpl_list_add(c, "l"); /* and a list replaces the scalar */
	tpl_set(it, "x", "2");
	CHECK_STR(render(t, c), "<2>");
	tpl_set(c, "l", NULL);
	CHECK_STR(render(t, c), "empty");
	tpl_ctx_free(c);
}

TEST(tpl_nested_lists)
{
	struct tpl_ctx *c = tpl_ctx_new();
	tpl_set(c, "title", "T");
	for (int i = 0; i < 3; i++) {
		struct tpl_ctx *g = tpl_list_add(c, "groups");
		tpl_set_int(g, "g", i);
		for (int j = 0; j < i; j++) {
			struct tpl_ctx *m = tpl_list_add(g, "members");
			tpl_set_int(m, "m", j);
		}
	}
	const char *t = "{{#groups}}[{{g}}:{{#members}}{{title}}{{g}}.{{m}} {{/members}}"
			"{{^members}}none{{/members}}]{{/groups}}";
	CHECK_STR(render(t, c), "[0:none][1:T1.0 ][2:T2.0 T2.1 ]");
	/* the same list reached from inside another list: the stack decides */
	struct tpl_ctx *o = tpl_list_add(c, "outer");
	tpl_set(o, "m", "outer-m");
	CHECK_STR(render("{{#outer}}{{#groups}}{{g}}{{m}};{{/groups}}{{/outer}}", c),
		  "0outer-m;1outer-m;2outer-m;");
	tpl_ctx_free(c);
}

TEST(tpl_many_list_items)
{
	struct tpl_ctx *c = tpl_ctx_new();
	for (int i = 0; i < 1000; i++)
		tpl_set_int(tpl_list_add(c, "l"), "i", i);
	struct buf out = BUF_INIT;
	const char *t = "{{#l}}{{i}},{{/l}}";
	CHECK(tpl_render_string("t", t, strlen(t), c, &out, NULL) == 0);
	CHECK(strncmp(buf_cstr(&out), "0,1,2,", 6) == 0);
	CHECK(out.len > 6 && strcmp(out.data + out.len - 4, "999,") == 0);
	buf_free(&out);
	tpl_ctx_free(c);
}

TEST(tpl_partials_from_embedded_templates)
{
	struct tpl_ctx *c = tpl_ctx_new();
	tpl_set(c, "who", "root&");
	tpl_set(tpl_list_add(c, "people"), "who", "Ana");
	tpl_list_add(c, "people");
	struct buf out = BUF_INIT, err = BUF_INIT;
	CHECK(tpl_render("_test_page", c, &out, &err) == 0);
	CHECK_STR(buf_cstr(&out), "<ul><li><b>Ana</b></li><li><b>root&amp;</b></li></ul>");
	CHECK_STR(buf_cstr(&err), "");
	/* a partial from a string template, with the current context */
	CHECK_STR(render("{{#people}}{{> _test_partial }}{{/people}}", c),
		  "<b>Ana</b><b>root&amp;</b>");
	buf_free(&out);
	buf_free(&err);
	tpl_ctx_free(c);
}

TEST(tpl_partial_recursion_is_limited)
{
	struct tpl_ctx *c = tpl_ctx_new();
	struct tpl_ctx *p = tpl_list_add(c, "people");
	tpl_set(p, "who", "x");
	tpl_set_bool(p, "recurse", 1); /* _test_partial includes itself */
	struct buf out = BUF_INIT, err = BUF_INIT;
	buf_puts(&out, "before");
	CHECK(tpl_render("_test_page", c, &out, &err) == -1);
	CHECK_STR(buf_cstr(&out), "before"); /* output rolled back */
	CHECK(strstr(buf_cstr(&err), "templates/_test_partial.html:1:") != NULL);
	CHECK(strstr(buf_cstr(&err), "deeper than 16") != NULL);
	buf_free(&out);
	buf_free(&err);
	tpl_ctx_free(c);
}

TEST(tpl_render_appends_and_reports_unknown_template)
{
	struct tpl_ctx *c = tpl_ctx_new();
	struct buf out = BUF_INIT, err = BUF_INIT;
	buf_puts(&out, "<!-- -->");
	CHECK(tpl_render("_test_partial", c, &out, &err) == 0);
	CHECK_STR(buf_cstr(&out), "<!-- --><b></b>");
	CHECK(tpl_render("no_such_page", c, &out, &err) == -1);
	CHECK_STR(buf_cstr(&err), "no template templates/no_such_page.html");
	CHECK_STR(buf_cstr(&out), "<!-- --><b></b>");
	CHECK(tpl_render("no_such_page", c, &out, NULL) == -1); /* err may be NULL */
	buf_free(&out);
	buf_free(&err);
	tpl_ctx_free(c);
}

TEST(tpl_parse_errors_name_template_and_line)
{
	CHECK(fails_with("a\n{{#s}}\nb", "t.html:2: section 's' is never closed"));
	CHECK(fails_with("{{#a}}{{#b}}\n{{/a}}{{/b}}", "t.html:2: '{{/a}}' does not close 'b' opened at line 1"));
	CHECK(fails_with("x\n\n{{/a}}", "t.html:3: '{{/a}}' closes no section"));
	CHECK(fails_with("\n{{{raw}}}", "t.html:2: unsupported tag"));
	CHECK(fails_with("{{&raw}}", "t.html:1: unsupported tag"));
	CHECK(fails_with("{{=<% %>=}}", "t.html:1: unsupported tag"));
	CHECK(fails_with("a\nb\n{{name", "t.html:3: unterminated '{{'"));
	CHECK(fails_with("{{! no end", "t.html:1: unterminated '{{'"));
	CHECK(fails_with("{{}}", "t.html:1: bad tag"));
	CHECK(fails_with("{{ }}", "t.html:1: bad tag"));
	CHECK(fails_with("{{a.b}}", "t.html:1: bad tag"));
	CHECK(fails_with("{{a b}}", "t.html:1: bad tag"));
	CHECK(fails_with("{{#}}{{/}}", "t.html:1: bad tag"));
	CHECK(fails_with("{{! multi\nline }}\n{{>no_such_partial}}",
			 "t.html:3: no template templates/no_such_partial.html"));
	CHECK(fails_with("{{>../etc/passwd}}", "t.html:1: bad tag"));
}

TEST(tpl_section_nesting_limit)
{
	struct buf t = BUF_INIT;
	for (int i = 0; i < 32; i++)
		buf_puts(&t, "{{#a}}");
	for (int i = 0; i < 32; i++)
		buf_puts(&t, "{{/a}}");
	struct tpl_ctx *c = tpl_ctx_new();
	tpl_set(c, "a", "1");
	CHECK_STR(render(buf_cstr(&t), c), "");
	buf_reset(&t);
	for (int i = 0; i < 33; i++)
		buf_puts(&t, "{{#a}}");
	CHECK(fails_with(buf_cstr(&t), "t.html:1: sections nested deeper than 32"));
	buf_free(&t);
	tpl_ctx_free(c);
}

TEST(tpl_output_cap)
{
	struct tpl_ctx *c = tpl_ctx_new();
	tpl_set(c, "v", "<<<<"); /* 16 bytes once escaped */
	struct buf out, err = BUF_INIT;
	buf_init(&out, 20);
	buf_puts(&out, "12345");
	CHECK(tpl_render_string("cap", "{{v}}", 5, c, &out, &err) == -1);
	CHECK_STR(buf_cstr(&out), "12345");
	CHECK(strstr(buf_cstr(&err), "larger than 20 bytes") != NULL);
	buf_reset(&out);
	CHECK(tpl_render_string("cap", "{{v}}", 5, c, &out, NULL) == 0);
	CHECK(out.len == 16);
	buf_free(&out);
	buf_free(&err);
	tpl_ctx_free(c);
}

TEST(tpl_null_context_fails)
{
	struct buf out = BUF_INIT, err = BUF_INIT;
	tpl_set(NULL, "a", "b"); /* no-ops, no crash */
	CHECK(tpl_list_add(NULL, "l") == NULL);
	CHECK(tpl_get(NULL, "a") == NULL);
	CHECK(tpl_render_string("n", "x", 1, NULL, &out, &err) == -1);
	CHECK(strstr(buf_cstr(&err), "out of memory") != NULL);
	CHECK(out.len == 0);
	buf_free(&out);
	buf_free(&err);
}

TEST(tpl_check_all_embedded_templates)
{
	struct buf err = BUF_INIT;
	int rc = tpl_check_all(&err);
	if (rc != 0)
		fprintf(stderr, "    %s\n", buf_cstr(&err));
	CHECK(rc == 0);
	CHECK(err.len == 0);
	buf_free(&err);
}

static void *render_page_thread(void *arg)
{
	const struct tpl_ctx *c = arg;
	struct buf out = BUF_INIT;
	long bad = 0;
	for (int i = 0; i < 200; i++) {
		buf_reset(&out);
		if (tpl_render("_test_page", c, &out, NULL) != 0 ||
		    strcmp(buf_cstr(&out), "<ul><li><b>t</b></li></ul>") != 0)
			bad++;
	}
	buf_free(&out);
	return (void *)bad;
}

TEST(tpl_concurrent_rendering)
{
	struct tpl_ctx *c = tpl_ctx_new();
	tpl_set(tpl_list_add(c, "people"), "who", "t");
	pthread_t th[4];
	int started = 0;
	for (int i = 0; i < 4; i++)
		if (pthread_create(&th[i], NULL, render_page_thread, c) == 0)
			started++;
	CHECK(started == 4);
	for (int i = 0; i < started; i++) {
		void *bad = NULL;
		pthread_join(th[i], &bad);
		CHECK(bad == NULL);
	}
	tpl_ctx_free(c);
}
