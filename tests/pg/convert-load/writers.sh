# tests/pg/convert-load/writers.sh: concurrent writers for the convert tests.
#
# Sourced by test_convert_load.sh and test_convert_resume.sh (POSIX sh).
# A writer is a psql session fed an endless stream of transactions by a shell
# loop: INSERTs (with and without id, with and without created_at, several
# rows at once), UPDATEs (in place, moving rows to another month, several
# rows at once), DELETEs, transactions mixing them, and, once events is the
# partitioned table, writes to a partition by name.  Every transaction
# applies exactly the rows it wrote (RETURNING) to events_mirror in the same
# transaction, so at any snapshot events equals events_mirror: a transaction
# that fails (lock timeout, a row moved by a concurrent update, a deadlock)
# rolls both back.  psql prints COMMIT for a committed transaction and
# ROLLBACK for a failed one, which is how they are counted.
#
# Needs: PSQL (the psql command), CL_WORK (a scratch dir).  Writers connect
# to $PGDATABASE.
#
#   cl_writer_start NAME admin|app    start a writer (app: as partc_events_app
#                                     under RLS, account 7 only)
#   cl_writers_alive                  true when every writer still runs
#   cl_writers_stop                   let them finish and wait (60 s at most)
#   cl_writers_kill                   stop them now (cleanup)
#   cl_writers_summary                sets cl_committed, cl_failed, cl_errors
#                                     (error counts by kind, one line)

cl_writer_pids=""
cl_writer_names=""

# Random expressions (evaluated by the server).
_cl_ts="timestamptz '2026-01-01 00:00:00+00' + random() * interval '365 days'"
_cl_rid="(SELECT (floor(random() * 205000) + 1)::bigint)"
_cl_rid7="(SELECT (floor(random() * 4100) * 50 + 6)::bigint)"
_cl_mset="SET account_id = w.account_id, payload = w.payload, amount = w.amount, created_at = w.created_at FROM w WHERE m.id = w.id"

# The stream of one writer: $1 = admin | app, $2 = the stop file.
_cl_stream() {
    printf '%s\n' "SET lock_timeout = '1s';"
    if [ "$1" = app ]; then
        printf '%s\n' "SET ROLE partc_events_app;" "SET app.account_id = '7';"
        _cl_acct=7
        _cl_r=$_cl_rid7
    else
        _cl_acct="(random() * 49)::int + 1"
        _cl_r=$_cl_rid
    fi
    _cl_i=0
    while [ ! -f "$2" ]; do
        _cl_i=$((_cl_i + 1))
        case $((_cl_i % 10)) in
        0)  # one row, identity id, a random month
            printf '%s\n' "BEGIN;" \
"WITH w AS (INSERT INTO events (account_id, payload, amount, created_at) VALUES ($_cl_acct, 'ins ' || md5(random()::text), (random() * 1000)::int, $_cl_ts) RETURNING *) INSERT INTO events_mirror SELECT * FROM w;" \
                "COMMIT;" ;;
        1)  # three rows, identity id, created_at by its default now()
            printf '%s\n' "BEGIN;" \
"WITH w AS (INSERT INTO events (account_id, payload, amount) SELECT $_cl_acct, 'now', g FROM generate_series(1, 3) g RETURNING *) INSERT INTO events_mirror SELECT * FROM w;" \
                "COMMIT;" ;;
        2)  # an explicit id (negative: never one the identity gives)
            printf '%s\n' "BEGIN;" \
