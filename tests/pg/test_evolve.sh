#!/bin/sh
# A table's life, proven by property over a generated corpus: for each seed,
# tests/pg/evolve/gen.awk writes three versions of a table's spec with random
# changes of the kinds partc writes.  Compiling them one after the other into
# one folder adds one change migration per version that changes something
# (and nothing for one that does not), never touching a recorded file; check
# fails before each compile and passes after.  On the server:
#   v1, then each change  ==  that version compiled from scratch (pg_dump
#                              --schema-only and the runtime's row of the table)
#   each change's rollback ==  the version before, exactly; and up again.
# Every database is a copy of one that has the runtime installed.  Runs
# inside the cluster of run-all.sh; EVOLVE_SEEDS overrides the corpus size.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PARTC=${PARTC:-$root/partc}
seeds=${EVOLVE_SEEDS:-6}
asof=2026-11-22
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() {
    echo "FAIL evolve (seed $seed): $1"
    [ -z "${2:-}" ] || [ ! -s "$2" ] || sed 's/^/    /' "$2" | head -n 40
    [ ! -f "$tmp/life" ] || sed 's/^/    /' "$tmp/life"
    exit 1
}
seed=-
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
pq() { psql -X -q -d postgres "$@" >/dev/null 2>&1; }
tpl=partc_evolve_tpl
pq -c "DROP DATABASE IF EXISTS $tpl"
pq -c "CREATE DATABASE $tpl" || fail "create the template database"
# the runtime, once: every folder's first migration is the same file
mkdir -p "$tmp/rt/spec"
awk -v seed=1 -v versions=1 -v dir="$tmp/rt/spec" -f "$here/evolve/gen.awk" >/dev/null
"$PARTC" compile "$tmp/rt/spec/v1" --out "$tmp/rt/out" --as-of $asof >/dev/null 2>&1 || fail "compile the runtime"
rtfile=$(ls "$tmp/rt/out/"*partc_runtime_v1.up.sql)
q -d $tpl -f "$here/roles.sql" >/dev/null 2>"$tmp/err" || fail "roles" "$tmp/err"
q -d $tpl -f "$rtfile" >/dev/null 2>"$tmp/err" || fail "install the runtime" "$tmp/err"
newdb() { pq -c "DROP DATABASE IF EXISTS $1" && pq -c "CREATE DATABASE $1 TEMPLATE $tpl"; }
state() {
    pg_dump --schema-only -d "$1" | grep -v '^\\\(un\)\{0,1\}restrict ' >"$2"
    q -d "$1" -c "SELECT to_jsonb(t) - 'last_run' - 'last_error' FROM partc.tables t ORDER BY 1" >>"$2"
}
# the up files of a folder that are not in the list $2, in version order
new_ups() { ls "$1" | grep '\.up\.sql$' | grep -v partc_runtime | sort >"$tmp/now"; comm -13 "$2" "$tmp/now"; }
apply() { q -d "$1" -f "$2" >/dev/null 2>"$tmp/err" || fail "apply $(basename "$2")" "$tmp/err"; }

