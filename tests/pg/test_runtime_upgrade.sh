#!/bin/sh
# The runtime installed once, then upgraded in place: a partc whose runtime
# differs from the one a folder's migrations installed (here: the same
# templates with one more function, through --templates) writes a new
# runtime migration after the recorded ones and never touches them; its up
# upgrades the runtime, its down restores the earlier version exactly (the
# catalog equals the one before the upgrade, grants included), and the up
# applies again.  The first runtime migration's rollback is refused while a
# table is registered, and an upgrade's rollback out of order is refused.
# Runs inside the cluster of run-all.sh.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PARTC=${PARTC:-$root/partc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
fail() {
    echo "FAIL runtime_upgrade: $1"
    [ -z "${2:-}" ] || [ ! -s "$2" ] || sed 's/^/    /' "$2" | head -n 20
    exit 1
}
db=partc_runtime_upgrade
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>"$tmp/err" ||
    fail "create database" "$tmp/err"
export PGDATABASE=$db
q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
dump() { pg_dump --schema-only -d "$db" | grep -v '^\\\(un\)\{0,1\}restrict ' >"$1"; }
digests() { grep '^file ' "$tmp/out/partc.lock" | grep -v partc_runtime_v2 | sort; }

mkdir -p "$tmp/spec"
cat >"$tmp/spec/t.yaml" <<'YAML'
version: 1
tables:
  events:
    columns:
      id: { type: bigint, identity: always }
      at: { type: timestamptz, nullable: false }
    primary_key: [id, at]
    partition: { key: at, interval: monthly, start: 2026-09-01, premake: 2 }
    retention: { keep: 3 months, action: drop }
    security: { grants: { api_user: [select] } }
    lint: { allow: { maintenance-unscheduled: "called by the test" } }
YAML
"$PARTC" compile "$tmp/spec" --out "$tmp/out" --as-of 2026-11-22 >"$tmp/out.txt" 2>&1 || fail "compile" "$tmp/out.txt"
[ -f "$tmp/out/0001_partc_runtime_v1.up.sql" ] && [ -f "$tmp/out/0002_create_events.up.sql" ] ||
    fail "the runtime is not the first migration" "$tmp/out.txt"
"$PARTC" compile "$tmp/spec" --out "$tmp/out" --as-of 2026-11-22 >"$tmp/out.txt" 2>&1 || fail "compile again" "$tmp/out.txt"
[ "$(ls "$tmp/out" | grep -c partc_runtime)" = 2 ] || fail "the same partc wrote another runtime migration"

q -c "DO \$\$ BEGIN CREATE ROLE api_user; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$" \
  -c "DO \$\$ BEGIN CREATE ROLE partc_maint; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$" >/dev/null
for f in "$tmp/out/0001_partc_runtime_v1.up.sql" "$tmp/out/0002_create_events.up.sql"; do
    q -f "$f" >/dev/null 2>"$tmp/err" || fail "up $(basename "$f")" "$tmp/err"
done
# the first runtime's rollback, while events is registered
if q -f "$tmp/out/0001_partc_runtime_v1.down.sql" >"$tmp/err" 2>&1; then
    fail "the runtime was removed while a table is registered"
fi
grep -qF "still maintains public.events" "$tmp/err" || fail "the refusal does not name the table" "$tmp/err"
q -c "SELECT partc.grant_maintenance('partc_maint')" >/dev/null || fail "grant_maintenance"
dump "$tmp/before.sql"
[ "$(q -c "SELECT version FROM partc.runtime")" = 1 ] || fail "version after the install"

# a partc whose runtime has one more function
cp -r "$root/templates" "$tmp/tpl"
awk '/^-- Lets a role other than/ {
        print "-- The runtime'"'"'s version, for a look."
        print "CREATE FUNCTION {{rt}}.version()"
        print "RETURNS integer"
        print "LANGUAGE sql"
        print "STABLE"
        print "SET search_path = pg_catalog, pg_temp"
        print "AS ${{tag}}$"
        print "    SELECT r.version FROM {{rt}}.runtime r"
        print "${{tag}}$;"
        print ""
     } { print }' "$root/templates/runtime_functions.sql" >"$tmp/tpl/runtime_functions.sql"
