#!/bin/sh
# Rollback files that are run with `psql -f` (Supabase's and Prisma's
# rollbacks folders, Flyway's undo files) are one transaction each: with a
# reader holding a lock on the table, the swap's rollback gives up within its
# lock_timeout, leaves the schema exactly as it was and warns about nothing;
# once the reader is gone the same file succeeds, and the swap can be applied
# again.  The ups are sent as their runner sends them (one simple query,
# build/pgexec).  Runs inside the cluster of run-all.sh.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PARTC=${PARTC:-$root/partc}
PGEXEC=${PGEXEC:-$root/build/pgexec}
tmp=$(mktemp -d)
reader=""
cleanup() {
    [ -z "$reader" ] || kill "$reader" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
fail() {
    echo "FAIL rollback_atomic: $1"
    [ -z "${2:-}" ] || [ ! -s "$2" ] || sed 's/^/    /' "$2" | head -n 30
    exit 1
}
[ -x "$PGEXEC" ] || fail "no $PGEXEC (make build/pgexec)"
db=partc_rollback_atomic
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>"$tmp/err" ||
    fail "create database" "$tmp/err"
export PGDATABASE=$db
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
dump() { pg_dump --schema-only --no-owner -d "$db" | grep -v '^\\\(un\)\{0,1\}restrict ' >"$1"; }

mkdir -p "$tmp/spec"
cat >"$tmp/spec/events.yaml" <<'YAML'
version: 1
settings: { lock_timeout: 1s }
tables:
  events:
    mode: convert
    columns:
      id: { type: bigint, nullable: false }
      created_at: { type: timestamptz, nullable: false }
    primary_key: [id]
    partition: { key: created_at, interval: monthly, start: 2026-10-01, premake: 2 }
    lint:
      allow:
        uniqueness-weakened: "ids come from one sequence"
        maintenance-unscheduled: "run by the test"
YAML

# the files of target $1, in the order the runner applies them: "UP DOWN" lines
files() {
    case $1 in
        supabase)
            for u in "$tmp/$1/migrations/"*.sql; do
                echo "$u $tmp/$1/rollbacks/$(basename "$u" .sql).down.sql"
            done ;;
        prisma)
            for u in "$tmp/$1/migrations/"*/migration.sql; do
                echo "$u $tmp/$1/rollbacks/$(basename "$(dirname "$u")").down.sql"
            done ;;
        flyway)
            for u in "$tmp/$1/migrations/"V*.sql; do
                echo "$u $(dirname "$u")/U$(basename "$u" | cut -c2-)"
            done ;;
    esac
}

checked=0
for tg in supabase prisma flyway; do
    "$PARTC" compile "$tmp/spec" --target $tg --out "$tmp/$tg/migrations" --as-of 2026-11-22 >"$tmp/out" 2>&1 ||
        fail "$tg: compile" "$tmp/out"
    q -c "DROP TABLE IF EXISTS events" \
      -c "CREATE TABLE events (id bigint PRIMARY KEY, created_at timestamptz NOT NULL)" \
      -c "INSERT INTO events SELECT g, '2026-10-01'::timestamptz + g * interval '1 minute' FROM generate_series(1, 1000) g" \
        >/dev/null 2>"$tmp/err" || fail "$tg: setup" "$tmp/err"
    dump "$tmp/baseline.sql"
    files $tg >"$tmp/list"
    [ "$(wc -l <"$tmp/list")" = 5 ] || fail "$tg: expected 5 migrations (the runtime and four phases)" "$tmp/list"
    # the runtime, prepare, backfill and swap, as the runner sends them
    head -n 4 "$tmp/list" | while read -r up down; do
        "$PGEXEC" --strict "$up" >"$tmp/out" 2>&1 || { echo "$up" >>"$tmp/out"; cp "$tmp/out" "$tmp/uperr"; exit 1; }
    done || fail "$tg: up" "$tmp/uperr"
    swap_down=$(sed -n 4p "$tmp/list" | cut -d' ' -f2)
    swap_up=$(sed -n 4p "$tmp/list" | cut -d' ' -f1)
    grep -q '^BEGIN;$' "$swap_down" && grep -q '^COMMIT;$' "$swap_down" ||
        fail "$tg: $(basename "$swap_down") is not one transaction" "$swap_down"
    dump "$tmp/swapped.sql"

    # a reader holds ACCESS SHARE on the table until it is told to stop
    psql -X -q -c "BEGIN" -c "SELECT count(*) FROM events" -c "SELECT pg_sleep(120)" >/dev/null 2>&1 &
    reader=$!
    i=0
    until [ "$(q -c "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)
                     WHERE l.relation = 'events'::regclass AND a.query LIKE '%pg_sleep%'")" = 1 ]; do
        i=$((i + 1)); [ $i -lt 100 ] || fail "$tg: the reader never took its lock"; sleep 0.1
    done
    if psql -X -v ON_ERROR_STOP=1 -f "$swap_down" >"$tmp/down.out" 2>&1; then
        fail "$tg: the swap's rollback succeeded although a reader holds the table" "$tmp/down.out"
    fi
    grep -q 'canceling statement due to lock timeout' "$tmp/down.out" ||
        fail "$tg: the rollback did not stop at its lock_timeout" "$tmp/down.out"
    kill -0 "$reader" 2>/dev/null || fail "$tg: the rollback returned only after the reader had gone"
    ! grep -q 'WARNING' "$tmp/down.out" || fail "$tg: psql -f of the rollback warns" "$tmp/down.out"
    dump "$tmp/after-timeout.sql"
    diff -u "$tmp/swapped.sql" "$tmp/after-timeout.sql" >"$tmp/diff" ||
        fail "$tg: the failed rollback changed the schema" "$tmp/diff"

    q -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(120)%' AND pid <> pg_backend_pid()" >/dev/null
    wait "$reader" 2>/dev/null
    reader=""
    psql -X -q -v ON_ERROR_STOP=1 -f "$swap_down" >"$tmp/down.out" 2>&1 ||
        fail "$tg: the same rollback failed once the reader was gone" "$tmp/down.out"
    ! grep -q 'WARNING' "$tmp/down.out" || fail "$tg: psql -f of the rollback warns" "$tmp/down.out"
    "$PGEXEC" --strict "$swap_up" >"$tmp/out" 2>&1 || fail "$tg: the swap could not be applied again" "$tmp/out"
    # every rollback, newest first, back to the table as it was
    tac "$tmp/list" | tail -n 4 | while read -r up down; do
        psql -X -q -v ON_ERROR_STOP=1 -f "$down" >"$tmp/out" 2>&1 || { echo "$down" >>"$tmp/out"; exit 1; }
        ! grep -q 'WARNING' "$tmp/out" || { echo "$down warns" >>"$tmp/out"; exit 1; }
    done || fail "$tg: rollbacks" "$tmp/out"
    dump "$tmp/after.sql"
    diff -u "$tmp/baseline.sql" "$tmp/after.sql" >"$tmp/diff" || fail "$tg: the rollbacks left changes" "$tmp/diff"
    checked=$((checked + 1))
done
psql -X -q -d postgres -c "DROP DATABASE $db" >/dev/null 2>&1
echo "ok rollback_atomic ($checked targets: a swap rollback stopped by a reader changed nothing and succeeded afterwards)"
