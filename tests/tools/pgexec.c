/* pgexec: send one migration file to PostgreSQL the way a migration runner
 * does: the whole file as ONE simple-query message (PQexec), alone or, with
 * --tx, between a BEGIN and a COMMIT sent as queries of their own (as sqlx,
 * dbmate and Flyway wrap a file in their transaction).
 *
 *   pgexec [--tx] [--strict] FILE
 *
 * Connects with the PG* environment variables.  Exit 0 when every query
 * succeeded; 1 with the server's message otherwise.  --strict also fails on
 * a WARNING (e.g. "there is already a transaction in progress", which a file
 * with its own BEGIN gives inside a runner's transaction). */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int warnings;

static void on_notice(void *arg, const PGresult *res)
{
    (void)arg;
    const char *sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
    if (sev && strcmp(sev, "WARNING") == 0)
        warnings++;
    fputs(PQresultErrorMessage(res), stderr);
}

static int run(PGconn *c, const char *sql, const char *what)
{
    PGresult *r = PQexec(c, sql);
    ExecStatusType st = PQresultStatus(r);
    int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY;
    if (!ok)
        fprintf(stderr, "pgexec: %s: %s", what, PQerrorMessage(c));
    PQclear(r);
    return ok;
}

int main(int argc, char **argv)
{
    int tx = 0, strict = 0;
    const char *file = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--tx"))
            tx = 1;
        else if (!strcmp(argv[i], "--strict"))
            strict = 1;
        else if (!file)
            file = argv[i];
        else
            file = NULL, i = argc;
    }
    if (!file) {
        fputs("usage: pgexec [--tx] [--strict] FILE\n", stderr);
        return 2;
    }
    FILE *f = fopen(file, "rb");
    if (!f) {
        perror(file);
        return 2;
    }
    size_t cap = 1 << 16, len = 0, got;
    char *sql = malloc(cap);
    while (sql && (got = fread(sql + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        if (cap - len < 2) {
            char *bigger = realloc(sql, cap * 2);
            if (!bigger) {
                free(sql);
                sql = NULL;
                break;
            }
            sql = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (!sql) {
        fputs("pgexec: out of memory\n", stderr);
        return 2;
    }
    sql[len] = '\0';
    PGconn *c = PQconnectdb("");
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "pgexec: %s", PQerrorMessage(c));
        PQfinish(c);
        free(sql);
        return 1;
    }
    PQsetNoticeProcessor(c, NULL, NULL);
    PQsetNoticeReceiver(c, on_notice, NULL);
    int ok = 1;
    if (tx)
        ok = run(c, "BEGIN", "BEGIN");
    ok = ok && run(c, sql, file);
    if (tx && ok) {
        /* COMMIT of a failed transaction reports ROLLBACK as its tag */
        PGresult *r = PQexec(c, "COMMIT");
        ok = PQresultStatus(r) == PGRES_COMMAND_OK && strcmp(PQcmdStatus(r), "COMMIT") == 0;
        if (!ok)
            fprintf(stderr, "pgexec: COMMIT: %s%s\n", PQerrorMessage(c), PQcmdStatus(r));
        PQclear(r);
    }
    if (ok && strict && warnings) {
        fprintf(stderr, "pgexec: %s: %d warning%s\n", file, warnings, warnings == 1 ? "" : "s");
        ok = 0;
    }
    PQfinish(c);
    free(sql);
    return ok ? 0 : 1;
}