changes=0
for seed in $(seq 1 "$seeds"); do
    rm -rf "$tmp/s" "$tmp/a" "$tmp/b"
    awk -v seed="$seed" -v versions=3 -v dir="$tmp/s" -f "$here/evolve/gen.awk" >"$tmp/life"
    newdb partc_evolve_a || fail "create database a"
    : >"$tmp/seen"
    v=1
    while [ $v -le 3 ]; do
        cp -r "$tmp/a" "$tmp/a.before" 2>/dev/null || mkdir -p "$tmp/a.before"
        if [ $v -gt 1 ]; then
            if "$PARTC" check "$tmp/s/v$v" --out "$tmp/a" --as-of $asof >"$tmp/out.txt" 2>&1; then
                changed=0
            else
                changed=1
                grep -q 'not-emitted' "$tmp/out.txt" || fail "v$v: check fails, but not with not-emitted" "$tmp/out.txt"
            fi
        fi
        "$PARTC" compile "$tmp/s/v$v" --out "$tmp/a" --as-of $asof >"$tmp/out.txt" 2>&1 || fail "compile v$v" "$tmp/out.txt"
        "$PARTC" check "$tmp/s/v$v" --out "$tmp/a" --as-of $asof >"$tmp/out.txt" 2>&1 || fail "check after v$v" "$tmp/out.txt"
        for f in "$tmp/a.before/"*.sql; do
            [ -f "$f" ] || continue
            cmp -s "$f" "$tmp/a/$(basename "$f")" || fail "v$v rewrote $(basename "$f")"
        done
        rm -rf "$tmp/a.before"
        new_ups "$tmp/a" "$tmp/seen" >"$tmp/new"
        n=$(wc -l <"$tmp/new")
        if [ $v -gt 1 ]; then
            # a change is one migration, one more when it sets NOT NULL
            # (validated apart), and those that build a new index
            if [ "$changed" = 0 ]; then [ "$n" = 0 ]; else [ "$n" -ge 1 ]; fi ||
                fail "v$v: $n new migrations, check said changed=$changed" "$tmp/new"
        fi
        [ $v -gt 1 ] && [ "$n" = 0 ] && { cat "$tmp/now" >"$tmp/seen"; v=$((v + 1)); continue; }
        [ $v -gt 1 ] && state partc_evolve_a "$tmp/before.sql"
        while read -r f; do apply partc_evolve_a "$tmp/a/$f"; done <"$tmp/new"
        cat "$tmp/now" >"$tmp/seen"
        state partc_evolve_a "$tmp/evolved.sql"
        # the same version from scratch
        rm -rf "$tmp/b"
        newdb partc_evolve_b || fail "create database b"
        "$PARTC" compile "$tmp/s/v$v" --out "$tmp/b" --as-of $asof >"$tmp/out.txt" 2>&1 || fail "compile v$v anew" "$tmp/out.txt"
        for f in $(ls "$tmp/b" | grep '\.up\.sql$' | grep -v partc_runtime | sort); do apply partc_evolve_b "$tmp/b/$f"; done
        state partc_evolve_b "$tmp/scratch.sql"
        diff -u "$tmp/scratch.sql" "$tmp/evolved.sql" >"$tmp/diff" ||
            fail "v$v applied as a change differs from v$v compiled anew" "$tmp/diff"
        if [ $v -gt 1 ]; then
            changes=$((changes + 1))
            for f in $(sort -r "$tmp/new"); do apply partc_evolve_a "$tmp/a/${f%.up.sql}.down.sql"; done
            state partc_evolve_a "$tmp/back.sql"
            diff -u "$tmp/before.sql" "$tmp/back.sql" >"$tmp/diff" || fail "the rollback of v$v is not v$((v - 1))" "$tmp/diff"
            while read -r f; do apply partc_evolve_a "$tmp/a/$f"; done <"$tmp/new"
            state partc_evolve_a "$tmp/again.sql"
            diff -u "$tmp/evolved.sql" "$tmp/again.sql" >"$tmp/diff" || fail "v$v up again differs" "$tmp/diff"
        fi
        v=$((v + 1))
    done
done
# a converted table: a change compiled after its four phases waits for the
# cleanup (the sync triggers of the phases before it copy the columns they
# knew), then applies and rolls back with the rows kept
seed=convert
rm -rf "$tmp/c"
mkdir -p "$tmp/c/v1" "$tmp/c/v2"
cat >"$tmp/c/v1/t.yaml" <<'YAML'
version: 1
tables:
  visits:
    mode: convert
    columns:
      id: { type: bigint, nullable: false }
      at: { type: timestamptz, nullable: false }
      path: { type: "varchar(50)" }
    primary_key: [id, at]
    partition: { key: at, interval: monthly, start: 2026-09-01, premake: 2, default_partition: true }
    migrate: { batch_size: 100, keep_old: 1 day }
    lint: { allow: { maintenance-unscheduled: "the test runs it" } }
