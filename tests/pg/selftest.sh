#!/bin/sh
# tests/pg/selftest.sh: proves the real-PostgreSQL harness itself.
#
# Starts a throwaway cluster (lib.sh), writes hand-made migration folders
# into a temp dir, and runs check_migrations.sh on each: a correct pair of
# migrations must give `ok`, and each broken variant must give the FAIL line
# naming what is wrong (every invariant, the rollback diff, a failing up, a
# failing assertion, a multi-statement file that a real runner would refuse).
# Last line: `pg-selftest: N passed, N failed`; exit 1 on any failure.

set -u
LC_ALL=C
export LC_ALL

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

passed=0
failed=0

finish() {
    echo "pg-selftest: $passed passed, $failed failed"
    pg_stop
    [ "$failed" -eq 0 ] && exit 0
    exit 1
}

if ! pg_start; then
    failed=$((failed + 1))
    echo "not ok: pg_start"
    finish
fi

work=$(mktemp -d "$PARTC_PG_TMP/selftest.XXXXXX") || { failed=$((failed + 1)); finish; }

# expect LABEL PATTERN command...: the command's first line must match the
# glob PATTERN, its output must hold exactly one ok/FAIL line, and its exit
# status must be 0 for `ok` and 1 for `FAIL`.
expect() {
    _label=$1
    _pat=$2
    shift 2
    "$@" >"$work/got" 2>&1
    _rc=$?
    _first=$(head -n 1 "$work/got")
    _n=$(grep -E -c '^(ok|FAIL) ' "$work/got")
    _want_rc=1
    case "$_first" in ok\ *) _want_rc=0 ;; esac
    _ok=no
    # shellcheck disable=SC2254 # PATTERN is a glob
    case "$_first" in $_pat) [ "$_n" -eq 1 ] && [ "$_rc" -eq "$_want_rc" ] && _ok=yes ;; esac
    if [ "$_ok" = yes ]; then
        passed=$((passed + 1))
        echo "pass: $_label: $_first"
    else
        failed=$((failed + 1))
        echo "not ok: $_label (exit $_rc, want first line like '$_pat'), got:"
        sed 's/^/    /' "$work/got"
    fi
}

check() {
    sh "$here/check_migrations.sh" "$@"
}

# write_a DIR VARIANT: the partitioned table public.events, two monthly
# partitions, RLS + policy + grant on all three, an index on the parent.
# VARIANT breaks one thing (or adds a health function).
write_a() {
    _d=$1
    _v=$2
    mkdir -p "$_d"
    _feb_lo="2025-02-01 00:00:00+00"
    _feb_hi="2025-03-01 00:00:00+00"
    [ "$_v" != gap ] || { _feb_lo="2025-03-01 00:00:00+00"; _feb_hi="2025-04-01 00:00:00+00"; }
    {
        cat <<EOF
CREATE TABLE public.events (
    id bigint GENERATED ALWAYS AS IDENTITY,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
CREATE TABLE public.events_2025_01 PARTITION OF public.events
    FOR VALUES FROM ('2025-01-01 00:00:00+00') TO ('2025-02-01 00:00:00+00');
CREATE TABLE public.events_2025_02 PARTITION OF public.events
    FOR VALUES FROM ('$_feb_lo') TO ('$_feb_hi');
EOF
        if [ "$_v" = index_only ]; then
            cat <<'EOF'
CREATE INDEX events_created_at_idx ON ONLY public.events (created_at);
CREATE INDEX events_2025_01_created_at_idx ON public.events_2025_01 (created_at);
ALTER INDEX events_created_at_idx ATTACH PARTITION events_2025_01_created_at_idx;
EOF
        else
            echo "CREATE INDEX events_created_at_idx ON public.events (created_at);"
        fi
        for _t in events events_2025_01 events_2025_02; do
            if [ "$_v" != rls_missing ] || [ "$_t" != events_2025_02 ]; then
                echo "ALTER TABLE public.$_t ENABLE ROW LEVEL SECURITY;"
                echo "ALTER TABLE public.$_t FORCE ROW LEVEL SECURITY;"
            fi
            if [ "$_v" != policy_missing ] || [ "$_t" != events_2025_02 ]; then
                echo "CREATE POLICY p ON public.$_t FOR SELECT TO api_user USING (created_at >= '2000-01-01');"
            fi
            if [ "$_v" != grant_missing ] || [ "$_t" != events_2025_02 ]; then
                echo "GRANT SELECT ON public.$_t TO api_user;"
            fi
        done
        case "$_v" in
            health_ok|health_bad)
                [ "$_v" = health_ok ] && _status="'OK'" || _status="'STALE'"
                cat <<EOF
CREATE SCHEMA rt;
CREATE TABLE rt.runtime (version integer);
CREATE TABLE rt.tables (table_name text);
CREATE FUNCTION rt.partition_health(p_now timestamptz DEFAULT now())
RETURNS TABLE (status text, detail text) LANGUAGE sql AS \$\$
    SELECT $_status::text, 'next partition: events_2025_03'::text
\$\$;
EOF
                ;;
        esac
    } >"$_d/0001_a.up.sql"
    {
        [ "$_v" != health_ok ] && [ "$_v" != health_bad ] ||
            echo "DROP SCHEMA rt CASCADE;"
        echo "DROP TABLE public.events;"
    } >"$_d/0001_a.down.sql"

    cat >"$_d/0002_b.up.sql" <<'EOF'
CREATE TABLE public.notes (id bigint PRIMARY KEY, body text NOT NULL);
CREATE INDEX notes_body_idx ON public.notes (body);
EOF
    [ "$_v" != up_error ] || echo "CREATE TABEL public.oops (id int);" >>"$_d/0002_b.up.sql"
    if [ "$_v" = down_forgets ]; then
        echo "DROP INDEX public.notes_body_idx;" >"$_d/0002_b.down.sql"
    else
        echo "DROP TABLE public.notes;" >"$_d/0002_b.down.sql"
    fi
}

