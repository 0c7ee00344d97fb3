#!/bin/sh
# Command-line behaviour: exit codes, help, determinism, never overwriting,
# writing nothing on errors, template override, targets.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
PARTC=${PARTC:-$root/partc}
AS_OF=${AS_OF:-2026-11-22}
passed=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL cli: $*"; }
# expect CODE DESCRIPTION -- command...
expect() {
    want=$1; what=$2; shift 3
    "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    if [ "$got" = "$want" ]; then ok; else bad "$what: exit $got, want $want"; sed 's/^/    /' "$tmp/err" | head -10; fi
}

cd "$root"
expect 0 "--version" -- "$PARTC" --version
grep -q '^partc [0-9]' "$tmp/out" || bad "--version prints 'partc X.Y.Z'"
expect 0 "--help" -- "$PARTC" --help
for c in compile plan lint rules; do
    expect 0 "$c --help" -- "$PARTC" $c --help
    grep -q "usage: partc $c" "$tmp/out" || bad "$c --help shows its usage"
done
expect 2 "no command" -- "$PARTC"
expect 2 "unknown command" -- "$PARTC" frobnicate
expect 2 "unknown option" -- "$PARTC" compile --frob
expect 2 "option without value" -- "$PARTC" compile specs --out
expect 2 "bad --as-of" -- "$PARTC" compile specs --as-of 2025-02-30 --out "$tmp/x"
expect 2 "unknown target" -- "$PARTC" compile specs --target nope --out "$tmp/x"
expect 2 "missing spec path (lint: unreadable input is exit 2)" -- "$PARTC" lint "$tmp/does-not-exist.yaml"
grep -q "does-not-exist.yaml" "$tmp/err" || bad "missing path is named in the message"
[ ! -e "$tmp/x" ] || bad "usage errors write nothing"

# the same specs and flags give byte-identical files
expect 0 "compile a" -- "$PARTC" compile specs --out "$tmp/a" --as-of "$AS_OF"
expect 0 "compile b" -- "$PARTC" compile specs --out "$tmp/b" --as-of "$AS_OF"
diff -r "$tmp/a" "$tmp/b" >/dev/null && ok || bad "two compiles differ"
LC_ALL=C TZ=Pacific/Kiritimati expect 0 "compile c (other TZ)" -- "$PARTC" compile specs --out "$tmp/c" --as-of "$AS_OF"
diff -r "$tmp/a" "$tmp/c" >/dev/null && ok || bad "the time zone changes the output"

# --postgres: the server major instead of settings.postgres
expect 2 "--postgres 12" -- "$PARTC" compile specs --postgres 12 --out "$tmp/pg12"
expect 2 "--postgres x" -- "$PARTC" plan specs --postgres x
[ ! -e "$tmp/pg12" ] && ok || bad "a bad --postgres wrote files"
expect 1 "convert refused for PostgreSQL 13" -- "$PARTC" compile specs --postgres 13 --out "$tmp/pg13" --as-of "$AS_OF"
grep -q "needs PostgreSQL 14 or later" "$tmp/err" && ok || bad "--postgres 13 does not say convert needs 14"
expect 0 "compile for PostgreSQL 18" -- "$PARTC" compile specs --postgres 18 --out "$tmp/pg18" --as-of "$AS_OF"

