# tests/pg/convert-load/common.sh: what test_convert_load.sh and
# test_convert_resume.sh share (POSIX sh, sourced after tests/pg/lib.sh).
#
# cl_init NAME DB     a cluster (our own when PGHOST is unset, else the one of
#                     run-all.sh), a scratch dir CL_WORK, the role
#                     partc_events_app and a fresh database DB (PGDATABASE);
#                     cleanup on exit, also on failure
# cl_fail STEP DETAIL [FILE]   print the FAIL line (FILE indented below), exit 1
# q SQL...            one psql -c per argument, unaligned, tuples only
# cl_apply STEP FILE  apply a migration file (psql -v ON_ERROR_STOP=1 -f);
#                     a lock timeout is retried (3 times at most, counted in
#                     cl_retries); any other error fails the test
# cl_check_sync STEP OTHER   see below
# cl_diff A B         rows of A not in B and of B not in A (EXCEPT ALL, full
#                     rows), as SQL for one snapshot: "n|m"

cl_name=""
cl_own_cluster=""
cl_created_role=""
cl_db=""
cl_retries=0
CL_WORK=""

cl_bg_pids=""           # other background jobs of a test (stopped on exit)

cl_cleanup() {
    cl_writers_kill
    for _cl_p in $cl_bg_pids; do
        _cl_kids=$(ps -o pid= --ppid "$_cl_p" 2>/dev/null || true)
        # shellcheck disable=SC2086 # a list of PIDs
        kill -TERM $_cl_kids "$_cl_p" 2>/dev/null || true
    done
    cl_bg_pids=""
    if [ -n "$cl_own_cluster" ]; then
        pg_stop
    elif [ -n "$cl_db" ]; then
        $PSQL -X -q -d postgres -c "DROP DATABASE IF EXISTS $cl_db WITH (FORCE)" >/dev/null 2>&1 || true
        if [ -n "$cl_created_role" ]; then
            $PSQL -X -q -d postgres -c "DROP ROLE IF EXISTS partc_events_app" >/dev/null 2>&1 || true
        fi
    fi
    [ -z "$CL_WORK" ] || rm -rf "$CL_WORK"
    CL_WORK=""
}

cl_fail() {
    echo "FAIL $cl_name: $1: $2"
    if [ $# -ge 3 ] && [ -s "$3" ]; then
        head -n 40 "$3" | sed 's/^/    /'
    fi
    exit 1
}

q() {
    for _q_sql in "$@"; do
        $PSQL -X -q -At -v ON_ERROR_STOP=1 -c "$_q_sql" || return 1
    done
}

cl_init() {
    cl_name=$1
    if [ -z "${PGHOST:-}" ]; then
        pg_start >/dev/null 2>"${TMPDIR:-/tmp}/partc-$1.$$.log" || {
            echo "FAIL $1: pg_start: the test cluster did not start"
            sed 's/^/    /' "${TMPDIR:-/tmp}/partc-$1.$$.log"
            rm -f "${TMPDIR:-/tmp}/partc-$1.$$.log"
            exit 1
        }
        rm -f "${TMPDIR:-/tmp}/partc-$1.$$.log"
        cl_own_cluster=yes
    fi
    if [ -n "${PARTC_PG_BIN:-}" ] && [ -x "$PARTC_PG_BIN/psql" ]; then
        PSQL=$PARTC_PG_BIN/psql
    else
        PSQL=psql
    fi
    # replaces the traps of pg_start: writers first, then the cluster
    trap 'cl_rc=$?; cl_cleanup; exit $cl_rc' EXIT
    trap 'echo "FAIL $cl_name: interrupted: SIGINT"; cl_cleanup; trap - EXIT; exit 130' INT
    trap 'echo "FAIL $cl_name: interrupted: SIGTERM"; cl_cleanup; trap - EXIT; exit 143' TERM
    CL_WORK=$(mktemp -d "${PARTC_PG_TMP:-${TMPDIR:-/tmp}}/$1.XXXXXX") || cl_fail setup "no scratch dir"
    chmod 755 "$CL_WORK"
    cl_db=$2
    export PGDATABASE=postgres
    if [ "$(q "SELECT count(*) FROM pg_roles WHERE rolname = 'partc_events_app'")" = 0 ]; then
        q "CREATE ROLE partc_events_app NOLOGIN" >/dev/null 2>"$CL_WORK/err" || cl_fail setup "create role" "$CL_WORK/err"
        cl_created_role=yes
    fi
    q "DROP DATABASE IF EXISTS $cl_db" "CREATE DATABASE $cl_db" >/dev/null 2>"$CL_WORK/err" ||
        cl_fail setup "create database" "$CL_WORK/err"
    export PGDATABASE="$cl_db"
}

cl_apply() {
    _cl_try=0
    while :; do
        if $PSQL -X -q -v ON_ERROR_STOP=1 -f "$2" >"$CL_WORK/$1.out" 2>"$CL_WORK/$1.err"; then
            return 0
        fi
        if grep -q 'canceling statement due to lock timeout' "$CL_WORK/$1.err" && [ "$_cl_try" -lt 3 ]; then
            _cl_try=$((_cl_try + 1))
            cl_retries=$((cl_retries + 1))
            cp "$CL_WORK/$1.err" "$CL_WORK/$1.err.$_cl_try"
            sleep 1
            continue
        fi
        cl_fail "$1" "$(basename "$2") failed: $(grep 'ERROR' "$CL_WORK/$1.err" | head -n 1)" "$CL_WORK/$1.err"
    done
}

cl_diff() {
    echo "(SELECT count(*) FROM (TABLE $1 EXCEPT ALL TABLE $2) x)::text || '|' || (SELECT count(*) FROM (TABLE $2 EXCEPT ALL TABLE $1) y)::text"
}

# cl_check_sync STEP OTHER: in one snapshot, events equals events_mirror and
# OTHER (the table kept in step: the shadow before the swap, events_old after
# it), full rows, EXCEPT ALL both ways; and every writer still runs.
cl_check_sync() {
    step=$1
    other=$2
    r=$(q "SELECT $(cl_diff events events_mirror) || '|' || $(cl_diff events "$other") || '|' || (SELECT count(*) FROM events)::text" 2>"$CL_WORK/err") ||
        cl_fail "$step" "compare query failed" "$CL_WORK/err"
    case $r in
        0\|0\|0\|0\|*) ;;
        *)
            {
                echo "events-mirror|mirror-events|events-$other|$other-events|rows: $r"
                q "SELECT 'in events, not in mirror: ' || x::text FROM (TABLE events EXCEPT ALL TABLE events_mirror) x LIMIT 5" \
                  "SELECT 'in mirror, not in events: ' || x::text FROM (TABLE events_mirror EXCEPT ALL TABLE events) x LIMIT 5" \
                  "SELECT 'in events, not in $other: ' || x::text FROM (TABLE events EXCEPT ALL TABLE $other) x LIMIT 5" \
                  "SELECT 'in $other, not in events: ' || x::text FROM (TABLE $other EXCEPT ALL TABLE events) x LIMIT 5"
            } >"$CL_WORK/diff" 2>&1
            cl_fail "$step" "events, events_mirror and $other differ (rows lost, duplicated or stale)" "$CL_WORK/diff"
            ;;
    esac
    if ! cl_writers_alive; then
        tail -n 5 "$CL_WORK"/writer_*.err >"$CL_WORK/writers.err" 2>&1
        cl_fail "$step" "a writer stopped" "$CL_WORK/writers.err"
    fi
}