"WITH w AS (INSERT INTO events (id, account_id, payload, amount, created_at) VALUES (-(floor(random() * 1e15)::bigint + 1), $_cl_acct, 'explicit id', 1, $_cl_ts) RETURNING *) INSERT INTO events_mirror SELECT * FROM w;" \
                "COMMIT;" ;;
        7)  # once events is the partitioned table: write to a partition by
            # name (update, delete, insert with an explicit id: a partition has
            # no identity of its own); before the swap: through the table
            _cl_m=$(printf '%02d' $((_cl_i / 10 % 12 + 1)))
            _cl_part=${CL_BYNAME_PART:-events_2026_$_cl_m}
            _cl_pick="(SELECT p.id FROM $_cl_part p WHERE p.id >= $_cl_r ORDER BY p.id LIMIT 1)"
            printf '%s\n' "BEGIN;" \
                "LOCK TABLE events IN ROW EXCLUSIVE MODE;" \
                "SELECT relkind = 'p' AS swapped FROM pg_class WHERE oid = 'events'::regclass \\gset" \
                "\\if :swapped" \
"WITH w AS (UPDATE $_cl_part e SET amount = e.amount + 1, payload = 'by name' WHERE e.id = $_cl_pick RETURNING e.*) UPDATE events_mirror m $_cl_mset;" \
"WITH w AS (DELETE FROM $_cl_part e WHERE e.id = $_cl_pick RETURNING e.id) DELETE FROM events_mirror m USING w WHERE m.id = w.id;" \
"WITH w AS (INSERT INTO $_cl_part (id, account_id, payload, amount, created_at) VALUES (-(floor(random() * 1e15)::bigint + 1), $_cl_acct, 'by name', 2, timestamptz '2026-$_cl_m-01 00:00:00+00' + random() * interval '27 days') RETURNING *) INSERT INTO events_mirror SELECT * FROM w;" \
                "\\else" \
"WITH w AS (UPDATE events e SET amount = e.amount + 1, payload = 'upd ' || md5(random()::text) WHERE e.id = $_cl_r RETURNING e.*) UPDATE events_mirror m $_cl_mset;" \
                "\\endif" \
                "COMMIT;" ;;
        3)  # update in place
            printf '%s\n' "BEGIN;" \
"WITH w AS (UPDATE events e SET amount = e.amount + 1, payload = 'upd ' || md5(random()::text) WHERE e.id = $_cl_r RETURNING e.*) UPDATE events_mirror m $_cl_mset;" \
                "COMMIT;" ;;
        4)  # update that moves the row to (most likely) another month
            printf '%s\n' "BEGIN;" \
"WITH w AS (UPDATE events e SET created_at = $_cl_ts, amount = e.amount - 1 WHERE e.id = $_cl_r RETURNING e.*) UPDATE events_mirror m $_cl_mset;" \
                "COMMIT;" ;;
        5)  # five neighbouring ids moved to random months in one statement
            printf '%s\n' "BEGIN;" \
"WITH r AS (SELECT $_cl_r AS lo), w AS (UPDATE events e SET created_at = $_cl_ts, payload = 'moved' FROM r WHERE e.id BETWEEN r.lo AND r.lo + 4 RETURNING e.*) UPDATE events_mirror m $_cl_mset;" \
                "COMMIT;" ;;
        6)  # delete one row
            printf '%s\n' "BEGIN;" \
"WITH w AS (DELETE FROM events e WHERE e.id = $_cl_r RETURNING e.id) DELETE FROM events_mirror m USING w WHERE m.id = w.id;" \
                "COMMIT;" ;;
        8)  # delete three neighbouring rows in one statement
            printf '%s\n' "BEGIN;" \
"WITH r AS (SELECT $_cl_r AS lo), w AS (DELETE FROM events e USING r WHERE e.id BETWEEN r.lo AND r.lo + 2 RETURNING e.id) DELETE FROM events_mirror m USING w WHERE m.id = w.id;" \
                "COMMIT;" ;;
        9)  # one transaction: insert a row, move it to another month, delete another row
            printf '%s\n' "BEGIN;" \
