/* SPDX-License-Identifier: MIT */
#ifndef ND_BANNED_H
#define ND_BANNED_H
/*
 * Functions that must not be used in netdiag: they overflow, keep hidden
 * state, or turn bad input into silent zeros. Included last by every .c
 * file through nd.h, so a use is a compile error.
 */
#define ND_BANNED(fn) sorry_##fn##_is_banned_in_netdiag
#undef strcpy
#define strcpy(a, b) ND_BANNED(strcpy)
#undef strcat
#define strcat(a, b) ND_BANNED(strcat)
#undef sprintf
#define sprintf(...) ND_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) ND_BANNED(vsprintf)
#undef strtok
#define strtok(a, b) ND_BANNED(strtok)
#undef atoi
#define atoi(a) ND_BANNED(atoi)
#undef atol
#define atol(a) ND_BANNED(atol)
#undef gmtime
#define gmtime(a) ND_BANNED(gmtime)
#undef localtime
#define localtime(a) ND_BANNED(localtime)
#undef gets
#define gets(a) ND_BANNED(gets)
#endif
