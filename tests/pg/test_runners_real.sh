#!/bin/sh
# The real dbmate and Supabase CLI, installed from the npm registry into a
# cache folder (tests/runners/npm_tools.sh), apply what partc compiles for
# their targets to the cluster of run-all.sh:
#
#   1. the examples with every conversion's cleanup held back
#      (migrate.cleanup: false): the runner applies every migration; the
#      invariants and the examples' asserts hold; then every migration is
#      rolled back (dbmate rollback, one at a time, until none is left;
#      Supabase: the rollbacks folder, newest first) and the schema equals
#      the baseline again;
#   2. the same specs with the cleanups: compiling into the same folder adds
#      only the cleanup migrations, after every recorded version, and
#      `partc check` is clean; the runner applies everything again (with
#      partc.cleanup_now = on, as after keep_old), the invariants hold, and
#      (dbmate) rolling a cleanup back fails and says why;
#   3. three versions of two tables' specs, compiled one after the other:
#      each compile's change migrations (concurrent index builds among them)
#      applied by the runner, then all rolled back to the baseline.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PARTC=${PARTC:-$root/partc}
PGEXEC=${PGEXEC:-$root/build/pgexec}
AS_OF=${AS_OF:-2026-11-22}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
status=0
fail() {
    echo "FAIL runners-real $1: $2"
    [ -n "${3:-}" ] && [ -s "$3" ] && sed -n '1,25p' "$3" | sed 's/^/    /'
    status=1
}
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

if ! sh "$root/tests/runners/npm_tools.sh" >"$tmp/tools" 2>"$tmp/tools.err"; then
    fail install "cannot install dbmate and supabase from the npm registry" "$tmp/tools.err"
    exit 1
fi
DBMATE=$(sed -n 's/^DBMATE=//p' "$tmp/tools")
SUPABASE=$(sed -n 's/^SUPABASE=//p' "$tmp/tools")

