#!/bin/sh
# tests/pg/check_migrations.sh NAME DIR [SETUP_SQL] [ASSERT_SQL]
#
# Proves one migration folder on the cluster that tests/pg/lib.sh's pg_start
# started in the calling shell (it refuses any other server). DIR holds
# NNNN_<name>.up.sql and NNNN_<name>.down.sql pairs. Steps, in a fresh
# database named after NAME:
#   setup     roles anon, authenticated, service_role, api_user (idempotent),
#             then SETUP_SQL
#   baseline  pg_dump --schema-only --no-owner
#   up        every *.up.sql in name order, one psql run per file, except the
#             cleanup phases of conversions (*_cleanup.up.sql)
#   invariants  tests/pg/invariants.sql
#   assert    ASSERT_SQL (raises on failure)
#   down      every *.down.sql in reverse name order (no cleanup was applied)
#   rollback  dump again; must equal the baseline
#   reup, reinvariants  all the ups, cleanups included (with
#             partc.cleanup_now = on), the invariants again
#   cleanup down  each *_cleanup.down.sql must fail, saying why, and change
#             nothing; a conversion by attach, whose rows are still there,
#             is undone instead, and its cleanup applied again must leave
#             the schema as it was
# Prints exactly one line: `ok NAME`, or `FAIL NAME: <step>: <detail>` with
# the tool output indented below it; exits 0 / 1. The database is dropped on
# success and kept (for a look) on failure; the cluster goes with pg_stop.
#
# PARTC_PG_APPLY=simple sends each migration file as ONE simple query (as
# dbmate, sqlx, golang-migrate and Prisma do, which runs it as one implicit
# transaction) instead of `psql -f` (one statement at a time);
# PARTC_PG_APPLY=runner does the same through $PGEXEC, inside BEGIN/COMMIT
# where FILE.mode says "tx".

set -u
LC_ALL=C
export LC_ALL

here=$(cd "$(dirname "$0")" && pwd)

name=${1:-}
dir=${2:-}
setup_sql=${3:-}
assert_sql=${4:-}

work=""
cleanup() {
    [ -z "$work" ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'cleanup; trap - EXIT; exit 130' INT
trap 'cleanup; trap - EXIT; exit 143' TERM

# fail STEP DETAIL [OUTPUT_FILE]: the one FAIL line, the output indented.
fail() {
    echo "FAIL ${name:-?}: $1: $2"
    if [ -n "${3:-}" ] && [ -s "$3" ]; then
        sed 's/^/    /' "$3"
    fi
    exit 1
}

[ -n "$name" ] && [ -n "$dir" ] ||
    fail usage "usage: check_migrations.sh NAME DIR [SETUP_SQL] [ASSERT_SQL]"
[ -d "$dir" ] || fail usage "no migration folder '$dir'"
[ -z "$setup_sql" ] || [ -f "$setup_sql" ] || fail usage "no setup file '$setup_sql'"
[ -z "$assert_sql" ] || [ -f "$assert_sql" ] || fail usage "no assert file '$assert_sql'"
[ -f "$here/invariants.sql" ] || fail usage "missing $here/invariants.sql"

# Only the cluster that lib.sh started for our caller.
if [ -z "${PARTC_PG_TMP:-}" ] || [ "${PGHOST:-}" != "$PARTC_PG_TMP/sock" ] ||
        [ ! -S "$PGHOST/.s.PGSQL.${PGPORT:-}" ]; then
    fail cluster "no test cluster: source tests/pg/lib.sh and call pg_start first"
fi
bin=${PARTC_PG_BIN:-}
if [ -n "$bin" ] && [ -x "$bin/psql" ] && [ -x "$bin/pg_dump" ]; then
    psql="$bin/psql"
    pg_dump="$bin/pg_dump"
else
    psql=psql
    pg_dump=pg_dump
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/partc-check.XXXXXX") || fail setup "cannot create a temp dir"
out="$work/out"

# The files, in name order; every up needs its down and the other way round.
nup=0
for f in "$dir"/*.up.sql; do
    [ -f "$f" ] || continue
    [ -f "${f%.up.sql}.down.sql" ] || fail layout "$(basename "$f") has no $(basename "${f%.up.sql}").down.sql"
    nup=$((nup + 1))
done
[ "$nup" -gt 0 ] || fail layout "no *.up.sql file in '$dir'"
for f in "$dir"/*.down.sql; do
    [ -f "$f" ] || continue
    [ -f "${f%.down.sql}.up.sql" ] || fail layout "$(basename "$f") has no $(basename "${f%.down.sql}").up.sql"
done

# Database name: partc_t_ + NAME lowercased, anything else becomes '_'.
db="partc_t_$(printf '%s' "$name" | tr '[:upper:]' '[:lower:]' | tr -c 'a-z0-9_' '_' | cut -c1-50)"

# first_error FILE: the first server/psql error message, prefixes removed.
first_error() {
    sed -n -E 's/^(psql:.*:[0-9]+: )?(ERROR|FATAL|PANIC): +//p; s/^psql: error: //p' "$1" | head -n 1
}

# run_psql STEP DATABASE psql-args...: run, or FAIL with the output.
run_psql() {
    _step=$1
    _db=$2
    shift 2
    if ! "$psql" -X -q -v ON_ERROR_STOP=1 -d "$_db" "$@" >"$out" 2>&1; then
        _msg=$(first_error "$out")
        fail "$_step" "${_msg:-psql failed}" "$out"
    fi
}

# apply STEP FILE: one migration file, as a runner would send it.
apply() {
    case "${PARTC_PG_APPLY:-file}" in
        simple)
            # One simple query holding the whole file (argv limit: 128 KiB).
            [ "$(wc -c <"$2")" -lt 120000 ] ||
                fail "$1" "$(basename "$2") is too large for PARTC_PG_APPLY=simple"
            run_psql "$1" "$db" -c "$(cat "$2")"
            ;;
        runner)
            # As the runner sends it (tests/pg/test_runners.sh writes FILE.mode):
            # "tx" one simple query between BEGIN and COMMIT (sqlx, Flyway),
            # "alone" or "simple" one simple query and no transaction of the
            # runner's (a marked file; golang-migrate, Prisma).  A WARNING
            # (a BEGIN inside the runner's transaction) fails too.
            [ -x "${PGEXEC:-}" ] || fail usage "PARTC_PG_APPLY=runner needs PGEXEC (build/pgexec)"
            _mode=$(cat "$2.mode" 2>/dev/null || echo simple)
            _tx=""
            [ "$_mode" = tx ] && _tx=--tx
            if ! PGDATABASE=$db "$PGEXEC" $_tx --strict "$2" >"$out" 2>&1; then
                fail "$1" "$(sed -n 's/^pgexec: //p; s/^ERROR: *//p' "$out" | head -n 1)" "$out"
            fi
            ;;
        file) run_psql "$1" "$db" -f "$2" ;;
        *) fail usage "PARTC_PG_APPLY must be 'file', 'simple' or 'runner'" ;;
    esac
}

