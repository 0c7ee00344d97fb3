/* sha256 against the FIPS 180-4 examples; partc.lock text and parsing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lockfile.h"
#include "sha256.h"
#include "t.h"

TEST(sha256_vectors)
{
    char h[65];
    sha256_hex("", 0, h);
    T_STREQ(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha256_hex("abc", 3, h);
    T_STREQ(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"; /* 56 bytes: two padding blocks */
    sha256_hex(two, strlen(two), h);
    T_STREQ(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    char *million = malloc(1000000);
    memset(million, 'a', 1000000);
    sha256_hex(million, 1000000, h);
    T_STREQ(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(million);
}

static const char *write_tmp_lock(const char *dir, const char *text)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/partc.lock", dir);
    FILE *f = fopen(path, "wb");
    fputs(text, f);
    fclose(f);
    return path;
}

TEST(lock_round_trip_sorted)
{
    arena *a = arena_new();
    char dir[] = "/tmp/partc-unit-lock.XXXXXX";
    T_CHECK(mkdtemp(dir) != NULL);
    diags d;
    diags_init(&d, a);
    lockfile lk;
    T_INTEQ(lock_read(&lk, a, arena_printf(a, "%s/partc.lock", dir), &d), 0); /* absent: empty */
    T_CHECK(!lk.present);
    lk.target = "sqlx";
    const char *sha = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    lock_add(&lk, "20261122000001", "b_backfill", 1795305600, sha, "20261122000001_b_backfill.up.sql");
    lock_add(&lk, "20261122000000", "a_create", 1795305600 + 3600, sha, "20261122000000_a_create.up.sql");
    lock_add_state(&lk, "20261122000002", "a_v2", "a:\n  columns:\n    id:\n      type: bigint\n");
    lock_add_state(&lk, "20261122000000", "a_create", "a:\n  mode: create\n");
    const char *text = lock_text(&lk);
    /* states after the files, by version, their spec indented */
    const char *s1 = strstr(text, "state 20261122000000 a_create\n  a:\n    mode: create\n");
    const char *s2 = strstr(text, "state 20261122000002 a_v2\n  a:\n    columns:\n      id:\n        type: bigint\n");
    T_CHECK(s1 && s2 && s1 < s2 && strstr(text, "file 20261122000001") < s1);
    /* sorted by version; an as-of with a time keeps it */
    const char *first = strstr(text, "file 20261122000000 a_create 2026-11-22T01:00:00Z ");
    const char *second = strstr(text, "file 20261122000001 b_backfill 2026-11-22 ");
    T_CHECK(first && second && first < second);
    write_tmp_lock(dir, text);
    lockfile back;
    T_INTEQ(lock_read(&back, a, arena_printf(a, "%s/partc.lock", dir), &d), 0);
    T_CHECK(back.present);
    T_STREQ(back.target, "sqlx");
    T_INTEQ(back.n, 2);
    T_INTEQ(back.nst, 2);
    T_STREQ(lock_text(&back), text);
    const lock_entry *e = lock_find_name(&back, "a_create");
    T_CHECK(e && e->as_of == 1795305600 + 3600 && e->line > 0);
    T_CHECK(lock_find_path(&back, "20261122000001_b_backfill.up.sql") != NULL);
    T_INTEQ(diags_count(&d, SEV_NOTE), 0);
    unlink(write_tmp_lock(dir, ""));
    rmdir(dir);
    arena_free(a);
}

TEST(lock_rejects_malformed)
{
    static const char *bad[] = {
        "",                                   /* empty */
        "partc-lock 3\ntarget plain\n",       /* unknown format */
        "partc-lock 2\ntarget plain\nstate 0001\n  t:\n    mode: create\n",  /* a state without its name */
        "partc-lock 2\ntarget plain\nstate 0001 a\n",                        /* a state without its spec */
        "partc-lock 2\ntarget plain\nstate 0001 a-b\n  t: {}\n",            /* a name that is no name */
        "partc-lock 1\n",                     /* no target */
        "partc-lock 1\ntarget plain\nfile 0001 a 2026-11-22 abc 0001_a.up.sql\n",       /* short digest */
        "partc-lock 1\ntarget plain\nfile 0001 a 2026-02-30 "
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 0001_a.up.sql\n", /* no such day */
        "partc-lock 1\ntarget plain\nfile 0001 a 2026-11-22 "
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 /etc/passwd\n", /* absolute */
        "partc-lock 1\ntarget plain\nfile 0001 a 2026-11-22 "
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 x/../../y.sql\n", /* climbs */
        "partc-lock 1\ntarget plain\nfile 0001 a 2026-11-22 "
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 0001_a.up.sql\n"
        "file 0002 b 2026-11-22 "
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 0001_a.up.sql\n", /* twice */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        arena *a = arena_new();
        char dir[] = "/tmp/partc-unit-lock.XXXXXX";
        T_CHECK(mkdtemp(dir) != NULL);
        const char *path = write_tmp_lock(dir, bad[i]);
        diags d;
        diags_init(&d, a);
        lockfile lk;
        int rc = lock_read(&lk, a, arena_printf(a, "%s/partc.lock", dir), &d);
        if (rc != -1 || diags_count(&d, SEV_ERROR) == 0)
            t_fail(__FILE__, __LINE__, "malformed lock %zu accepted", i);
        else if (strcmp(d.v[0].code, "bad-lock") != 0)
            t_fail(__FILE__, __LINE__, "lock %zu: code %s", i, d.v[0].code);
        unlink(path);
        rmdir(dir);
        arena_free(a);
    }
}