cmp -s "$root/templates/runtime_functions.sql" "$tmp/tpl/runtime_functions.sql" && fail "the test's runtime is not changed"
digests >"$tmp/digests.before"
cp -r "$tmp/out" "$tmp/out.before"
"$PARTC" compile "$tmp/spec" --out "$tmp/out" --as-of 2026-11-22 --templates "$tmp/tpl" >"$tmp/out.txt" 2>&1 ||
    fail "compile with the changed runtime" "$tmp/out.txt"
[ -f "$tmp/out/0003_partc_runtime_v2.up.sql" ] && [ -f "$tmp/out/0003_partc_runtime_v2.down.sql" ] ||
    fail "no upgrade migration after the recorded ones" "$tmp/out.txt"
digests >"$tmp/digests.after"
cmp -s "$tmp/digests.before" "$tmp/digests.after" || fail "partc.lock changed what it recorded before"
for f in "$tmp/out.before/"*.sql; do
    cmp -s "$f" "$tmp/out/$(basename "$f")" || fail "$(basename "$f") was rewritten"
done
"$PARTC" check "$tmp/spec" --out "$tmp/out" --as-of 2026-11-22 --templates "$tmp/tpl" >"$tmp/out.txt" 2>&1 ||
    fail "check after the upgrade was written" "$tmp/out.txt"
"$PARTC" check "$tmp/spec" --out "$tmp/out" --as-of 2026-11-22 >"$tmp/out.txt" 2>&1 &&
    fail "check with the first runtime passes on a folder that upgraded it"

# up, down (exactly the catalog before), up again
q -f "$tmp/out/0003_partc_runtime_v2.up.sql" >/dev/null 2>"$tmp/err" || fail "upgrade" "$tmp/err"
[ "$(q -c "SELECT partc.version()")" = 2 ] || fail "the upgraded runtime is not version 2"
q -c "SELECT error FROM partc.maintain()" >"$tmp/m" 2>&1 || fail "maintain on the upgraded runtime" "$tmp/m"
[ "$(cat "$tmp/m")" = "" ] || fail "maintenance failed on the upgraded runtime" "$tmp/m"
[ "$(q -c "SELECT has_function_privilege('partc_maint', 'partc.maintain(text, text, timestamptz)', 'EXECUTE')")" = t ] ||
    fail "the upgrade lost a grant of the runtime's functions"
q -c "SET ROLE partc_maint" -c "SELECT 1 FROM partc.partition_health" >/dev/null 2>"$tmp/err" ||
    fail "the upgrade lost a grant of the health view" "$tmp/err"
if q -f "$tmp/out/0001_partc_runtime_v1.down.sql" >"$tmp/err" 2>&1; then
    fail "the first runtime's rollback ran before the upgrade's"
fi
q -f "$tmp/out/0003_partc_runtime_v2.down.sql" >/dev/null 2>"$tmp/err" || fail "the upgrade's rollback" "$tmp/err"
dump "$tmp/after.sql"
diff -u "$tmp/before.sql" "$tmp/after.sql" >"$tmp/diff" || fail "the rollback did not restore version 1 exactly" "$tmp/diff"
if q -f "$tmp/out/0003_partc_runtime_v2.down.sql" >"$tmp/err" 2>&1; then
    fail "the upgrade's rollback ran twice"
fi
q -f "$tmp/out/0003_partc_runtime_v2.up.sql" >/dev/null 2>"$tmp/err" || fail "upgrade again" "$tmp/err"
[ "$(q -c "SELECT partc.version()")" = 2 ] || fail "version 2 again"
q -f "$tmp/out/0003_partc_runtime_v2.down.sql" >/dev/null 2>"$tmp/err" || fail "the upgrade's rollback again" "$tmp/err"
q -f "$tmp/out/0002_create_events.down.sql" >/dev/null 2>"$tmp/err" || fail "down create_events" "$tmp/err"
q -f "$tmp/out/0001_partc_runtime_v1.down.sql" >/dev/null 2>"$tmp/err" || fail "the runtime's rollback" "$tmp/err"
[ "$(q -c "SELECT count(*) FROM pg_namespace WHERE nspname = 'partc'")" = 0 ] || fail "schema partc is left"
psql -X -q -d postgres -c "DROP DATABASE $db" >/dev/null 2>&1
echo "ok runtime_upgrade (v1 installed, v2 written after it with the older files untouched, up/down/up, catalog restored)"
exit 0
