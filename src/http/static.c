/* Static assets embedded in the binary, with strong ETags and a year of
 * cache: their URLs carry the ETag, so a new build gets new URLs. */
#include "http/http.h"
#include "core/embedded.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

enum { MAX_ASSETS = 64 };

struct asset {
	const struct embedded_file *file;
	char name[64];
	char etag[20];    /* "\"xxxxxxxxxxxxxxxx\"" */
	char url[128];
	const char *type;
};

static struct asset assets[MAX_ASSETS];
static size_t nassets;
static pthread_once_t assets_once = PTHREAD_ONCE_INIT;

static const char *mime_type(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{".css", "text/css; charset=utf-8"},
		{".js", "text/javascript; charset=utf-8"},
		{".svg", "image/svg+xml"},
		{".png", "image/png"},
		{".ico", "image/x-icon"},
		{".txt", "text/plain; charset=utf-8"},
		{".woff2", "font/woff2"},
	};
	const char *dot = strrchr(name, '.');
	for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

/* FNV-1a 64: an ETag only needs to change when the bytes do. */
static unsigned long long fnv1a(const unsigned char *p, size_t n)
{
	unsigned long long h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static void assets_load(void)
{
	for (const struct embedded_file *f = embedded_files; f->name && nassets < MAX_ASSETS; f++) {
		if (strncmp(f->name, "static/", 7) != 0)
			continue;
		struct asset *a = &assets[nassets++];
		a->file = f;
		cstr_copy(a->name, sizeof a->name, f->name + 7);
		unsigned long long h = fnv1a(f->data, f->size);
		snprintf(a->etag, sizeof a->etag, "\"%016llx\"", h);
		snprintf(a->url, sizeof a->url, "/static/%s?v=%.8llx", f->name + 7, h >> 32);
		a->type = mime_type(a->name);
	}
}

static const struct asset *asset_find(const char *name)
{
	pthread_once(&assets_once, assets_load);
	for (size_t i = 0; i < nassets; i++)
		if (strcmp(assets[i].name, name) == 0)
			return &assets[i];
	return NULL;
}

int http_static_serve(struct request *req, struct response *resp, const char *name)
{
	/* Names are looked up exactly in the embedded table, so "../" can name nothing. */
	const struct asset *a = asset_find(name);
	if (!a)
		return 0;
	resp->cacheable = 1;
	resp->content_type = a->type;
	resp_header(req, resp, "ETag", a->etag);
	resp_header(req, resp, "Cache-Control", "public, max-age=31536000, immutable");
	const char *inm = req_header(req, "If-None-Match");
	if (inm && strstr(inm, a->etag)) {
		resp->status = 304;
		return 1;
	}
	resp->static_body = a->file->data;
	resp->static_len = a->file->size;
	return 1;
}

const char *http_static_url(const char *name)
{
	const struct asset *a = asset_find(name);
	return a ? a->url : "/static/missing";
}
