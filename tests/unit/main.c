/* Runs every registered unit test; the last line counts them. */
#include <stdarg.h>
#include <stdlib.h>

#include "names.h"
#include "t.h"

#define MAX_TESTS 1024
static struct {
    const char *name;
    t_fn fn;
} tests[MAX_TESTS];
static int ntests, cur_failed;

void t_register(const char *name, t_fn fn)
{
    if (ntests < MAX_TESTS) {
        tests[ntests].name = name;
        tests[ntests].fn = fn;
        ntests++;
    }
}

void t_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s:%d: ", file, line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    cur_failed = 1;
}

static int cmp(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    return strcmp(x, y);
}

int main(int argc, char **argv)
{
    /* registration order depends on the linker: run in name order */
    qsort(tests, (size_t)ntests, sizeof tests[0], cmp);
    if (names_init() != 0) {
        fputs("unit: names_init failed\n", stderr);
        return 1;
    }
    int passed = 0, failed = 0;
    for (int i = 0; i < ntests; i++) {
        if (argc > 1 && !strstr(tests[i].name, argv[1]))
            continue;
        cur_failed = 0;
        tests[i].fn();
        if (cur_failed) {
            failed++;
            fprintf(stderr, "FAIL %s\n", tests[i].name);
        } else
            passed++;
    }
    names_fini();
    printf("unit: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