# dump FILE: the schema, without pg_dump's per-run random \restrict key.
# pg_dump refuses a server newer than itself: there the catalog's own
# description (catalog_dump.sql) stands in for it.
dump_major=$("$pg_dump" --version 2>/dev/null | sed -n -E 's/.* ([0-9]+)(\.[0-9]+)?.*/\1/p')
dump() {
    if [ "${PARTC_PG_MAJOR:-0}" -gt "${dump_major:-0}" ]; then
        if ! "$psql" -X -At -v ON_ERROR_STOP=1 -d "$db" -f "$here/catalog_dump.sql" >"$1" 2>"$out"; then
            fail "$2" "catalog dump failed: $(first_error "$out")" "$out"
        fi
        return 0
    fi
    if ! "$pg_dump" --schema-only --no-owner -d "$db" >"$1.raw" 2>"$out"; then
        fail "$2" "pg_dump failed: $(head -n 1 "$out")" "$out"
    fi
    grep -v '^\\\(un\)\{0,1\}restrict ' "$1.raw" >"$1" || true
}

# ups_in_order STEP [all]: without "all", cleanup phases are left out.
ups_in_order() {
    for f in "$dir"/*.up.sql; do
        case "$f" in
            *_cleanup.up.sql) [ "${2:-}" = all ] || continue ;;
        esac
        apply "$1 $(basename "$f")" "$f"
        # a file applied again (reup) makes the same functions and enables
        # the same triggers again: checked once, the first time
        if ! grep -qxF -e "$f" "$work/plc-files" 2>/dev/null; then
            echo "$f" >>"$work/plc-files"
            plpgsql_check "plpgsql_check after $(basename "$f")"
        fi
    done
}

# setup
run_psql setup postgres -c "DROP DATABASE IF EXISTS \"$db\"" -c "CREATE DATABASE \"$db\" TEMPLATE template0"
run_psql setup "$db" -f "$here/roles.sql"
# PARTC_PG_SETUP_ROWS: the rows per converted table of the examples' setup
# (its psql variable rows), for the suites that prove the same folder again
[ -z "$setup_sql" ] || run_psql setup "$db" ${PARTC_PG_SETUP_ROWS:+-v rows="$PARTC_PG_SETUP_ROWS"} -f "$setup_sql"

dump "$work/baseline.sql" baseline

# plpgsql_check STEP: with PARTC_PLPGSQL_CHECK=1, every PL/pgSQL function
# and procedure in the database through plpgsql_check (plpgsql_check.sql);
# an error fails, and so does a warning that plpgsql_check.allow does not
# list (level, function and message as extended regular expressions, and
# the reason, tab-separated).
plpgsql_check() {
    [ "${PARTC_PLPGSQL_CHECK:-}" = 1 ] || return 0
    run_psql "$1" "$db" -At -v seen="$(cat "$work/plc-seen" 2>/dev/null)" -f "$here/plpgsql_check.sql"
    sed -n 's/^seen\t//p' "$out" >"$work/plc-seen"
    grep -v '^seen	' "$out" >"$work/plc.txt"
    awk -F '\t' -v allow="$here/plpgsql_check.allow" '
        BEGIN {
            n = 0
            while ((getline line < allow) > 0) {
                if (line ~ /^#/ || line == "") continue
                split(line, f, "\t")
                lv[n] = f[1]; fn[n] = f[2]; msg[n] = f[3]; n++
            }
        }
        $0 == "" { next }
        {
            ok = 0
            if ($1 != "error")
                for (i = 0; i < n; i++)
                    if ($1 ~ ("^" lv[i] "$") && $2 ~ fn[i] && $5 ~ msg[i]) { ok = 1; break }
            if (!ok) print
        }' "$work/plc.txt" >"$out"
    if [ -s "$out" ]; then
        fail "$1" "$(wc -l <"$out" | tr -d ' ') finding(s) not in tests/pg/plpgsql_check.allow" "$out"
    fi
}

ups_in_order up
run_psql invariants "$db" -f "$here/invariants.sql"

# pin: the migrations end by running the partition function with the
# server's clock, which may add ranges after the ones the files create for
# their --as-of.  The invariants above hold with them; the asserts see the
# tables as the files made them, so that no assert depends on the day the
# suite runs (tests/pg/run-clock.sh moves the server's clock to prove it).
# Dropped: empty partitions that no up file creates by name.
{
    echo "CREATE TEMP TABLE partc_static (name text);"
    sed -n -E 's/^CREATE TABLE (.*) PARTITION OF .*/\1/p' "$dir"/*.up.sql | sort -u |
        sed "s/'/''/g; s/^/INSERT INTO partc_static VALUES ('/; s/\$/');/"
    cat <<'PIN'
DO $$
DECLARE r record; v_rows boolean;
BEGIN
    FOR r IN SELECT c.oid::regclass AS rel, p.oid::regclass AS parent
               FROM pg_catalog.pg_inherits i
               JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
               JOIN pg_catalog.pg_class p ON p.oid = i.inhparent
              WHERE p.relkind = 'p' AND c.relkind = 'r'
                AND c.oid NOT IN (SELECT to_regclass(name) FROM partc_static WHERE to_regclass(name) IS NOT NULL)
              ORDER BY c.oid
    LOOP
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s)', r.rel) INTO v_rows;
        IF NOT v_rows THEN
            -- detached first: a foreign key to the parent depends on each partition
            EXECUTE format('ALTER TABLE %s DETACH PARTITION %s', r.parent, r.rel);
            EXECUTE format('DROP TABLE %s', r.rel);
        END IF;
    END LOOP;
