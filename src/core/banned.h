/*
 * Functions that must not be used in Lien (force-included by the Makefile).
 * Each has a safer replacement: buf_*, cstr_copy, str_to_i64, gmtime_r.
 */
#ifndef LIEN_CORE_BANNED_H
#define LIEN_CORE_BANNED_H

/* The system headers first: glibc defines some of these as inline
 * functions at -O2, and the macros below must not rewrite those. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BANNED(f) sorry_##f##_is_banned_see_STYLE_md

#undef strcpy
#define strcpy(a, b) BANNED(strcpy)
#undef strcat
#define strcat(a, b) BANNED(strcat)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef strtok
#define strtok(a, b) BANNED(strtok)
#undef atoi
#define atoi(a) BANNED(atoi)
#undef gmtime
#define gmtime(t) BANNED(gmtime)
#undef localtime
#define localtime(t) BANNED(localtime)

#endif