YAML
sed 's/      path: { type: "varchar(50)" }/      path: { type: text }\n      ref: { type: text, default: "'"'"'web'"'"'" }/' "$tmp/c/v1/t.yaml" >"$tmp/c/v2/t.yaml"
newdb partc_evolve_a || fail "create database a"
q -d partc_evolve_a -c "CREATE TABLE visits (id bigint NOT NULL, at timestamptz NOT NULL, path varchar(50), PRIMARY KEY (id, at))" \
  -c "INSERT INTO visits SELECT i, timestamptz '2026-09-01' + i * interval '1 hour', 'p' || i FROM generate_series(1, 1000) i" >/dev/null ||
    fail "the plain table"
"$PARTC" compile "$tmp/c/v1" --out "$tmp/c/out" --as-of $asof >"$tmp/out.txt" 2>&1 || fail "compile the conversion" "$tmp/out.txt"
"$PARTC" compile "$tmp/c/v2" --out "$tmp/c/out" --as-of $asof >"$tmp/out.txt" 2>&1 || fail "compile the change" "$tmp/out.txt"
for f in $(ls "$tmp/c/out" | grep '\.up\.sql$' | grep -v 'partc_runtime\|_cleanup\|_v2'); do apply partc_evolve_a "$tmp/c/out/$f"; done
chg=$(ls "$tmp/c/out" | grep '_visits_v2\.up\.sql$\|_v2\.up\.sql$' | grep -v runtime)
[ -n "$chg" ] || fail "no change migration after the conversion" "$tmp/out.txt"
if q -d partc_evolve_a -f "$tmp/c/out/$chg" >"$tmp/err" 2>&1; then fail "the change ran before the cleanup"; fi
grep -q "not cleaned up yet" "$tmp/err" || fail "the change's refusal does not say why" "$tmp/err"
PGOPTIONS="-c partc.cleanup_now=on" q -d partc_evolve_a -f "$tmp/c/out/$(ls "$tmp/c/out" | grep '_cleanup\.up\.sql$')" >/dev/null 2>"$tmp/err" ||
    fail "cleanup" "$tmp/err"
state partc_evolve_a "$tmp/before.sql"
apply partc_evolve_a "$tmp/c/out/$chg"
[ "$(q -d partc_evolve_a -c "SELECT count(*) FROM visits WHERE ref = 'web' AND path LIKE 'p%'")" = 1000 ] ||
    fail "the rows after the change"
q -d partc_evolve_a -c "INSERT INTO visits (id, at, path, ref) VALUES (5000, now(), repeat('x', 80), 'app')" >/dev/null 2>"$tmp/err" ||
    fail "a write the change allows" "$tmp/err"
q -d partc_evolve_a -c "DELETE FROM visits WHERE id = 5000" >/dev/null
apply partc_evolve_a "$tmp/c/out/${chg%.up.sql}.down.sql"
state partc_evolve_a "$tmp/back.sql"
diff -u "$tmp/before.sql" "$tmp/back.sql" >"$tmp/diff" || fail "the change's rollback after a conversion" "$tmp/diff"
[ "$(q -d partc_evolve_a -c "SELECT count(*) FROM visits")" = 1000 ] || fail "rows lost by the rollback"
# the same converted by attach: the change waits for the cleanup, which
# leaves the table as the partition before the cutover; an index added then
# is built concurrently on that partition (it takes the writes of --as-of)
rm -rf "$tmp/c"
mkdir -p "$tmp/c/v1" "$tmp/c/v2"
cat >"$tmp/c/v1/t.yaml" <<'YAML'
version: 1
tables:
  visits:
    mode: convert
    columns:
      id: { type: bigint, nullable: false }
      at: { type: timestamptz, nullable: false }
      path: { type: "varchar(50)" }
    primary_key: [id]
    partition: { key: at, interval: monthly, start: 2026-09-01, premake: 2, default_partition: true }
    migrate: { keep_old: 1 day, method: attach, cutover: 2099-01-01 }
    lint: { allow: { maintenance-unscheduled: "the test runs it", uniqueness-weakened: "one sequence" } }
YAML
sed -e 's/      path: { type: "varchar(50)" }/      path: { type: text }\n      ref: { type: text, default: "'"'"'web'"'"'" }/' \
    -e 's/    primary_key: \[id\]/    primary_key: [id]\n    indexes: [{ name: visits_path_idx, columns: [path] }]/' "$tmp/c/v1/t.yaml" >"$tmp/c/v2/t.yaml"