# renaming or moving a spec file changes no migration
mkdir -p "$tmp/mv/specs/sub"
cp specs/*.yaml "$tmp/mv/specs/"
expect 0 "compile before the move" -- "$PARTC" compile "$tmp/mv/specs" --out "$tmp/mv/out" --as-of "$AS_OF"
mv "$tmp/mv/specs/campotech.yaml" "$tmp/mv/specs/sub/seed004-renamed.yaml"
expect 0 "check after a spec file moved" -- "$PARTC" check "$tmp/mv/specs" --out "$tmp/mv/out" --as-of "$AS_OF"
expect 0 "compile after a spec file moved" -- "$PARTC" compile "$tmp/mv/specs" --out "$tmp/mv/out" --as-of "$AS_OF"
grep -q "0 files written" "$tmp/out" && ok || bad "a moved spec file rewrote migrations: $(cat "$tmp/out")"

# compiling again into the same folder rewrites nothing
expect 0 "compile again" -- "$PARTC" compile specs --out "$tmp/a" --as-of "$AS_OF"
grep -q "0 files written" "$tmp/out" && ok || bad "second compile wrote files: $(cat "$tmp/out")"

# an existing file with other content is never overwritten, and nothing is written
first=$(ls "$tmp/a" | head -1)
echo "-- edited by hand" >>"$tmp/a/$first"
cp "$tmp/a/$first" "$tmp/edited"
rm "$tmp/a/$(ls "$tmp/a" | tail -1)"
expect 1 "refuse to overwrite" -- "$PARTC" compile specs --out "$tmp/a" --as-of "$AS_OF"
grep -q "would-overwrite" "$tmp/err" && ok || bad "overwrite refusal names the rule"
cmp -s "$tmp/a/$first" "$tmp/edited" && ok || bad "edited file was changed"
[ "$(ls "$tmp/a" | wc -l)" = "$(($(ls "$tmp/b" | wc -l) - 1))" ] && ok || bad "a refused compile wrote other files"

# specs with errors write nothing
mkdir -p "$tmp/badspec"
printf 'version: 1\ntables:\n  t:\n    columns:\n      a: { type: text }\n    partition: { key: nope, interval: monthly, start: 2025-01-01 }\n' >"$tmp/badspec/t.yaml"
expect 1 "spec error" -- "$PARTC" compile "$tmp/badspec" --out "$tmp/never" --as-of "$AS_OF"
[ ! -e "$tmp/never" ] && ok || bad "a spec error still wrote files"
grep -q "t.yaml:6:" "$tmp/err" && ok || bad "spec error is located: $(head -1 "$tmp/err")"

# templates can be replaced as a set; an unknown placeholder is an error
mkdir -p "$tmp/tpl"
cp templates/*.sql "$tmp/tpl/"
expect 0 "same templates from a folder" -- "$PARTC" compile specs --templates "$tmp/tpl" --out "$tmp/t1" --as-of "$AS_OF"
diff -r "$tmp/a" "$tmp/t1" >/dev/null 2>&1 || diff -r "$tmp/b" "$tmp/t1" >/dev/null && ok || bad "folder templates differ from embedded ones"
printf 'CREATE TABLE {{table}} ({{no_such_value}});\n' >"$tmp/tpl/create_table.sql"
expect 1 "unknown placeholder" -- "$PARTC" compile specs --templates "$tmp/tpl" --out "$tmp/t2" --as-of "$AS_OF"
grep -q "unknown placeholder '{{no_such_value}}'" "$tmp/err" && ok || bad "unknown placeholder is reported"
[ ! -e "$tmp/t2" ] && ok || bad "unknown placeholder still wrote files"

# supabase layout: 14-digit versions from --as-of, rollbacks beside migrations
expect 0 "supabase target" -- "$PARTC" compile specs --target supabase --out "$tmp/sb/supabase/migrations" --as-of "$AS_OF"
n_up=$(ls "$tmp/sb/supabase/migrations" | grep -c '^[0-9]\{14\}_.*\.sql$')
n_down=$(ls "$tmp/sb/supabase/rollbacks" | grep -c '^[0-9]\{14\}_.*\.down\.sql$')
[ "$n_up" -gt 0 ] && [ "$n_up" = "$n_down" ] && ok || bad "supabase files: $n_up up, $n_down down"
ls "$tmp/sb/supabase/migrations" | head -1 | grep -q "^$(echo "$AS_OF" | tr -d -)000000_" && ok || bad "supabase version comes from --as-of"
grep -q '^BEGIN;' "$tmp/sb/supabase/migrations/"*.sql && bad "supabase files must not hold BEGIN (the CLI runs each file in a transaction)" || ok

# lint for CI: --fail-on, formats, usage errors; the README's rules table is
# what `partc rules --format markdown` prints
expect 0 "lint of the examples" -- "$PARTC" lint specs
expect 0 "lint with only a warning" -- "$PARTC" lint tests/cases/lint-rls-disabled/spec --target supabase
expect 1 "lint --fail-on warning with a warning" -- "$PARTC" lint tests/cases/lint-rls-disabled/spec --target supabase --fail-on warning
expect 2 "lint --target unknown" -- "$PARTC" lint specs --target flyway2
expect 2 "lint --format unknown" -- "$PARTC" lint specs --format yaml
expect 2 "lint --fail-on unknown" -- "$PARTC" lint specs --fail-on notice
expect 0 "rules" -- "$PARTC" rules
expect 0 "lint under the default partition threshold" -- "$PARTC" lint specs
expect 1 "--max-partitions lowers the threshold" -- "$PARTC" lint specs --max-partitions 20 --fail-on warning
grep -q "too-many-partitions" "$tmp/out" && ok || bad "too-many-partitions with --max-partitions 20"
expect 2 "--max-partitions not a number" -- "$PARTC" lint specs --max-partitions lots
"$PARTC" rules --format markdown >"$tmp/rules.md" 2>/dev/null
sed -n '/^<!-- rules: begin/,/^<!-- rules: end/p' README.md | sed '1d;$d' >"$tmp/readme-rules.md"
[ -s "$tmp/rules.md" ] && cmp -s "$tmp/rules.md" "$tmp/readme-rules.md" && ok ||
    bad "README's rules table differs from 'partc rules --format markdown'"

# the spec reference in the README and the fuzzing dictionary's keys are what
# the spec schema says (partc keys)
expect 0 "keys" -- "$PARTC" keys
expect 2 "keys --format unknown" -- "$PARTC" keys --format json
"$PARTC" keys --format markdown >"$tmp/keys.md" 2>/dev/null
sed -n '/^<!-- keys: begin/,/^<!-- keys: end/p' README.md | sed '1d;$d' >"$tmp/readme-keys.md"
[ -s "$tmp/keys.md" ] && cmp -s "$tmp/keys.md" "$tmp/readme-keys.md" && ok ||
    bad "README's spec reference differs from 'partc keys --format markdown'"
"$PARTC" keys --format dict >"$tmp/keys.dict" 2>/dev/null
sed -n '/^# keys: begin/,/^# keys: end/p' tests/fuzz/spec.dict | sed '1d;$d' >"$tmp/dict-keys"
[ -s "$tmp/keys.dict" ] && cmp -s "$tmp/keys.dict" "$tmp/dict-keys" && ok ||
    bad "tests/fuzz/spec.dict's keys differ from 'partc keys --format dict'"

# an output file that cannot be read is reported with the real reason
"$PARTC" compile specs --out "$tmp/unread" --as-of "$AS_OF" >/dev/null 2>&1
first=$(ls "$tmp/unread/"*.up.sql | head -n 1)
rm "$first" && mkdir "$first"
expect 1 "check with a folder where a migration should be" -- "$PARTC" check specs --out "$tmp/unread" --as-of "$AS_OF"
grep -q "cannot read '.*': Is a directory \[io-error\]" "$tmp/err" && ok || bad "io-error names the real reason: $(grep io-error "$tmp/err")"

echo "cli: $passed passed, $failed failed"
[ "$failed" = 0 ]
