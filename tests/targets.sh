#!/bin/sh
# Migration-runner targets: every target's layout and versions, the
# transaction markers, partc.lock, compiling again, new migrations, never
# overwriting, atomic writes, default folders, and partc check.
#
# Needs no PostgreSQL and no network.  $PARTC is the binary (a relative path
# is taken from the repository's root); $AS_OF the date to compile for.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
PARTC=${PARTC:-./partc}
case $PARTC in
/*) ;;
*/*) PARTC=$root/$PARTC ;;
esac
AS_OF=${AS_OF:-2026-11-22}
unset SOURCE_DATE_EPOCH
passed=0
failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL targets: $*"; }
# expect CODE DESCRIPTION -- command...
expect() {
    want=$1; what=$2; shift 3
    "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    if [ "$got" = "$want" ]; then ok; else
        bad "$what: exit $got, want $want"
        { grep 'error' "$tmp/err" || cat "$tmp/err"; } | head -5 | sed 's/^/    /'
    fi
}
# check COND DESCRIPTION: one assertion from a shell condition
check() { if eval "$1"; then ok; else bad "$2"; fi; }

if command -v sha256sum >/dev/null 2>&1; then SHA=sha256sum; else SHA="shasum -a 256"; fi

targets="plain supabase prisma sqlx golang-migrate dbmate flyway"
ts14_targets="supabase prisma sqlx golang-migrate dbmate flyway"

defout() {
    case $1 in
    plain) echo out ;;
    supabase) echo supabase/migrations ;;
    prisma) echo prisma/migrations ;;
    sqlx | golang-migrate) echo migrations ;;
    dbmate) echo db/migrations ;;
    flyway) echo db/migration ;;
    esac
}

# paths T VERSION NAME: the files of one migration, relative to the
# migrations folder; the first is the forward (up) file
paths() {
    case $1 in
    plain | sqlx | golang-migrate) echo "${2}_$3.up.sql"; echo "${2}_$3.down.sql" ;;
    supabase) echo "${2}_$3.sql"; echo "../rollbacks/${2}_$3.down.sql" ;;
    prisma) echo "${2}_$3/migration.sql"; echo "../rollbacks/${2}_$3.down.sql" ;;
    dbmate) echo "${2}_$3.sql" ;;
    flyway)
        echo "V${2}__$3.sql"; echo "U${2}__$3.sql"; echo "U${2}__$3.sql.conf"
        case $3 in *_backfill | *_backfill_index_[0-9]*) echo "V${2}__$3.sql.conf" ;; esac ;;
    esac
}

# a user's own migration in the target's layout, version $2
user_file() {
    case $1 in
    plain | sqlx | golang-migrate) echo "${2}_user.up.sql" ;;
    supabase | dbmate) echo "${2}_user.sql" ;;
    prisma) echo "${2}_user/migration.sql" ;;
    flyway) echo "V${2}__user.sql" ;;
    esac
}