# The healthy migrations, plain and with a setup file and an assertion.
write_a "$work/good" none
expect "correct migrations" "ok good" check good "$work/good"

cat >"$work/setup.sql" <<'EOF'
DO $$ BEGIN CREATE ROLE reporter; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
CREATE TABLE public.preexisting (id int);
EOF
cat >"$work/assert.sql" <<'EOF'
DO $$
BEGIN
    IF NOT has_table_privilege('api_user', 'public.events_2025_02', 'SELECT') THEN
        RAISE EXCEPTION 'api_user cannot read events_2025_02';
    END IF;
    IF has_table_privilege('anon', 'public.events_2025_01', 'SELECT') THEN
        RAISE EXCEPTION 'anon can read events_2025_01';
    END IF;
    IF to_regclass('public.preexisting') IS NULL THEN
        RAISE EXCEPTION 'the setup file did not run';
    END IF;
END $$;
EOF
expect "setup + assert files" "ok with-setup" check with-setup "$work/good" "$work/setup.sql" "$work/assert.sql"

write_a "$work/health_ok" health_ok
expect "health function reports OK" "ok health_ok" check health_ok "$work/health_ok"

expect "one simple query per file" "ok simple" env PARTC_PG_APPLY=simple sh "$here/check_migrations.sh" simple "$work/good"

# One broken thing each.
write_a "$work/rls" rls_missing
expect "partition without RLS" "FAIL rls: invariants: invariant 1 failed: public.events_2025_02: *" check rls "$work/rls"

write_a "$work/policy" policy_missing
expect "partition without the policy" "FAIL policy: invariants: invariant 2 failed: public.events_2025_02 lacks policy p *" check policy "$work/policy"

write_a "$work/grant" grant_missing
expect "partition without the grant" "FAIL grant: invariants: invariant 3 failed: public.events_2025_02 has grants *" check grant "$work/grant"

write_a "$work/index" index_only
expect "index not on every partition" "FAIL index: invariants: invariant 4 failed: *" check index "$work/index"

write_a "$work/gap" gap
expect "gap between partitions" "FAIL gap: invariants: invariant 5 failed: range partitions of public.events are not contiguous*" check gap "$work/gap"

write_a "$work/health_bad" health_bad
expect "health function not OK" "FAIL health_bad: invariants: invariant 6 failed: rt.partition_health() reports *STALE*" check health_bad "$work/health_bad"

write_a "$work/forgets" down_forgets
expect "down forgets a table" "FAIL forgets: rollback: schema after the downs differs from the baseline*" check forgets "$work/forgets"
sh "$here/check_migrations.sh" forgets "$work/forgets" >"$work/got" 2>&1
if grep -q '^    +CREATE TABLE public.notes' "$work/got"; then
    passed=$((passed + 1))
    echo "pass: the diff is shown under the FAIL line"
else
    failed=$((failed + 1))
    echo "not ok: the rollback diff is not shown:"
    sed 's/^/    /' "$work/got"
fi

write_a "$work/uperr" up_error
expect "a failing up file" "FAIL uperr: up 0002_b.up.sql: syntax error at or near \"TABEL\"*" check uperr "$work/uperr"

echo "DO \$\$ BEGIN RAISE EXCEPTION 'assertion: no rows in events'; END \$\$;" >"$work/assert_fail.sql"
expect "a failing assertion" "FAIL assertfail: assert: assertion: no rows in events" check assertfail "$work/good" "" "$work/assert_fail.sql"