"WITH w AS (INSERT INTO events (account_id, payload, amount, created_at) VALUES ($_cl_acct, 'txn', 0, $_cl_ts) RETURNING *), n AS (INSERT INTO events_mirror SELECT * FROM w RETURNING id) SELECT id AS nid FROM n \\gset" \
"WITH w AS (UPDATE events e SET created_at = $_cl_ts, amount = 1 WHERE e.id = :nid RETURNING e.*) UPDATE events_mirror m $_cl_mset;" \
"WITH w AS (DELETE FROM events e WHERE e.id = $_cl_r RETURNING e.id) DELETE FROM events_mirror m USING w WHERE m.id = w.id;" \
                "COMMIT;" ;;
        esac
    done
}

cl_writer_start() {
    rm -f "$CL_WORK/stop"
    (_cl_stream "$2" "$CL_WORK/stop" | PGAPPNAME="partc_writer_$1" $PSQL -X -v nid=0 -v swapped=f >"$CL_WORK/writer_$1.out" 2>"$CL_WORK/writer_$1.err") 2>/dev/null &
    cl_writer_pids="$cl_writer_pids $!"
    cl_writer_names="$cl_writer_names $1"
}

cl_writers_alive() {
    for _cl_p in $cl_writer_pids; do
        kill -0 "$_cl_p" 2>/dev/null || return 1
    done
    return 0
}

cl_writers_stop() {
    : >"$CL_WORK/stop"
    _cl_ok=0
    for _cl_p in $cl_writer_pids; do
        _cl_n=0
        while kill -0 "$_cl_p" 2>/dev/null && [ "$_cl_n" -lt 600 ]; do
            sleep 0.1
            _cl_n=$((_cl_n + 1))
        done
        if kill -0 "$_cl_p" 2>/dev/null; then
            _cl_ok=1
        else
            wait "$_cl_p" 2>/dev/null
        fi
    done
    [ "$_cl_ok" = 0 ] || cl_writers_kill
    cl_writer_pids=""
    return "$_cl_ok"
}

cl_writers_kill() {
    [ -n "${CL_WORK:-}" ] && [ -d "$CL_WORK" ] && : >"$CL_WORK/stop"
    for _cl_p in $cl_writer_pids; do
        # the subshell, then its children (the loop and psql)
        _cl_kids=$(ps -o pid= --ppid "$_cl_p" 2>/dev/null || true)
        # shellcheck disable=SC2086 # a list of PIDs
        kill -TERM $_cl_kids "$_cl_p" 2>/dev/null || true
    done
    for _cl_p in $cl_writer_pids; do
        wait "$_cl_p" 2>/dev/null
    done
    cl_writer_pids=""
}

cl_writers_summary() {
    cl_committed=0
    cl_failed=0
    for _cl_w in $cl_writer_names; do
        _cl_c=$(grep -c '^COMMIT$' "$CL_WORK/writer_$_cl_w.out")
        _cl_f=$(grep -c '^ROLLBACK$' "$CL_WORK/writer_$_cl_w.out")
        cl_committed=$((cl_committed + _cl_c))
        cl_failed=$((cl_failed + _cl_f))
    done
    # the first error of each failed transaction, by kind
    cl_errors=$(for _cl_w in $cl_writer_names; do cat "$CL_WORK/writer_$_cl_w.err"; done |
        sed -n 's/.*ERROR:  //p' | grep -v '^current transaction is aborted' |
        sed -e 's/^canceling statement due to lock timeout$/lock timeout/' \
            -e 's/^tuple to be locked was already moved to another partition.*/row moved by a concurrent update/' \
            -e 's/^tuple to be updated was already moved to another partition.*/row moved by a concurrent update/' \
            -e 's/^tuple to be deleted was already moved to another partition.*/row moved by a concurrent update/' \
            -e 's/^deadlock detected$/deadlock/' \
            -e 's/^duplicate key value violates unique constraint.*/duplicate key/' |
        sort | uniq -c | sort -rn | sed 's/^ *\([0-9]*\) \(.*\)/\2 \1/' | tr '\n' ',' | sed -e 's/,$//' -e 's/,/, /g')
    [ -n "$cl_errors" ] || cl_errors="none"
}