# loc OUT REL: the path diagnostics name for REL of folder OUT
loc() { case $2 in ../*) echo "$(dirname "$1")/${2#../}" ;; *) echo "$1/$2" ;; esac; }

# said CODE LOCATION: stderr has a diagnostic at LOCATION with [CODE]
said() {
    awk -v loc="$2" -v code="[$1]" '
        index($0, loc) == 1 && substr($0, length(loc) + 1, 1) == ":" && index($0, code) { f = 1 }
        END { exit !f }' "$tmp/err"
}

# detail LOCATION: the lines printed under the [drift] at LOCATION, without
# their indent
detail() {
    awk -v loc="$1" '
        f && /^    / { print substr($0, 5); next }
        f && /^  hint: / { next }
        f { exit }
        index($0, loc) == 1 && substr($0, length(loc) + 1, 1) == ":" && /\[drift\]$/ { f = 1 }' "$tmp/err"
}
# changes: the lines of a unified diff on stdin that remove or add (not the
# --- and +++ headers)
changes() { awk '/^@@ / { h = 1; next } h && /^[-+]/' ; }

# snap_mig: the migrations folder $wo exactly, and the regular files of the
# project $w (a failed write may leave the sibling rollbacks folder, empty)
snap_mig() { snap "$wo"; (cd "$w" && find . -type f | LC_ALL=C sort); }

# snap DIR: every path under DIR and every file's SHA-256
snap() {
    if [ -e "$1" ]; then
        (cd "$1" && find . -print | LC_ALL=C sort && find . -type f -exec $SHA {} + | LC_ALL=C sort -k 2)
    else
        echo "(absent)"
    fi
}

# files OUT: every file in the migrations folder and its rollbacks sibling,
# relative to OUT
files() {
    (cd "$1" && find . -type f | sed 's|^\./||')
    if [ -d "$1/../rollbacks" ]; then (cd "$1/../rollbacks" && find . -type f | sed 's|^\./|../rollbacks/|'); fi
}

# pairs LOCK: "VERSION NAME" of each migration, in version order
pairs() { awk '$1 == "file" { print $2, $3 }' "$1" | LC_ALL=C sort -u; }
version_of() { awk -v n="$2" '$1 == "file" && $3 == n { print $2; exit }' "$1"; }

# epoch seconds of a 14-digit UTC version
epoch_awk='function days(y, m, d) {
    if (m <= 2) { y--; m += 12 }
    return 365 * y + int(y / 4) - int(y / 100) + int(y / 400) + int((153 * (m - 3) + 2) / 5) + d - 719469
}
function ep(v) {
    return days(substr(v, 1, 4) + 0, substr(v, 5, 2) + 0, substr(v, 7, 2) + 0) * 86400 + substr(v, 9, 2) * 3600 + substr(v, 11, 2) * 60 + substr(v, 13, 2)
}'
epoch() { awk "$epoch_awk"' BEGIN { printf "%d\n", ep(ARGV[1]) }' "$1"; }

# one SQL statement, a CALL, outside comments (dbmate: in the up section)
one_call() {
    one_statement "$1" CALL
}

# one_statement FILE WORDS: FILE (its forward part, for dbmate) is one SQL
# statement that starts with WORDS
one_statement() {
    awk -v w="$2" '/^-- migrate:down/ { exit }
        /^[ \t]*--/ || /^[ \t]*$/ { next }
        { s = s $0 "\n" }
        END { n = gsub(/;/, ";", s); sub(/[ \t\n]+$/, "", s); sub(/^[ \t]+/, "", s)
              exit !(n == 1 && s ~ /;$/ && index(s, w " ") == 1) }' "$1"
}

cd "$root"
asof14=$(echo "$AS_OF" | tr -d -)000000
year=${AS_OF%%-*}
repo_before=$(snap specs; snap out)

# ---- spec copies ---------------------------------------------------------

mkdir -p "$tmp/specs-new" "$tmp/specs-drift" "$tmp/specs-zz" "$tmp/specs-bad"
zz='version: 1
tables:
  zz_widgets:
    strategy: none
    columns:
      id: { type: bigint, nullable: false }
      note: { type: text }
    primary_key: [id]
'
cp specs/*.yaml "$tmp/specs-new/"
printf '%s' "$zz" >"$tmp/specs-new/zz_widgets.yaml"
printf '%s' "$zz" >"$tmp/specs-zz/zz_widgets.yaml"
cp specs/*.yaml "$tmp/specs-drift/"
awk '!d && /batch_size: 10000/ { sub(/batch_size: 10000/, "batch_size: 5000"); d = 1 } { print }' \
    specs/analytics.yaml >"$tmp/specs-drift/analytics.yaml"
cmp -s specs/analytics.yaml "$tmp/specs-drift/analytics.yaml" && bad "the drift spec copy is not changed" || ok
# templates of another partc: one line of the registration changed, or
# every partition's statement
cp -R templates "$tmp/tpl-drift"
sed 's/^INSERT INTO {{rt}}.tables$/INSERT INTO {{rt}}.tables -- (another partc)/' templates/register.sql >"$tmp/tpl-drift/register.sql"
cmp -s templates/register.sql "$tmp/tpl-drift/register.sql" && bad "the drift templates are not changed" || ok
cp -R templates "$tmp/tpl-wide"
sed 's/^CREATE TABLE /CREATE TABLE  /' templates/create_partition.sql >"$tmp/tpl-wide/create_partition.sql"
cmp -s templates/create_partition.sql "$tmp/tpl-wide/create_partition.sql" && bad "the wide templates are not changed" || ok
# the first partition of event_impressions a year earlier: a layout change
mkdir -p "$tmp/specs-wide" "$tmp/specs-less"
cp specs/*.yaml "$tmp/specs-wide/"
awk '!d && /start: 2025-01-01/ { sub(/start: 2025-01-01/, "start: 2024-01-01"); d = 1 } { print }' \
    specs/analytics.yaml >"$tmp/specs-wide/analytics.yaml"
cmp -s specs/analytics.yaml "$tmp/specs-wide/analytics.yaml" && bad "the wide spec copy is not changed" || ok
# a spec deleted: its table's migration is recorded, and no spec produces it
cp specs/*.yaml "$tmp/specs-less/"
rm "$tmp/specs-less/idempotency.yaml"
removed_name=create_idempotency_records
printf 'version: 1\ntables:\n  t:\n    columns:\n      a: { type: text }\n    partition: { key: nope, interval: monthly, start: 2025-01-01 }\n' \
    >"$tmp/specs-bad/t.yaml"
new_name=create_zz_widgets

# ---- usage and spec errors -----------------------------------------------

expect 2 "compile --target unknown" -- "$PARTC" compile specs --target nope --out "$tmp/never"
expect 2 "check --target unknown" -- "$PARTC" check specs --target nope --out "$tmp/never"
check '[ ! -e "$tmp/never" ]' "an unknown target wrote files"

# ---- every target ----------------------------------------------------------

# a later date than AS_OF: compiled from scratch it plans other partitions
later=$((year + 1))-06-15
later_epoch=$(epoch $((year + 1))0615000000)
"$PARTC" compile specs --out "$tmp/later" --as-of "$later" >/dev/null 2>&1
"$PARTC" compile specs --out "$tmp/asof" --as-of "$AS_OF" >/dev/null 2>&1
diff -r "$tmp/asof" "$tmp/later" >/dev/null 2>&1 && bad "--as-of $later compiles like $AS_OF: the reuse tests prove nothing" || ok

plain_names=
for t in $targets; do
    proj=$tmp/ref/$t/proj
    o=$proj/$(defout "$t")
    # Supabase's CLI warns about every file of its folder that is not a
    # migration, so its lock lives beside the folder
    case $t in
        supabase) lrel=../partc.lock ;;
        *) lrel=partc.lock ;;
    esac
    lock=$o/$lrel

    # -- first compile: layout, versions, lock
    expect 0 "$t: compile" -- "$PARTC" compile specs --target "$t" --out "$o" --as-of "$AS_OF"
    [ -f "$lock" ] || { bad "$t: no partc.lock at $lrel: $(cd "$proj" && find . -name partc.lock)"; continue; }
    echo "$lrel" >"$tmp/lrel-$t"
    pairs "$lock" >"$tmp/pairs"
    n_mig=$(wc -l <"$tmp/pairs")
    check '[ "$n_mig" -gt 0 ]' "$t: the lock records no migration"
    check '[ -z "$(cut -d" " -f1 "$tmp/pairs" | uniq -d)" ] && [ -z "$(cut -d" " -f2 "$tmp/pairs" | LC_ALL=C sort | uniq -d)" ]' \
        "$t: a migration has two versions or two migrations share one"
    names=$(cut -d' ' -f2 "$tmp/pairs")
    if [ "$t" = plain ]; then
        plain_names=$names
        awk '{ if ($1 != sprintf("%04d", NR)) bad = 1 } END { exit bad }' "$tmp/pairs" && ok ||
            bad "plain: versions are not 0001, 0002, ... in order"
    else
        check '[ "$names" = "$plain_names" ]' "$t: migrations (in version order) differ from plain's order"
        awk -v first="$asof14" "$epoch_awk"'
            length($1) != 14 || $1 !~ /^[0-9]+$/ { print "not 14 digits: " $1; bad = 1; next }
            NR == 1 && $1 != first { print "first version " $1 ", want " first; bad = 1 }
            NR > 1 && ep($1) != prev + 1 { print "version " $1 " is not one second after the previous"; bad = 1 }
            { prev = ep($1) } END { exit bad }' "$tmp/pairs" >"$tmp/why" && ok ||
            bad "$t: versions are not $asof14, +1 s, ... in order: $(head -1 "$tmp/why")"
    fi

    # the lock's own lines
    awk -v t="$t" '/^#/ || /^[ \t]*$/ { next }
        !magic { if ($0 != "partc-lock 2") bad = bad " " NR; magic = 1; next }
        $1 == "target" && NF == 2 { if ($2 != t) bad = bad " " NR; nt++; next }
        $1 == "file" && NF == 6 { if (ns) bad = bad " " NR; nf++; next }
        $1 == "state" && NF == 3 { ns++; body = 0; next }
        /^  / && ns { body++; next }
        { bad = bad " " NR }
        END { if (bad != "" || nt != 1 || nf == 0) { print "lines" bad ", " nt + 0 " target lines"; exit 1 } }' \
        "$lock" >"$tmp/why" && ok || bad "$t: partc.lock is not 'partc-lock 2', 'target $t', 'file ...', 'state ...': $(cat "$tmp/why")"
    awk -v a="$AS_OF" '$1 == "file" && $4 != a { bad = 1 } END { exit bad }' "$lock" && ok ||
        bad "$t: the lock records another as-of than $AS_OF"
    (cd "$o" && awk '$1 == "file" { print $5 "  " $6 }' "$lock" | $SHA -c >/dev/null 2>&1) && ok ||
        bad "$t: a recorded SHA-256 is not the file's"

    # exactly the files of the layout, each recorded
    while read -r v n; do paths "$t" "$v" "$n"; done <"$tmp/pairs" | LC_ALL=C sort >"$tmp/want"
    awk '$1 == "file" { print $6 }' "$lock" | LC_ALL=C sort >"$tmp/recorded"
    files "$o" | grep -v '^partc\.lock$' | { if [ "$t" = prisma ]; then grep -v '^migration_lock\.toml$'; else cat; fi; } |
        LC_ALL=C sort >"$tmp/have"
    cmp -s "$tmp/want" "$tmp/recorded" && ok ||
        bad "$t: the lock does not record exactly the layout's files: $(diff "$tmp/want" "$tmp/recorded" | sed -n 2p)"
    cmp -s "$tmp/want" "$tmp/have" && ok ||
        bad "$t: the folder does not hold exactly the layout's files: $(diff "$tmp/want" "$tmp/have" | sed -n 2p)"
    if [ "$t" = prisma ]; then
        grep -qx 'provider = "postgresql"' "$o/migration_lock.toml" 2>/dev/null && ok ||
            bad "prisma: migration_lock.toml lacks 'provider = \"postgresql\"'"
    fi

    # transaction markers: exactly on the backfill forward files, and on
    # both files of an index built CONCURRENTLY (a conversion's
    # backfill_index migrations)
    n_bf=0
    : >"$tmp/nt"
    while read -r v n; do
        case $n in
        *_backfill_index_[0-9]*)
            up=$(paths "$t" "$v" "$n" | head -1)
            echo "$up" >>"$tmp/nt"
            one_statement "$o/$up" "CREATE INDEX CONCURRENTLY" && ok ||
                bad "$t: $up is not one CREATE INDEX CONCURRENTLY statement"
            continue ;;
        *_backfill) ;;
        *) continue ;;
        esac
        n_bf=$((n_bf + 1))
        up=$(paths "$t" "$v" "$n" | head -1)
        echo "$up" >>"$tmp/nt"
        one_call "$o/$up" && ok || bad "$t: $up is not one CALL statement"
        case $t in
        sqlx) [ "$(head -1 "$o/$up")" = "-- no-transaction" ] && ok || bad "sqlx: $up does not start with '-- no-transaction'" ;;
        dbmate) [ "$(head -1 "$o/$up")" = "-- migrate:up transaction:false" ] && ok ||
            bad "dbmate: $up does not start with '-- migrate:up transaction:false'" ;;
        flyway) [ "$(cat "$o/$up.conf" 2>/dev/null)" = "executeInTransaction=false" ] && ok ||
            bad "flyway: $up.conf does not hold executeInTransaction=false" ;;
        plain) grep -qix '[[:space:]]*\(BEGIN\|COMMIT\);[[:space:]]*' "$o/$up" && bad "plain: $up holds BEGIN/COMMIT" || ok ;;
        esac
    done <"$tmp/pairs"
    check '[ "$n_bf" -gt 0 ]' "$t: no backfill migration to test the markers on"
    case $t in
    sqlx) marked=$( (cat "$tmp/nt"; grep '\.up\.sql$' "$tmp/nt" | grep '_backfill_index_[0-9]*\.up\.sql$' |
                                       sed 's/\.up\.sql$/.down.sql/') | LC_ALL=C sort) ;;
    dbmate) marked=$(LC_ALL=C sort "$tmp/nt") ;;
    # Flyway's undo files hold their own transaction: every one has a .conf
    flyway) marked=$( (sed 's/$/.conf/' "$tmp/nt"; grep '^U.*\.sql$' "$tmp/have" | sed 's/$/.conf/') | LC_ALL=C sort) ;;
    *) marked= ;;
    esac
    got=$(cd "$o" && xargs grep -lE 'no-transaction|transaction:false|executeInTransaction' <"$tmp/have" | LC_ALL=C sort)
    check '[ "$got" = "$marked" ]' "$t: files with a no-transaction marker: '$(echo $got)', want '$(echo $marked)'"
    if [ "$t" = dbmate ]; then
        bad_sections=$(cd "$o" && xargs awk '
            function done_() { if (f != "" && !(up == 1 && down == 1 && all == 2)) print f }
            FNR == 1 { done_(); f = FILENAME; up = down = all = 0 }
            /^-- migrate:/ { all++ } /^-- migrate:up/ { up++ }
            $0 == "-- migrate:down" || $0 == "-- migrate:down transaction:false" { down++ }
            END { done_() }' <"$tmp/have")
        check '[ -z "$bad_sections" ]' "dbmate: files without one '-- migrate:up' and one '-- migrate:down': $(echo $bad_sections | cut -c1-200)"
    fi
    if [ "$t" = plain ]; then
        unwrapped=$(cd "$o" && (cat "$tmp/nt"; sed -n 's/_backfill_index_\([0-9]*\)\.up\.sql$/_backfill_index_\1.down.sql/p' "$tmp/nt") |
            grep -vxFf - "$tmp/have" | xargs awk '
            function done_() { if (f != "" && !(b && c)) print f }
            FNR == 1 { done_(); f = FILENAME; b = c = 0 }
            $0 == "BEGIN;" { b = 1 } $0 == "COMMIT;" { c = 1 }
            END { done_() }')
        check '[ -z "$unwrapped" ]' "plain: transactional files without BEGIN;/COMMIT;: $(echo $unwrapped | cut -c1-200)"
    else
        # the files a runner applies hold no BEGIN; the rollbacks run with
        # psql -f (rollbacks/ folders, Flyway undo files) are one transaction
        begins=$(grep -rlix '[[:space:]]*BEGIN;[[:space:]]*' "$proj" | grep -v '/rollbacks/\|/U[0-9]*__[^/]*\.sql$')
        check '[ -z "$begins" ]' "$t: files a runner applies hold BEGIN;: $(echo $begins | cut -c1-200)"
        case $t in
        supabase | prisma | flyway)
            unwrapped=$(find "$proj" \( -path '*/rollbacks/*.down.sql' -o -name 'U*__*.sql' \) ! -name '*_backfill_index_[0-9]*' | xargs awk '
                function done_() { if (f != "" && !(b && c)) print f }
                FNR == 1 { done_(); f = FILENAME; b = c = 0 }
                $0 == "BEGIN;" { b = 1 } $0 == "COMMIT;" { c = 1 }
                END { done_() }')
            check '[ -z "$unwrapped" ]' "$t: rollbacks run with psql -f without BEGIN;/COMMIT;: $(echo $unwrapped | cut -c1-200)" ;;
        esac
    fi

    # -- compiling again rewrites nothing, whatever the date
    snap "$proj" >"$tmp/snap0"
    cp "$lock" "$tmp/lock0"
    touch "$tmp/mark"
    expect 0 "$t: compile again with --as-of $later" -- "$PARTC" compile specs --target "$t" --out "$o" --as-of "$later"
    grep -q "0 files written" "$tmp/out" && ok || bad "$t: compiling again with --as-of $later wrote files: $(cat "$tmp/out")"
    expect 0 "$t: compile again with SOURCE_DATE_EPOCH" -- env SOURCE_DATE_EPOCH="$later_epoch" "$PARTC" compile specs --target "$t" --out "$o"
    grep -q "0 files written" "$tmp/out" && ok || bad "$t: compiling again with SOURCE_DATE_EPOCH wrote files: $(cat "$tmp/out")"
    cmp -s "$lock" "$tmp/lock0" && ok || bad "$t: compiling again changed partc.lock"
    snap "$proj" | cmp -s - "$tmp/snap0" && ok || bad "$t: compiling again changed the folder"
    check '[ -z "$(find "$proj" -newer "$tmp/mark")" ]' "$t: compiling again rewrote files: $(find "$proj" -newer "$tmp/mark" | head -1)"

    # -- check on the clean folder
    expect 0 "$t: check of a clean folder" -- "$PARTC" check specs --target "$t" --out "$o"
    grep -q "match" "$tmp/out" && ok || bad "$t: check of a clean folder does not say 'match'"
    expect 0 "$t: check with --as-of $later uses the recorded as-of" -- "$PARTC" check specs --target "$t" --out "$o" --as-of "$later"
    snap "$proj" | cmp -s - "$tmp/snap0" && ok || bad "$t: check wrote into the folder"

    # -- the default folder, from another working directory
    mkdir -p "$tmp/cwd/$t"
    cd "$tmp/cwd/$t"
    expect 0 "$t: compile without --out" -- "$PARTC" compile "$root/specs" --target "$t" --as-of "$AS_OF"
    diff -r "$tmp/cwd/$t" "$proj" >/dev/null 2>&1 && ok ||
        bad "$t: compile without --out does not write into $(defout "$t"): $(cd "$tmp/cwd/$t" && find . -maxdepth 2 | head -3 | tr '\n' ' ')"
    expect 0 "$t: check without --out" -- "$PARTC" check "$root/specs" --target "$t"
    cd "$root"

    # -- spec errors: exit 1, nothing written
    expect 1 "$t: compile of a bad spec" -- "$PARTC" compile "$tmp/specs-bad" --target "$t" --out "$tmp/never/$t" --as-of "$AS_OF"
    check '[ ! -e "$tmp/never" ]' "$t: a spec error still wrote files: $(cd "$tmp" && find never 2>/dev/null | head -2)"
    expect 1 "$t: check of a bad spec" -- "$PARTC" check "$tmp/specs-bad" --target "$t" --out "$o"
    snap "$proj" | cmp -s - "$tmp/snap0" && ok || bad "$t: check of a bad spec wrote into the folder"

    # -- check finds each kind of difference, names the file, writes nothing
    # ckcase NAME: a fresh copy of the compiled project in $w, folder $wo
    ckcase() { w=$tmp/w/$t/$1; mkdir -p "$w"; cp -R "$proj" "$w/"; wo=$w/proj/$(defout "$t"); wl=$(loc "$wo" "$lrel"); }
    # ckrun CODE WHAT FILE-LOCATION [SPECS [OPTIONS]]: check exits 1 and names it
    ckrun() {
        snap "$w" >"$tmp/snap1"
        # shellcheck disable=SC2086
        expect 1 "$t: check, $2" -- "$PARTC" check "${4:-specs}" --target "$t" --out "$wo" ${5:-}
        said "$1" "$3" && ok || bad "$t: check, $2: no [$1] at '$3': $(grep 'error:' "$tmp/err" | head -2)"
        snap "$w" | cmp -s - "$tmp/snap1" && ok || bad "$t: check, $2: check wrote into the folder"
    }
    m5=$(sed -n 5p "$tmp/pairs"); m6=$(sed -n 6p "$tmp/pairs"); m7=$(sed -n 7p "$tmp/pairs")
    f_edit=$(paths "$t" $m5 | tail -1)
    f_del=$(paths "$t" $m6 | head -1)
    f_sha=$(paths "$t" $m7 | head -1)

    ckcase edited
    echo "-- edited by hand" >>"$wo/$f_edit"
    ckrun edited "an edited file" "$(loc "$wo" "$f_edit")"

    ckcase deleted
    rm "$wo/$f_del"
    ckrun deleted "a deleted file" "$(loc "$wo" "$f_del")"

    ckcase sha
    awk -v p="$f_sha" '$1 == "file" && $6 == p { $5 = "0000000000000000000000000000000000000000000000000000000000000000" } { print }' \
        "$wl" >"$tmp/l" && cat "$tmp/l" >"$wl"
    ckrun lock-mismatch "a SHA-256 changed in the lock" "$(loc "$wo" "$f_sha")"

    ckcase drift
    # a partc whose templates differ (an upgrade of partc): the recorded
    # prepare compiles to other content; batch_size is registered there
    bf=event_impressions_prepare
    pf=$(paths "$t" "$(version_of "$lock" $bf)" $bf | head -1)
    pl=$(loc "$wo" "$pf")
    ckrun drift "a template change" "$pl" specs "--templates $tmp/tpl-drift"
    # the diff under it: the one statement that changed, with its context,
    # as diff -u shows it
    "$PARTC" compile specs --target "$t" --out "$w/new/$(defout "$t")" --as-of "$AS_OF" --templates "$tmp/tpl-drift" >/dev/null 2>&1
    newf=$(loc "$w/new/$(defout "$t")" "$pf")
    diff -u --label "$pl (on disk)" --label "$pl (from the specs)" "$pl" "$newf" >"$tmp/want-diff"
    for cmd in check compile; do
        [ "$cmd" = compile ] && { snap "$w/proj" >"$tmp/snap1"; expect 1 "$t: compile, a template change" -- \
            "$PARTC" compile specs --target "$t" --out "$wo" --as-of "$AS_OF" --templates "$tmp/tpl-drift"; }
        detail "$pl" >"$tmp/got-diff"
        cmp -s "$tmp/got-diff" "$tmp/want-diff" && ok ||
            bad "$t: $cmd, drift: the diff under [drift] is not diff -u's: $(diff "$tmp/want-diff" "$tmp/got-diff" | sed -n 2,3p)"
        printf -- '-%s\n+%s\n' "INSERT INTO partc.tables" "INSERT INTO partc.tables -- (another partc)" >"$tmp/want-changes"
        changes <"$tmp/got-diff" | cmp -s - "$tmp/want-changes" && [ "$(grep -c '^@@ ' "$tmp/got-diff")" = 1 ] && ok ||
            bad "$t: $cmd, drift: the diff does not show exactly the changed statement: $(changes <"$tmp/got-diff" | head -3)"
    done
    snap "$w/proj" | cmp -s - "$tmp/snap1" && ok || bad "$t: compile, drift: compile wrote into the folder"

    # a long diff: the first 20 lines, then how many more lines differ
    ckrun drift "a template change of every partition" "$pl" specs "--templates $tmp/tpl-wide"
    detail "$pl" >"$tmp/got-diff"
    "$PARTC" compile specs --target "$t" --out "$w/wide/$(defout "$t")" --as-of "$AS_OF" --templates "$tmp/tpl-wide" >/dev/null 2>&1
    n_all=$(diff -u --minimal "$pl" "$(loc "$w/wide/$(defout "$t")" "$pf")" | changes | wc -l)
    n_shown=$(head -20 "$tmp/got-diff" | changes | wc -l)
    more=$(sed -n '21s/^\.\.\. \([0-9]*\) more lines differ$/\1/p' "$tmp/got-diff")
    check '[ "$(wc -l <"$tmp/got-diff")" = 21 ] && [ -n "$more" ] && [ $((n_shown + more)) = "$n_all" ]' \
        "$t: check, a long diff: want 20 lines and '... $((n_all - n_shown)) more lines differ', got $(wc -l <"$tmp/got-diff") lines ending '$(tail -1 "$tmp/got-diff")'"
    head -3 "$tmp/got-diff" | sed 's/^@@ -.*/@@/' | cmp -s - "$(printf -- '--- %s (on disk)\n+++ %s (from the specs)\n@@\n' "$pl" "$pl" >"$tmp/head"; echo "$tmp/head")" && ok ||
        bad "$t: check, a long diff: it does not start with its headers and a hunk: $(head -3 "$tmp/got-diff")"

    # a change of a conversion's migrate settings once its phases are
    # written, and of its layout: refused at the spec's line, nothing written
    ckcase refused
    bl=$(grep -n 'batch_size: 5000' "$tmp/specs-drift/analytics.yaml" | head -1 | cut -d: -f1)
    sl=$(grep -n 'start: 2024-01-01' "$tmp/specs-wide/analytics.yaml" | head -1 | cut -d: -f1)
    for cmd in check compile; do
        snap "$w" >"$tmp/snap1"
        expect 1 "$t: $cmd, a change of migrate.batch_size" -- "$PARTC" $cmd "$tmp/specs-drift" --target "$t" --out "$wo" --as-of "$AS_OF"
        grep -q "^$tmp/specs-drift/analytics.yaml:$bl:.*\[change-refused\]" "$tmp/err" && ok ||
            bad "$t: $cmd, a change of migrate.batch_size: no [change-refused] at analytics.yaml:$bl: $(grep error "$tmp/err" | head -2)"
        expect 1 "$t: $cmd, a change of partition.start" -- "$PARTC" $cmd "$tmp/specs-wide" --target "$t" --out "$wo" --as-of "$AS_OF"
        grep -q "^$tmp/specs-wide/analytics.yaml:$sl:.*\[change-refused\]" "$tmp/err" && ok ||
            bad "$t: $cmd, a change of partition.start: no [change-refused] at analytics.yaml:$sl: $(grep error "$tmp/err" | head -2)"
        snap "$w" | cmp -s - "$tmp/snap1" && ok || bad "$t: $cmd, a refused change wrote into the folder"
    done

    # a table whose spec is gone: an error at its line of the lock, for
    # check and compile, and nothing written
    ckcase removed
    rl=$(awk -v n="$removed_name" '$1 == "file" && $3 == n { print NR; exit }' "$wl")
    for cmd in check compile; do
        snap "$w" >"$tmp/snap1"
        expect 1 "$t: $cmd, a removed table" -- "$PARTC" "$cmd" "$tmp/specs-less" --target "$t" --out "$wo" --as-of "$AS_OF"
        said removed "$wl:$rl" && ok || bad "$t: $cmd, a removed table: no [removed] at $wl:$rl: $(grep 'error:' "$tmp/err" | head -2)"
        check '[ "$(grep -c "\[removed\]" "$tmp/err")" = 1 ] && [ "$(grep -c "error:" "$tmp/err")" = 1 ]' \
            "$t: $cmd, a removed table: want one error, got: $(grep 'error:' "$tmp/err" | head -3)"
        grep -q "records migration '$removed_name' (version $(version_of "$wl" $removed_name)), but no spec compiles to it" "$tmp/err" &&
            grep -q "^  hint: .*keep its spec and say drop: true in it" "$tmp/err" && ok ||
            bad "$t: $cmd, a removed table: the message or hint is not the one documented: $(grep -A1 '\[removed\]' "$tmp/err")"
        check '[ ! -s "$tmp/out" ]' "$t: $cmd, a removed table: printed a summary: $(cat "$tmp/out")"
        snap "$w" | cmp -s - "$tmp/snap1" && ok || bad "$t: $cmd, a removed table: wrote into the folder"
    done

    ckcase not-emitted
    snap "$w" >"$tmp/snap1"
    expect 1 "$t: check, a new table" -- "$PARTC" check "$tmp/specs-new" --target "$t" --out "$wo"
    grep '\[not-emitted\]' "$tmp/err" | cut -d: -f1 | grep -q "$new_name" && ok ||
        bad "$t: check, a new table: no [not-emitted] naming $new_name: $(grep 'error:' "$tmp/err" | head -2)"
    snap "$w" | cmp -s - "$tmp/snap1" && ok || bad "$t: check, a new table: check wrote into the folder"

    ckcase bad-lock
    echo "file garbage" >>"$wl"
    ckrun bad-lock "a malformed lock line" "$wl:$(wc -l <"$wl" | tr -d ' ')"

    ckcase other-target
    other=plain; [ "$t" = plain ] && other=sqlx
    awk -v t="$t" -v o="$other" '$0 == "target " t { $0 = "target " o } { print }' "$wl" >"$tmp/l" && cat "$tmp/l" >"$wl"
    grep -qx "target $other" "$wl" || bad "$t: could not change the lock's target"
    snap "$w" >"$tmp/snap1"
    expect 1 "$t: check, a lock for target $other" -- "$PARTC" check specs --target "$t" --out "$wo"
    grep -q '\[bad-lock\]' "$tmp/err" && ok || bad "$t: check, a lock for target $other: no [bad-lock]"
    snap "$w" | cmp -s - "$tmp/snap1" && ok || bad "$t: check, a lock for another target: check wrote into the folder"

    if [ "$t" = prisma ]; then
        ckcase no-toml
        rm "$wo/migration_lock.toml"
        ckrun missing-support-file "migration_lock.toml deleted" "$wo/migration_lock.toml"
        ckcase mysql-toml
        printf '# Prisma\nprovider = "mysql"\n' >"$wo/migration_lock.toml"
        ckrun wrong-support-file "migration_lock.toml for mysql" "$wo/migration_lock.toml"
    fi

    # -- a new table: only its files are written, under a newer version
    if [ "$t" = plain ]; then user_v=0100; else user_v=20300101000000; fi
    for variant in plain-folder user-file; do
        ckcase "new-$variant"
        [ "$variant" = user-file ] && mkdir -p "$(dirname "$wo/$(user_file "$t" "$user_v")")" &&
            echo "SELECT 1;" >"$wo/$(user_file "$t" "$user_v")"
        files "$wo" | LC_ALL=C sort >"$tmp/old-files"
        (cd "$wo" && files . | grep -v '^partc\.lock$' | xargs $SHA) >"$tmp/old-sums"
        grep '^file ' "$wl" | LC_ALL=C sort >"$tmp/old-lines"
        max=$(awk '$1 == "file" { print $2 }' "$wl" | LC_ALL=C sort | tail -1)
        [ "$variant" = user-file ] && max=$user_v
        expect 0 "$t: compile a new table ($variant)" -- "$PARTC" compile "$tmp/specs-new" --target "$t" --out "$wo" --as-of "$AS_OF"
        newv=$(version_of "$wl" "$new_name")
        if [ -z "$newv" ]; then bad "$t: the new table is not in the lock ($variant)"; continue; fi
        check '[ ${#newv} = ${#max} ] && [ "$(printf "%s\n%s\n" "$max" "$newv" | LC_ALL=C sort | tail -1)" = "$newv" ] && [ "$newv" != "$max" ]' \
            "$t: new version $newv is not after $max ($variant)"
        paths "$t" "$newv" "$new_name" | LC_ALL=C sort >"$tmp/new-want"
        n_new=$(wc -l <"$tmp/new-want" | tr -d ' ')
        grep -q ": $n_new files* written" "$tmp/out" && ok || bad "$t: a new table: want '$n_new files written': $(cat "$tmp/out")"
        files "$wo" | LC_ALL=C sort | LC_ALL=C comm -13 "$tmp/old-files" - >"$tmp/new-have"
        cmp -s "$tmp/new-want" "$tmp/new-have" && ok ||
            bad "$t: a new table wrote $(echo $(cat "$tmp/new-have")), want $(echo $(cat "$tmp/new-want")) ($variant)"
        (cd "$wo" && $SHA -c "$tmp/old-sums" >/dev/null 2>&1) && ok ||
            bad "$t: a new table changed existing files ($variant)"
        grep '^file ' "$wl" | LC_ALL=C sort | LC_ALL=C comm -23 "$tmp/old-lines" - | grep -q . &&
            bad "$t: a new table changed recorded lock lines ($variant)" || ok
        got=$(grep '^file ' "$wl" | LC_ALL=C sort | LC_ALL=C comm -13 "$tmp/old-lines" - | awk '{ print $6 }' | LC_ALL=C sort)
        check '[ "$got" = "$(cat "$tmp/new-want")" ]' "$t: the lock's new lines are not the new table's files ($variant)"
        expect 0 "$t: check after a new table ($variant)" -- "$PARTC" check "$tmp/specs-new" --target "$t" --out "$wo"

        if [ "$variant" = plain-folder ]; then
            # the same, with a file of the user's where the new migration goes: refused
            ckcase overwrite-locked
            first_new=$(paths "$t" "$newv" "$new_name" | head -1)
            mkdir -p "$(dirname "$wo/$first_new")"
            echo "-- mine" >"$wo/$first_new"
            snap "$w" >"$tmp/snap1"
            expect 1 "$t: compile over a file of the user's (lock present)" -- "$PARTC" compile "$tmp/specs-new" --target "$t" --out "$wo" --as-of "$AS_OF"
            said would-overwrite "$(loc "$wo" "$first_new")" && ok || bad "$t: no [would-overwrite] at $first_new: $(grep 'error:' "$tmp/err" | head -2)"
            snap "$w" | cmp -s - "$tmp/snap1" && ok || bad "$t: a refused compile (lock present) changed the folder or the lock"
        fi
    done

    # -- never overwrite, into a fresh folder
    f_last=$(paths "$t" $(tail -1 "$tmp/pairs") | head -1)
    w=$tmp/w/$t/overwrite; wo=$w/proj/$(defout "$t")
    mkdir -p "$(dirname "$(loc "$wo" "$f_last")")" "$wo"
    echo "-- mine" >"$(loc "$wo" "$f_last")"
    snap "$w" >"$tmp/snap1"
    expect 1 "$t: compile over a file of the user's" -- "$PARTC" compile specs --target "$t" --out "$wo" --as-of "$AS_OF"
    said would-overwrite "$(loc "$wo" "$f_last")" && ok || bad "$t: no [would-overwrite] at $f_last: $(grep 'error:' "$tmp/err" | head -2)"
    snap "$w" | cmp -s - "$tmp/snap1" && ok || bad "$t: a refused compile wrote files"

    # -- atomic: a write that fails midway leaves the folder as it was.  The
    # lock is written last: its temporary name is made to lead to /dev/full.
    if [ -c /dev/full ]; then
        for variant in fresh locked; do
            w=$tmp/w/$t/full-$variant; wo=$w/proj/$(defout "$t")
            if [ "$variant" = fresh ]; then mkdir -p "$wo"; echo keep >"$wo/keep.txt"; sp=specs
            else mkdir -p "$w"; cp -R "$proj" "$w/"; sp=$tmp/specs-new; fi
            snap_mig >"$tmp/snap1"
            wl=$(loc "$wo" "$lrel")
            sh -c 'ln -s /dev/full "$0.partc-tmp-$$" && exec "$@"' "$wl" \
                "$PARTC" compile "$sp" --target "$t" --out "$wo" --as-of "$AS_OF" >"$tmp/out" 2>"$tmp/err"
            got=$?
            if [ "$got" = 0 ] && [ -h "$wl.partc-tmp-"* ]; then
                echo "note: $PARTC is not exec'd as itself (a wrapper?): the /dev/full test is skipped"
                continue
            fi
            check '[ "$got" = 3 ]' "$t: compile that cannot write partc.lock ($variant): exit $got, want 3"
            snap_mig | cmp -s - "$tmp/snap1" && ok || bad "$t: a failed write changed the folder ($variant): $(snap_mig | diff "$tmp/snap1" - | sed -n 2p)"
            check '[ -z "$(find "$w" -name "*.partc-tmp-*")" ]' "$t: temporary files left ($variant)"
        done
    fi
done

# ---- atomic: no rollbacks folder can be made beside the migrations ----------

for t in supabase prisma; do
    w=$tmp/w/$t/rollbacks-file; wo=$w/proj/$(defout "$t")
    mkdir -p "$wo"
    echo keep >"$wo/keep.txt"
    echo "not a folder" >"$(dirname "$wo")/rollbacks"
    snap_mig >"$tmp/snap1"
    expect 3 "$t: compile with a file named rollbacks" -- "$PARTC" compile specs --target "$t" --out "$wo" --as-of "$AS_OF"
    snap_mig | cmp -s - "$tmp/snap1" && ok ||
        bad "$t: a failed write changed the folder: $(snap_mig | diff "$tmp/snap1" - | sed -n 2p)"
    check '[ -z "$(find "$w" -name "*.partc-tmp-*")" ]' "$t: temporary files left after a failed write"
done

# ---- 14-digit folders: foreign versions, where new versions come from ------

for t in $ts14_targets; do
    lrel=$(cat "$tmp/lrel-$t" 2>/dev/null) || { bad "$t: no partc.lock: 14-digit tests skipped"; continue; }
    # a migration numbered 0001 among 14-digit versions
    w=$tmp/w/$t/mixed; wo=$w/proj/$(defout "$t")
    case $t in flyway) foreign=V1__init.sql ;; *) foreign=$(user_file "$t" 0001) ;; esac
    mkdir -p "$(dirname "$wo/$foreign")"
    echo "SELECT 1;" >"$wo/$foreign"
    snap "$w" >"$tmp/snap1"
    expect 1 "$t: compile beside $foreign" -- "$PARTC" compile specs --target "$t" --out "$wo" --as-of "$AS_OF"
    grep -q '\[mixed-versions\]' "$tmp/err" && ok || bad "$t: no [mixed-versions] beside $foreign"
    snap "$w" | cmp -s - "$tmp/snap1" && ok || bad "$t: [mixed-versions] still wrote files"

    # new versions: --as-of, else SOURCE_DATE_EPOCH, else the clock
    sde_v=$((year + 5))0101000000
    sde=$(epoch "$sde_v")
    wo=$tmp/w/$t/sde/proj/$(defout "$t")
    expect 0 "$t: compile with SOURCE_DATE_EPOCH" -- env SOURCE_DATE_EPOCH="$sde" "$PARTC" compile "$tmp/specs-zz" --target "$t" --out "$wo"
    check '[ "$(version_of "$(loc "$wo" "$lrel")" $new_name)" = $sde_v ]' \
        "$t: SOURCE_DATE_EPOCH $sde gives version $(version_of "$(loc "$wo" "$lrel")" $new_name), want $sde_v"
    wo=$tmp/w/$t/asof-wins/proj/$(defout "$t")
    expect 0 "$t: compile with --as-of and SOURCE_DATE_EPOCH" -- env SOURCE_DATE_EPOCH="$sde" "$PARTC" compile "$tmp/specs-zz" --target "$t" --out "$wo" --as-of $((year + 4))-05-05
    check '[ "$(version_of "$(loc "$wo" "$lrel")" $new_name)" = $((year + 4))0505000000 ]' \
        "$t: --as-of $((year + 4))-05-05 gives version $(version_of "$(loc "$wo" "$lrel")" $new_name), want $((year + 4))0505000000"
    wo=$tmp/w/$t/clock/proj/$(defout "$t")
    before=$(date -u +%Y%m%d%H%M%S)
    expect 0 "$t: compile by the clock" -- "$PARTC" compile "$tmp/specs-zz" --target "$t" --out "$wo"
    after=$(date -u +%Y%m%d%H%M%S)
    v=$(version_of "$(loc "$wo" "$lrel")" $new_name)
    check '[ -n "$v" ] && [ "$v" -ge "$before" ] && [ "$v" -le "$after" ]' "$t: clock version $v is not between $before and $after"
    # an existing folder: SOURCE_DATE_EPOCH names the new migration, old ones keep theirs
    w=$tmp/w/$t/sde-locked; wo=$w/proj/$(defout "$t")
    mkdir -p "$w"; cp -R "$tmp/ref/$t/proj" "$w/"
    grep '^file ' "$(loc "$wo" "$lrel")" >"$tmp/old-lines"
    expect 0 "$t: compile a new table with SOURCE_DATE_EPOCH" -- env SOURCE_DATE_EPOCH="$sde" "$PARTC" compile "$tmp/specs-new" --target "$t" --out "$wo"
    check '[ "$(version_of "$(loc "$wo" "$lrel")" $new_name)" = $sde_v ]' \
        "$t: SOURCE_DATE_EPOCH gives the new table version $(version_of "$(loc "$wo" "$lrel")" $new_name), want $sde_v"
    grep -qvxFf "$(loc "$wo" "$lrel")" "$tmp/old-lines" && bad "$t: SOURCE_DATE_EPOCH changed recorded lines" || ok
done

repo_after=$(snap specs; snap out)
check '[ "$repo_before" = "$repo_after" ]' "the repository's specs/ or out/ changed"

echo "targets: $passed passed, $failed failed"
[ "$failed" = 0 ]