# A CREATE INDEX CONCURRENTLY next to another statement: psql -f accepts it,
# a runner sending the file as one query does not.
mkdir -p "$work/cic"
cp "$work/good/0001_a.up.sql" "$work/good/0001_a.down.sql" "$work/cic/"
printf '%s\n' "CREATE TABLE public.t (id int);" "CREATE INDEX CONCURRENTLY t_id_idx ON public.t (id);" >"$work/cic/0002_c.up.sql"
echo "DROP TABLE public.t;" >"$work/cic/0002_c.down.sql"
expect "CIC in a multi-statement file (psql -f)" "ok cic" check cic "$work/cic"
expect "CIC in a multi-statement file (one query)" "FAIL cic: up 0002_c.up.sql: CREATE INDEX CONCURRENTLY cannot run inside a transaction block" \
    env PARTC_PG_APPLY=simple sh "$here/check_migrations.sh" cic "$work/cic"

# plpgsql_check: a function reading a column its table does not have, and a
# trigger function created disabled for a later phase (checked only once a
# trigger calls it enabled)
mkdir -p "$work/plc"
printf '%s\n' "CREATE TABLE public.t (id int);" \
    "CREATE FUNCTION public.t_bad() RETURNS int LANGUAGE plpgsql AS \$\$ BEGIN RETURN (SELECT max(nope) FROM public.t); END \$\$;" \
    >"$work/plc/0001_a.up.sql"
echo "DROP FUNCTION public.t_bad(); DROP TABLE public.t;" >"$work/plc/0001_a.down.sql"
expect "plpgsql_check finds an error" "FAIL plc: plpgsql_check after 0001_a.up.sql: * finding(s) not in tests/pg/plpgsql_check.allow" \
    env PARTC_PLPGSQL_CHECK=1 sh "$here/check_migrations.sh" plc "$work/plc"
mkdir -p "$work/plc2"
printf '%s\n' "CREATE TABLE public.t (id int);" \
    "CREATE FUNCTION public.t_later() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN INSERT INTO public.t_old VALUES (NEW.id); RETURN NULL; END \$\$;" \
    "CREATE TRIGGER t_later AFTER INSERT ON public.t FOR EACH ROW EXECUTE FUNCTION public.t_later();" \
    "ALTER TABLE public.t DISABLE TRIGGER t_later;" >"$work/plc2/0001_a.up.sql"
echo "DROP TABLE public.t; DROP FUNCTION public.t_later();" >"$work/plc2/0001_a.down.sql"
expect "plpgsql_check skips a disabled trigger's function" "ok plc2" \
    env PARTC_PLPGSQL_CHECK=1 sh "$here/check_migrations.sh" plc2 "$work/plc2"
printf '%s\n' "CREATE TABLE public.t_old (id int);" "ALTER TABLE public.t ENABLE TRIGGER t_later;" >"$work/plc2/0002_b.up.sql"
echo "ALTER TABLE public.t DISABLE TRIGGER t_later; DROP TABLE public.t_old;" >"$work/plc2/0002_b.down.sql"
expect "plpgsql_check checks it once enabled" "ok plc2" \
    env PARTC_PLPGSQL_CHECK=1 sh "$here/check_migrations.sh" plc2 "$work/plc2"
printf '%s\n' "ALTER TABLE public.t ENABLE TRIGGER t_later;" >"$work/plc2/0002_b.up.sql"
expect "plpgsql_check: an enabled trigger's missing table" "FAIL plc2: plpgsql_check after 0002_b.up.sql: * finding(s) not in tests/pg/plpgsql_check.allow" \
    env PARTC_PLPGSQL_CHECK=1 sh "$here/check_migrations.sh" plc2 "$work/plc2"

mkdir -p "$work/lonely"
echo "SELECT 1;" >"$work/lonely/0001_x.up.sql"
expect "an up without its down" "FAIL lonely: layout: 0001_x.up.sql has no 0001_x.down.sql" check lonely "$work/lonely"

expect "no cluster of our own" "FAIL nocluster: cluster: *" \
    sh -c 'unset PARTC_PG_TMP; exec sh "$0" nocluster "$1"' "$here/check_migrations.sh" "$work/good"

# The invariants pass on a database without partitioned tables.
if "$PARTC_PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -d postgres -f "$here/invariants.sql" >"$work/got" 2>&1; then
    passed=$((passed + 1))
    echo "pass: invariants on an empty database"
else
    failed=$((failed + 1))
    echo "not ok: invariants on an empty database:"
    sed 's/^/    /' "$work/got"
fi

# pg_cron, when installed, is preloaded and its database exists.
if [ -f "$(dirname "$PARTC_PG_BIN")/lib/pg_cron.so" ]; then
    if pg_has_cron && "$PARTC_PG_BIN/psql" -X -At -d partc_cron -c 'SELECT count(*) FROM cron.job' >/dev/null 2>&1; then
        passed=$((passed + 1))
        echo "pass: pg_cron preloaded, database partc_cron ready"
    else
        failed=$((failed + 1))
        echo "not ok: pg_cron is installed but not usable in the cluster"
    fi
elif pg_has_cron; then
    failed=$((failed + 1))
    echo "not ok: pg_has_cron is true without pg_cron installed"
else
    echo "skip: pg_cron not installed"
fi

finish