END $$;
PIN
} >"$work/pin.sql"
run_psql pin "$db" -f "$work/pin.sql"
[ -z "$assert_sql" ] || run_psql assert "$db" -f "$assert_sql"

# downs in reverse name order
set --
for f in "$dir"/*.down.sql; do
    case "$f" in *_cleanup.down.sql) continue ;; esac
    set -- "$f" "$@"
done
for f in "$@"; do
    apply "down $(basename "$f")" "$f"
done

dump "$work/after.sql" rollback
if ! diff -u "$work/baseline.sql" "$work/after.sql" >"$out.diff" 2>&1; then
    sed "1,2s|$work/||" "$out.diff" >"$out"
    fail rollback "schema after the downs differs from the baseline (diff -u baseline after)" "$out"
fi

PGOPTIONS="${PGOPTIONS:-} -c partc.cleanup_now=on"
export PGOPTIONS
ups_in_order reup all
run_psql reinvariants "$db" -f "$here/invariants.sql"

# a cleanup cannot be undone: its down fails loudly and changes nothing
# (one dump before them: each refused down must leave the schema as it is)
before_cleanup_downs=""
for f in "$dir"/*_cleanup.down.sql; do
    [ -f "$f" ] || continue
    [ -n "$before_cleanup_downs" ] || { dump "$work/before-cleanup-down.sql" "cleanup down"; before_cleanup_downs=1; }
    # method attach: the rows are still there, so the cleanup is undone
    # (swapped again) and applied again, leaving the schema as it was
    if grep -q '^-- method attach: the cleanup can be rolled back' "$f"; then
        apply "cleanup down $(basename "$f")" "$f"
        apply "cleanup again $(basename "${f%.down.sql}").up.sql" "${f%.down.sql}.up.sql"
        dump "$work/after-cleanup-down.sql" "cleanup down"
        cmp -s "$work/before-cleanup-down.sql" "$work/after-cleanup-down.sql" ||
            fail "cleanup down" "$(basename "$f") and its up again changed the schema"
        continue
    fi
    if "$psql" -X -q -v ON_ERROR_STOP=1 -d "$db" -f "$f" >"$out" 2>&1; then
        fail "cleanup down" "$(basename "$f") succeeded; it must refuse" "$out"
    fi
    grep -q 'cannot be rolled back' "$out" ||
        fail "cleanup down" "$(basename "$f") failed without saying why" "$out"
    dump "$work/after-cleanup-down.sql" "cleanup down"
    cmp -s "$work/before-cleanup-down.sql" "$work/after-cleanup-down.sql" ||
        fail "cleanup down" "$(basename "$f") changed the schema"
done

run_psql cleanup postgres -c "DROP DATABASE \"$db\""
echo "ok $name"
exit 0
