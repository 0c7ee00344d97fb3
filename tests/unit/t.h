/* t.h: the unit-test harness.  TEST(name) { ... } registers a test;
 * T_CHECK / T_STREQ / T_INTEQ record failures with file:line and go on. */
#ifndef PARTC_T_H
#define PARTC_T_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef void (*t_fn)(void);
void t_register(const char *name, t_fn fn);
void t_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define TEST(name)                                                      \
    static void test_##name(void);                                      \
    __attribute__((constructor)) static void reg_##name(void)           \
    {                                                                   \
        t_register(#name, test_##name);                                 \
    }                                                                   \
    static void test_##name(void)

#define T_CHECK(cond)                                                   \
    do {                                                                \
        if (!(cond))                                                    \
            t_fail(__FILE__, __LINE__, "check failed: %s", #cond);      \
    } while (0)

#define T_STREQ(got, want)                                              \
    do {                                                                \
        const char *g_ = (got), *w_ = (want);                           \
        if (!g_ || !w_ || strcmp(g_, w_) != 0)                          \
            t_fail(__FILE__, __LINE__, "%s: got '%s', want '%s'", #got, \
                   g_ ? g_ : "(null)", w_ ? w_ : "(null)");             \
    } while (0)

#define T_INTEQ(got, want)                                              \
    do {                                                                \
        long long g_ = (long long)(got), w_ = (long long)(want);        \
        if (g_ != w_)                                                   \
            t_fail(__FILE__, __LINE__, "%s: got %lld, want %lld", #got, \
                   g_, w_);                                             \
    } while (0)

#endif