newdb partc_evolve_b || fail "create database b"
q -d partc_evolve_b -c "CREATE TABLE visits (id bigint NOT NULL, at timestamptz NOT NULL, path varchar(50), PRIMARY KEY (id))" \
  -c "INSERT INTO visits SELECT i, timestamptz '2026-09-01' + i * interval '1 hour', 'p' || i FROM generate_series(1, 1000) i" >/dev/null ||
    fail "attach: the plain table"
"$PARTC" compile "$tmp/c/v1" --out "$tmp/c/out" --as-of $asof >"$tmp/out.txt" 2>&1 || fail "attach: compile the conversion" "$tmp/out.txt"
"$PARTC" compile "$tmp/c/v2" --out "$tmp/c/out" --as-of $asof >"$tmp/out.txt" 2>&1 || fail "attach: compile the change" "$tmp/out.txt"
for f in $(ls "$tmp/c/out" | grep '\.up\.sql$' | grep -v 'partc_runtime\|_cleanup\|_v2'); do apply partc_evolve_b "$tmp/c/out/$f"; done
chg=$(ls "$tmp/c/out" | grep '_visits_v2\.up\.sql$')
[ -n "$chg" ] || fail "attach: no change migration after the conversion" "$tmp/out.txt"
if q -d partc_evolve_b -f "$tmp/c/out/$chg" >"$tmp/err" 2>&1; then fail "attach: the change ran before the cleanup"; fi
grep -q "not cleaned up yet" "$tmp/err" || fail "attach: the change's refusal does not say why" "$tmp/err"
PGOPTIONS="-c partc.cleanup_now=on" q -d partc_evolve_b -f "$tmp/c/out/$(ls "$tmp/c/out" | grep '_cleanup\.up\.sql$')" >/dev/null 2>"$tmp/err" ||
    fail "attach: cleanup" "$tmp/err"
state partc_evolve_b "$tmp/before.sql"
ups=$(ls "$tmp/c/out" | grep '_visits_v2.*\.up\.sql$' | sort)
grep -q "ON public.visits_old" "$tmp/c/out/$(echo "$ups" | grep _build_ | head -n 1)" ||
    fail "attach: the index is not built on visits_old, the partition that takes the writes" "$tmp/c/out/$(echo "$ups" | grep _build_ | head -n 1)"
for f in $ups; do apply partc_evolve_b "$tmp/c/out/$f"; done
[ "$(q -d partc_evolve_b -c "SELECT count(*) FROM visits WHERE ref = 'web' AND path LIKE 'p%'")" = 1000 ] ||
    fail "attach: the rows after the change"
[ "$(q -d partc_evolve_b -c "SELECT i.indisvalid FROM pg_index i WHERE i.indexrelid = 'visits_path_idx'::regclass")" = t ] ||
    fail "attach: the index is not valid"
for f in $(echo "$ups" | sort -r); do apply partc_evolve_b "$tmp/c/out/${f%.up.sql}.down.sql"; done
state partc_evolve_b "$tmp/back.sql"
diff -u "$tmp/before.sql" "$tmp/back.sql" >"$tmp/diff" || fail "attach: the change's rollback" "$tmp/diff"
[ "$(q -d partc_evolve_b -c "SELECT count(*) FROM ONLY visits_old")" = 1000 ] || fail "attach: rows lost by the rollback"

# writers insert while an index is added and NOT NULL is set: no write
# fails.  Compiled for today (UTC), so that the partition written now is the
# one built CONCURRENTLY; the partitions before it are built by attach_index.
seed=writers
rm -rf "$tmp/w"
mkdir -p "$tmp/w/v1" "$tmp/w/v2"
today=$(date -u +%Y-%m-%d)
start=$(q -d postgres -c "SELECT to_char(date_trunc('month', now() AT TIME ZONE 'UTC') - interval '3 months', 'YYYY-MM-DD')")
cat >"$tmp/w/v1/t.yaml" <<YAML
version: 1
tables:
  users:
    strategy: none
    columns:
      id: { type: bigint, nullable: false }
    primary_key: [id]
  hits:
    columns:
      id: { type: bigint, identity: always }
      at: { type: timestamptz, nullable: false, default: now() }
      who: { type: text }
      user_id: { type: bigint, nullable: false }
    primary_key: [id, at]
    indexes:
      - columns: [user_id]
    partition: { key: at, interval: monthly, start: $start, premake: 1 }
    lint: { allow: { maintenance-unscheduled: "the test runs it" } }