# specs without cleanups: migrate.cleanup: false beside every keep_old
cp -R "$root/specs" "$tmp/held"
for f in "$tmp/held"/*.yaml; do
    sed -E -e 's/^( +)keep_old: .*$/&\n\1cleanup: false/' \
        -e 's/(\{.*keep_old: [^,}]*)/\1, cleanup: false/' "$f" >"$f.new" && mv "$f.new" "$f"
done

# fresh_db NAME: roles, the examples' live tables, a baseline dump.
fresh_db() {
    q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1 TEMPLATE template0" >/dev/null &&
        q -d "$1" -f "$here/roles.sql" >/dev/null &&
        q -d "$1" -v rows=2000 -f "$here/examples/setup.sql" >/dev/null && dump "$1" "$tmp/$1.baseline"
}
# dump DB FILE: the schema without the runners' history tables.
dump() {
    pg_dump --schema-only --no-owner --exclude-table=public.schema_migrations \
        --exclude-schema=supabase_migrations -d "$1" | grep -v '^\\\(un\)\{0,1\}restrict ' >"$2"
}
checks() { # DB STEP
    q -d "$1" -f "$here/invariants.sql" >"$tmp/inv" 2>&1 || { fail "$2" "invariants" "$tmp/inv"; return 1; }
    q -d "$1" -f "$here/examples/assert.sql" >"$tmp/assert" 2>&1 || { fail "$2" "asserts" "$tmp/assert"; return 1; }
}
sock_url() { # the cluster's unix socket as a URL
    printf 'postgres://postgres@/%s?host=%s&port=%s&sslmode=disable' "$1" "$PGHOST" "$PGPORT"
}

run_dbmate() {
    db=partc_t_dbmate
    w="$tmp/dbmate"
    dir="$w/db/migrations"
    fresh_db $db || { fail dbmate "setup"; return; }
    url=$(sock_url $db)
    dbm() { "$DBMATE" --url "$url" -d "$dir" --no-dump-schema "$@"; }
    "$PARTC" compile "$tmp/held" --target dbmate --out "$dir" --as-of "$AS_OF" >/dev/null 2>"$w.err" ||
        { fail dbmate "compile" "$w.err"; return; }
    n=$(ls "$dir"/*.sql | wc -l)
    ls "$dir" | grep -q _cleanup && { fail dbmate "cleanups were not held back"; return; }
    dbm up >"$w.up" 2>&1 || { fail dbmate "dbmate up" "$w.up"; return; }
    applied=$(grep -c '^Applied: ' "$w.up")
    [ "$applied" = "$n" ] || { fail dbmate "dbmate applied $applied of $n" "$w.up"; return; }
    checks $db "dbmate up" || return
    k=0
    while dbm rollback >"$w.rb" 2>&1; do
        k=$((k + 1))
        [ $k -le "$n" ] || break
    done
    grep -q "no migrations have been applied" "$w.rb" || { fail dbmate "rollback $((k + 1))" "$w.rb"; return; }
    [ "$k" = "$n" ] || { fail dbmate "rolled back $k of $n"; return; }
    dump $db "$w.after"
    diff -u "$tmp/$db.baseline" "$w.after" >"$w.diff" ||
        { fail dbmate "schema after rolling every migration back differs from the baseline" "$w.diff"; return; }

    # the cleanups, later: only they are added
    "$PARTC" compile "$root/specs" --target dbmate --out "$dir" --as-of "$AS_OF" >"$w.c2" 2>"$w.err" ||
        { fail dbmate "compile with cleanups" "$w.err"; return; }
    added=$(($(ls "$dir"/*.sql | wc -l) - n))
    ncl=$(ls "$dir" | grep -c '_cleanup\.sql$')
    [ "$added" = "$ncl" ] && [ "$ncl" -gt 0 ] || { fail dbmate "compile added $added files for $ncl cleanups"; return; }
    last_old=$(ls "$dir" | grep -v _cleanup | grep '^[0-9]' | sort | tail -n 1)
    first_new=$(ls "$dir" | grep _cleanup | sort | head -n 1)
    [ "$first_new" \> "$last_old" ] || { fail dbmate "cleanup $first_new sorts before $last_old"; return; }
    "$PARTC" check "$root/specs" --target dbmate --out "$dir" >"$w.check" 2>&1 ||
        { fail dbmate "partc check after adding the cleanups" "$w.check"; return; }
    q -d postgres -c "ALTER DATABASE $db SET partc.cleanup_now = on" >/dev/null
    dbm up >"$w.up2" 2>&1 || { fail dbmate "dbmate up with cleanups" "$w.up2"; return; }
    q -d "$db" -f "$here/invariants.sql" >"$tmp/inv" 2>&1 || { fail dbmate "invariants after cleanups" "$tmp/inv"; return; }
    if dbm rollback >"$w.rb2" 2>&1 || ! grep -q "cannot be rolled back" "$w.rb2"; then
        fail dbmate "rolling a cleanup back must fail and say why" "$w.rb2"
        return
    fi
    q -d postgres -c "DROP DATABASE $db" >/dev/null
    echo "ok runners-real dbmate ($n migrations up and back down to the baseline; $ncl cleanups added later and applied)"
}

run_supabase() {
    db=partc_t_supabase
    w="$tmp/supabase"
    dir="$w/supabase/migrations"
    fresh_db $db || { fail supabase "setup"; return; }
    url="postgres:///$db?host=$PGHOST&port=$PGPORT&user=postgres&sslmode=disable"
    sb() {
        (cd "$w" && SUPABASE_HOME="$w/home" DO_NOT_TRACK=1 SUPABASE_TELEMETRY_DISABLED=1 \
            "$SUPABASE" migration up --yes --workdir "$w" --remote="$url" </dev/null)
    }
    "$PARTC" compile "$tmp/held" --target supabase --as-of "$AS_OF" --out "$dir" >/dev/null 2>"$w.err" ||
        { fail supabase "compile" "$w.err"; return; }
    n=$(ls "$dir" | wc -l)
    [ -f "$w/supabase/partc.lock" ] || { fail supabase "no supabase/partc.lock"; return; }
    sb >"$w.up" 2>&1 || { fail supabase "supabase migration up" "$w.up"; return; }
    applied=$(grep -c '^Applying migration ' "$w.up")
    [ "$applied" = "$n" ] || { fail supabase "the CLI applied $applied of $n" "$w.up"; return; }
    grep -q 'Skipping' "$w.up" && { fail supabase "the CLI skipped a file" "$w.up"; return; }
    checks $db "supabase up" || return
    # rollbacks, newest first, each as one simple query (psql -f would do too)
    for f in $(ls "$w/supabase/rollbacks" | sort -r); do
        PGDATABASE=$db "$PGEXEC" --strict "$w/supabase/rollbacks/$f" >"$w.rb" 2>&1 ||
            { fail supabase "rollback $f" "$w.rb"; return; }
    done
    dump $db "$w.after"
    diff -u "$tmp/$db.baseline" "$w.after" >"$w.diff" ||
        { fail supabase "schema after the rollbacks differs from the baseline" "$w.diff"; return; }
    # what `supabase migration repair --status reverted` records
    q -d $db -c "DELETE FROM supabase_migrations.schema_migrations" >/dev/null

    "$PARTC" compile "$root/specs" --target supabase --out "$dir" --as-of "$AS_OF" >/dev/null 2>"$w.err" ||
        { fail supabase "compile with cleanups" "$w.err"; return; }
    ncl=$(ls "$dir" | grep -c '_cleanup\.sql$')
    [ "$(ls "$dir" | wc -l)" = $((n + ncl)) ] || { fail supabase "compile added more than the cleanups"; return; }
    "$PARTC" check "$root/specs" --target supabase --out "$dir" >"$w.check" 2>&1 ||
        { fail supabase "partc check after adding the cleanups" "$w.check"; return; }
    q -d postgres -c "ALTER DATABASE $db SET partc.cleanup_now = on" >/dev/null
    sb >"$w.up2" 2>&1 || { fail supabase "supabase migration up with cleanups" "$w.up2"; return; }
    [ "$(grep -c '^Applying migration ' "$w.up2")" = $((n + ncl)) ] ||
        { fail supabase "the CLI did not apply all $((n + ncl))" "$w.up2"; return; }
    q -d "$db" -f "$here/invariants.sql" >"$tmp/inv" 2>&1 || { fail supabase "invariants after cleanups" "$tmp/inv"; return; }
    q -d postgres -c "DROP DATABASE $db" >/dev/null
    echo "ok runners-real supabase ($n migrations up and rolled back to the baseline; $ncl cleanups added later and applied)"
}

# three versions of two tables' specs (tests/cases/change-indexes, then a
# third that drops a column and changes retention), compiled one after the
# other into one folder: the runner applies each compile's new migrations
# (the concurrent builds and the attach among them, each alone in its file),
# then everything is rolled back to the baseline.
mkdir -p "$tmp/life/v1" "$tmp/life/v2" "$tmp/life/v3"
cp "$root/tests/cases/change-indexes/v1/"*.yaml "$tmp/life/v1/"
cp "$root/tests/cases/change-indexes/spec/"*.yaml "$tmp/life/v2/"
cp "$tmp/life/v2/"*.yaml "$tmp/life/v3/"
sed -e '/      legacy_code: /d' -e 's/    retention: { keep: 12 months }/    retention: { keep: 6 months, action: detach }/' \
    -e 's/        maintenance-unscheduled: .*/&\n        drop-column: "legacy_code is unused"/' "$tmp/life/v2/orders.yaml" >"$tmp/life/v3/orders.yaml"
# A conversion deployed in stages: a plain table with rows, compiled with
# migrate.through prepare, then backfill (backfill_in: pg_cron, which copies
# in the migration where pg_cron is absent, as here), then swap; the rows
# count after the rollbacks.
mkdir -p "$tmp/stage/v1" "$tmp/stage/v2" "$tmp/stage/v3"
for v in 1:prepare 2:backfill 3:swap; do
    cat >"$tmp/stage/v${v%%:*}/visits.yaml" <<YAML
version: 1
tables:
  visits:
    mode: convert
    columns:
      id: { type: bigint, nullable: false }
      at: { type: timestamptz, nullable: false }
      path: { type: text }
    primary_key: [id, at]
    partition: { key: at, interval: monthly, start: 2026-09-01, premake: 2 }
    migrate: { batch_size: 1000, through: ${v#*:}, backfill_in: pg_cron }
    lint: { allow: { maintenance-unscheduled: "a worker calls partc.maintain()" } }
YAML
done
cat >"$tmp/stage/setup.sql" <<'SQL'
CREATE TABLE visits (id bigint NOT NULL, at timestamptz NOT NULL, path text, PRIMARY KEY (id, at));
INSERT INTO visits SELECT i, timestamptz '2026-09-01' + i * interval '17 minutes', 'p' || i FROM generate_series(1, 5000) i;
SQL
# The same by migrate.method: attach, with a key without the partition key:
# the backfill stage adds two concurrent index builds (files of their own,
# outside a transaction) before its migration.
mkdir -p "$tmp/attach/v1" "$tmp/attach/v2" "$tmp/attach/v3"
for v in 1:prepare 2:backfill 3:swap; do
    sed -e 's/primary_key: \[id, at\]/primary_key: [id]/' \
        -e 's/backfill_in: pg_cron }/backfill_in: pg_cron, method: attach, cutover: 2099-01-01 }/' \
        -e 's/maintenance-unscheduled: "a worker calls partc.maintain()" }/maintenance-unscheduled: "a worker calls partc.maintain()", uniqueness-weakened: "ids come from one sequence" }/' \
        "$tmp/stage/v${v%%:*}/visits.yaml" >"$tmp/attach/v${v%%:*}/visits.yaml"
done
sed 's/PRIMARY KEY (id, at)/PRIMARY KEY (id)/' "$tmp/stage/setup.sql" >"$tmp/attach/setup.sql"
life_db() { # NAME [SETUP]: a database with the roles (and SETUP), and its baseline
    q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1 TEMPLATE template0" >/dev/null &&
        q -d "$1" -f "$here/roles.sql" >/dev/null && { [ -z "${2:-}" ] || q -d "$1" -f "$2" >/dev/null; } &&
        dump "$1" "$tmp/$1.baseline"
}
rows_kept() { # DB NAME SETUP: the setup's table has its rows after the rollbacks
    [ -z "${3:-}" ] || [ "$(q -d "$1" -c "SELECT count(*) FROM visits")" = 5000 ] || { fail "$2" "rows lost by the rollbacks"; return 1; }
}

run_dbmate_life() { # NAME LIFE [SETUP]
    name=dbmate-$1
    life=$2
    setup=${3:-}
    db=partc_t_dbmate_$1
    w="$tmp/$name"
    dir="$w/db/migrations"
    life_db $db "$setup" || { fail $name "setup"; return; }
    url=$(sock_url $db)
    dbm() { "$DBMATE" --url "$url" -d "$dir" --no-dump-schema "$@"; }
    total=0
    for v in 1 2 3; do
        before=$(ls "$dir" 2>/dev/null | grep -c '\.sql$')
        "$PARTC" compile "$life/v$v" --target dbmate --out "$dir" --as-of "$AS_OF" >/dev/null 2>"$w.err" ||
            { fail $name "compile v$v" "$w.err"; return; }
        "$PARTC" check "$life/v$v" --target dbmate --out "$dir" >"$w.err" 2>&1 || { fail $name "check v$v" "$w.err"; return; }
        n=$(($(ls "$dir" | grep -c '\.sql$') - before))
        dbm up >"$w.up" 2>&1 || { fail $name "dbmate up v$v" "$w.up"; return; }
        [ "$(grep -c '^Applied: ' "$w.up")" = "$n" ] || { fail $name "dbmate applied other than the $n new of v$v" "$w.up"; return; }
        total=$((total + n))
    done
    q -d "$db" -f "$here/invariants.sql" >"$tmp/inv" 2>&1 || { fail $name "invariants" "$tmp/inv"; return; }
    k=0
    while dbm rollback >"$w.rb" 2>&1; do
        k=$((k + 1))
        [ $k -le "$total" ] || break
    done
    grep -q "no migrations have been applied" "$w.rb" || { fail $name "rollback $((k + 1))" "$w.rb"; return; }
    dump $db "$w.after"
    diff -u "$tmp/$db.baseline" "$w.after" >"$w.diff" || { fail $name "schema after the rollbacks" "$w.diff"; return; }
    rows_kept $db $name "$setup" || return
    q -d postgres -c "DROP DATABASE $db" >/dev/null
    echo "ok runners-real $name (three spec versions: $total migrations applied compile by compile, then rolled back to the baseline)"
}

run_supabase_life() { # NAME LIFE [SETUP]
    name=supabase-$1
    life=$2
    setup=${3:-}
    db=partc_t_supabase_$1
    w="$tmp/$name"
    dir="$w/supabase/migrations"
    life_db $db "$setup" || { fail $name "setup"; return; }
    url="postgres:///$db?host=$PGHOST&port=$PGPORT&user=postgres&sslmode=disable"
    sb() {
        (cd "$w" && SUPABASE_HOME="$w/home" DO_NOT_TRACK=1 SUPABASE_TELEMETRY_DISABLED=1 \
            "$SUPABASE" migration up --yes --workdir "$w" --remote="$url" </dev/null)
    }
    total=0
    for v in 1 2 3; do
        before=$(ls "$dir" 2>/dev/null | wc -l)
        "$PARTC" compile "$life/v$v" --target supabase --out "$dir" --as-of "$AS_OF" >/dev/null 2>"$w.err" ||
            { fail $name "compile v$v" "$w.err"; return; }
        n=$(($(ls "$dir" | wc -l) - before))
        sb >"$w.up" 2>&1 || { fail $name "supabase migration up v$v" "$w.up"; return; }
        [ "$(grep -c '^Applying migration ' "$w.up")" = "$n" ] || { fail $name "the CLI applied other than the $n new of v$v" "$w.up"; return; }
        total=$((total + n))
    done
    q -d "$db" -f "$here/invariants.sql" >"$tmp/inv" 2>&1 || { fail $name "invariants" "$tmp/inv"; return; }
    for f in $(ls "$w/supabase/rollbacks" | sort -r); do
        PGDATABASE=$db "$PGEXEC" --strict "$w/supabase/rollbacks/$f" >"$w.rb" 2>&1 ||
            { fail $name "rollback $f" "$w.rb"; return; }
    done
    dump $db "$w.after"
    diff -u "$tmp/$db.baseline" "$w.after" >"$w.diff" || { fail $name "schema after the rollbacks" "$w.diff"; return; }
    rows_kept $db $name "$setup" || return
    q -d postgres -c "DROP DATABASE $db" >/dev/null
    echo "ok runners-real $name (three spec versions: $total migrations applied compile by compile, then rolled back to the baseline)"
}

[ -x "$PGEXEC" ] || { echo "FAIL runners-real: no $PGEXEC"; exit 1; }
run_dbmate
run_supabase
run_dbmate_life life "$tmp/life"
run_supabase_life life "$tmp/life"
run_dbmate_life staged "$tmp/stage" "$tmp/stage/setup.sql"
run_supabase_life staged "$tmp/stage" "$tmp/stage/setup.sql"
run_dbmate_life attach "$tmp/attach" "$tmp/attach/setup.sql"
run_supabase_life attach "$tmp/attach" "$tmp/attach/setup.sql"
exit $status