YAML
sed 's/      who: { type: text }/      who: { type: text, nullable: false }/; s/      - columns: \[user_id\]/      - columns: [user_id]\n      - columns: [who, at]\n    foreign_keys:\n      - { columns: [user_id], references: { table: users, columns: [id] }, on_delete: cascade }/' \
    "$tmp/w/v1/t.yaml" >"$tmp/w/v2/t.yaml"
newdb partc_evolve_a || fail "create database a"
"$PARTC" compile "$tmp/w/v1" --out "$tmp/w/out" --as-of "$today" >"$tmp/out.txt" 2>&1 || fail "compile v1" "$tmp/out.txt"
ls "$tmp/w/out" | grep '\.up\.sql$' | grep -v partc_runtime | sort >"$tmp/seen"
while read -r f; do apply partc_evolve_a "$tmp/w/out/$f"; done <"$tmp/seen"
q -d partc_evolve_a -c "INSERT INTO users SELECT i FROM generate_series(1, 100) i" \
  -c "INSERT INTO hits (at, who, user_id) SELECT '$start'::timestamptz + i * interval '1 minute', 'w' || i % 7, i % 100 + 1 FROM generate_series(1, 120000) i" \
  -c "INSERT INTO hits (who, user_id) SELECT 'now', i % 100 + 1 FROM generate_series(1, 20000) i" >/dev/null || fail "rows"
"$PARTC" compile "$tmp/w/v2" --out "$tmp/w/out" --as-of "$today" >"$tmp/out.txt" 2>&1 || fail "compile v2" "$tmp/out.txt"
ls "$tmp/w/out" | grep '\.up\.sql$' | grep -v partc_runtime | sort | comm -13 "$tmp/seen" - >"$tmp/new"
grep -q _build_ "$tmp/new" && grep -q _attach_ "$tmp/new" && grep -q _validate "$tmp/new" ||
    fail "the change is not built concurrently and validated apart" "$tmp/new"
awk 'BEGIN { for (i = 0; i < 4000; i++) print "INSERT INTO hits (who, user_id) VALUES (\x27live\x27, " i % 100 + 1 ");" }' >"$tmp/w/ins.sql"
for k in 1 2; do
    psql -X -q -d partc_evolve_a -v ON_ERROR_STOP=0 -f "$tmp/w/ins.sql" >/dev/null 2>"$tmp/w/err$k" &
done
while read -r f; do apply partc_evolve_a "$tmp/w/out/$f"; done <"$tmp/new"
wait
cat "$tmp/w/err1" "$tmp/w/err2" >"$tmp/err"
[ ! -s "$tmp/err" ] || fail "writes failed while the change ran" "$tmp/err"
[ "$(q -d partc_evolve_a -c "SELECT count(*) FROM hits WHERE who = 'live'")" = 8000 ] || fail "writes lost"
[ "$(q -d partc_evolve_a -c "SELECT bool_and(indisvalid) AND count(*) > 1 FROM pg_index WHERE indexrelid::regclass::text LIKE 'hits%who%'")" = t ] ||
    fail "the index is not valid on every partition"
[ "$(q -d partc_evolve_a -c "SELECT attnotnull FROM pg_attribute WHERE attrelid = 'hits'::regclass AND attname = 'who'")" = t ] ||
    fail "who is not NOT NULL"
# the foreign key: on the parent, each partition's own adopted (one
# constraint each, validated), and it refuses a missing user
[ "$(q -d partc_evolve_a -c "SELECT count(*) FILTER (WHERE c.convalidated AND c.conparentid <> 0) || '/' || count(*) || '/' || count(DISTINCT c.conrelid) || '/' || (SELECT count(*) FROM pg_inherits WHERE inhparent = 'hits'::regclass) FROM pg_constraint c JOIN pg_inherits i ON i.inhrelid = c.conrelid WHERE i.inhparent = 'hits'::regclass AND c.contype = 'f'")" = \
    "$(q -d partc_evolve_a -c "SELECT n || '/' || n || '/' || n || '/' || n FROM (SELECT count(*) n FROM pg_inherits WHERE inhparent = 'hits'::regclass) x")" ] ||
    fail "the partitions' foreign keys were not adopted one each" 
[ "$(q -d partc_evolve_a -c "SELECT convalidated FROM pg_constraint WHERE conrelid = 'hits'::regclass AND contype = 'f'")" = t ] ||
    fail "the parent's foreign key"
if q -d partc_evolve_a -c "INSERT INTO hits (who, user_id) VALUES ('x', 1000)" >/dev/null 2>&1; then fail "a missing user was accepted"; fi
writers=" (8,000 inserts while an index and a foreign key were added and NOT NULL set: none failed)"

# the default partition removed while it holds a row: refused, nothing
# changed; once the row has a partition, removed
seed=default
rm -rf "$tmp/d"
mkdir -p "$tmp/d/v1" "$tmp/d/v2"
cat >"$tmp/d/v1/t.yaml" <<'YAML'
version: 1
tables:
  pings:
    columns:
      id: { type: bigint, nullable: false }
      at: { type: timestamptz, nullable: false }
    primary_key: [id, at]
    partition: { key: at, interval: monthly, start: 2026-09-01, premake: 1, default_partition: true }
    lint: { allow: { maintenance-unscheduled: "the test runs it" } }
YAML
sed 's/, default_partition: true//' "$tmp/d/v1/t.yaml" >"$tmp/d/v2/t.yaml"
newdb partc_evolve_a || fail "create database a"
"$PARTC" compile "$tmp/d/v1" --out "$tmp/d/out" --as-of $asof >"$tmp/out.txt" 2>&1 || fail "compile v1" "$tmp/out.txt"
"$PARTC" compile "$tmp/d/v2" --out "$tmp/d/out" --as-of $asof >"$tmp/out.txt" 2>&1 || fail "compile v2" "$tmp/out.txt"
for f in $(ls "$tmp/d/out" | grep '\.up\.sql$' | grep -v 'partc_runtime\|_v2'); do apply partc_evolve_a "$tmp/d/out/$f"; done
q -d partc_evolve_a -c "INSERT INTO pings VALUES (1, '2030-01-01'), (2, '2026-10-01')" >/dev/null || fail "rows"
state partc_evolve_a "$tmp/before.sql"
chg="$tmp/d/out/$(ls "$tmp/d/out" | grep '_pings_v2\.up\.sql$')"
if q -d partc_evolve_a -f "$chg" >"$tmp/err" 2>&1; then fail "the default partition was dropped with a row in it"; fi
grep -q "holds rows" "$tmp/err" || fail "the refusal does not say why" "$tmp/err"
state partc_evolve_a "$tmp/after.sql"
diff -u "$tmp/before.sql" "$tmp/after.sql" >"$tmp/diff" || fail "the refused change changed the schema" "$tmp/diff"
q -d partc_evolve_a -c "DELETE FROM pings WHERE id = 1" >/dev/null
apply partc_evolve_a "$chg"
[ "$(q -d partc_evolve_a -c "SELECT count(*) FROM pings")" = 1 ] || fail "rows after the change"
apply partc_evolve_a "${chg%.up.sql}.down.sql"
state partc_evolve_a "$tmp/back.sql"
diff -u "$tmp/before.sql" "$tmp/back.sql" >"$tmp/diff" || fail "the rollback of the default partition's removal" "$tmp/diff"

pq -c "DROP DATABASE IF EXISTS partc_evolve_a"
pq -c "DROP DATABASE IF EXISTS partc_evolve_b"
pq -c "DROP DATABASE IF EXISTS $tpl"
echo "ok evolve ($seeds generated lives, $changes change migrations: each equals its version compiled anew, rolls back exactly and applies again; a change after a conversion (by copy, by attach) waits for its cleanup; a default partition with a row is not dropped)${writers:-}"
exit 0
