#!/bin/sh
# squawk (the migration linter users run in CI, npm's squawk-cli, pinned)
# over every file partc emits for the examples and the golden cases: the
# plain layout compiled for each major from 13 to 18 (--pg-version N), and
# every runner target's layout as its runner applies it (one transaction per
# file: --assume-in-transaction; rollbacks that hold their own BEGIN/COMMIT
# and run with psql -f, without it).  A finding fails unless
# tests/squawk.allow explains it: rule, kind of file (phase.direction, e.g.
# create.up, prepare.down), as extended regular expressions, and the reason,
# tab-separated.  Prints what it found per rule and kind.
# Env: PARTC, AS_OF, PARTC_TOOLS_CACHE (where squawk is installed).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
PARTC=${PARTC:-$root/partc}
AS_OF=${AS_OF:-2026-11-22}
SQUAWK_VERSION=2.66.0

if [ -n "${PARTC_TOOLS_CACHE:-}" ]; then cache=$PARTC_TOOLS_CACHE
elif [ "$(id -u)" = 0 ]; then cache=/var/cache/partc/tools
else cache=${XDG_CACHE_HOME:-$HOME/.cache}/partc-tools
fi
dir=$cache/squawk-$SQUAWK_VERSION
squawk=$dir/node_modules/@squawk-cli/linux-x64/bin/squawk
if [ ! -x "$squawk" ] || [ ! -f "$dir/.complete" ]; then
    command -v npm >/dev/null || { echo "squawk: npm is needed to install squawk-cli (Debian's npm)"; exit 1; }
    echo "squawk: installing squawk-cli $SQUAWK_VERSION from the npm registry into $dir" >&2
    rm -rf "$dir" && mkdir -p "$dir" &&
        npm install --ignore-scripts --no-audit --no-fund --no-save --prefix "$dir" \
            "squawk-cli@$SQUAWK_VERSION" >&2 &&
        [ -x "$squawk" ] && touch "$dir/.complete" ||
        { echo "squawk: cannot install squawk-cli $SQUAWK_VERSION"; exit 1; }
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
: >"$work/findings"
nfiles=0
nsame=0

# lint LABEL FLAGS FILE...: squawk's findings as "label<TAB>kind<TAB>rule<TAB>file:line: message".
lint() {
    _label=$1
    _flags=$2
    shift 2
    # a file with the same content and flags as one linted already (the
    # runtime's migration of every case) has the same findings: once is enough
    _keep=""
    for _f in "$@"; do
        _k="$(printf '%s' "$_flags" | tr ' ' '_') $(sha256sum <"$_f" | cut -c1-64)"
        if grep -qxF -e "$_k" "$work/linted" 2>/dev/null; then
            nsame=$((nsame + 1))
            continue
        fi
        echo "$_k" >>"$work/linted"
        _keep="$_keep $_f"
    done
    # shellcheck disable=SC2086 # file names without spaces
    set -- $_keep
    [ $# -gt 0 ] || return 0
    nfiles=$((nfiles + $#))
    # shellcheck disable=SC2086 # _flags is a list of options
    "$squawk" $_flags --reporter gcc "$@" >"$work/out" 2>&1
    _rc=$?
    if [ "$_rc" != 0 ] && ! grep -q ': warning: \|: error: ' "$work/out"; then
        echo "FAIL squawk $_label: squawk exited $_rc"
        sed 's/^/    /' "$work/out" | head -20
        echo "x" >>"$work/broken"
        return 0
    fi
    grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error):? ' "$work/out" | while IFS= read -r line; do
        f=${line%%:*}
        rest=${line#*:}
        ln=${rest%%:*}
        rule=$(printf '%s\n' "$line" | sed -E 's/^[^ ]+ (warning|error):? ([a-z0-9-]+) .*/\2/')
        base=$(basename "$f")
        case "$base" in
            *_prepare*) phase=prepare ;; *_backfill*) phase=backfill ;; *_swap*) phase=swap ;;
            *_cleanup*) phase=cleanup ;; *partc_runtime_v[0-9]*) phase=create ;; *_v[0-9]*) phase=change ;; *) phase=create ;;
        esac
        dirn=up
        case "$f" in
            *.down.sql | */rollbacks/* | */U[0-9]*) dirn=down ;;
        esac
        d=$(grep -n '^-- migrate:down' "$f" 2>/dev/null | head -n 1 | cut -d: -f1)
        [ -n "$d" ] && [ "$ln" -gt "$d" ] && dirn=down
        printf '%s\t%s.%s\t%s\t%s\n' "$_label" "$phase" "$dirn" "$rule" "${line#"$work"/}" >>"$work/findings"
    done
}

sqlfiles() { find "$1" -name '*.sql' -type f | LC_ALL=C sort; }

# compile NAME SPEC... -- ARGS: into $work/NAME; 0 when it compiled
compile_into() {
    _o=$work/$1
    shift
    "$PARTC" compile "$@" --out "$_o" --as-of "$AS_OF" >"$work/compile.out" 2>&1
}

cases=""
for d in "$root"/tests/cases/*/; do
    ls "$d/expected/"*.up.sql >/dev/null 2>&1 && cases="$cases $d"
done

for major in 13 14 15 16 17 18; do
    if compile_into "plain-$major-examples" "$root/specs" --postgres "$major"; then
        # shellcheck disable=SC2046 # file names without spaces
        lint "plain pg$major" "--pg-version $major.0" $(sqlfiles "$work/plain-$major-examples")
    fi
    for d in $cases; do
        n=$(basename "$d")
        compile_into "plain-$major-$n" "$d/spec" --postgres "$major" || continue
        # shellcheck disable=SC2046
        lint "plain pg$major" "--pg-version $major.0" $(sqlfiles "$work/plain-$major-$n")
    done
done

# the change migrations of the cases that compile a spec after an earlier
# version (they are not compiled from one spec): as the cases hold them
for d in $cases; do
    chg=$(find "$d/expected" -name '*_v[0-9]*.sql' -type f ! -name '*partc_runtime_v*' | LC_ALL=C sort)
    # shellcheck disable=SC2086
    [ -z "$chg" ] || lint "plain changes" "--pg-version 15.0" $chg
done

for target in supabase prisma sqlx golang-migrate dbmate flyway; do
    compile_into "$target" "$root/specs" --target "$target" || { echo "FAIL squawk: compile --target $target"; cat "$work/compile.out"; exit 1; }
    # what the runner applies, each file in one transaction, except the
    # files marked to run outside one (dbmate's transaction:false, sqlx's
    # -- no-transaction, a Flyway .conf with executeInTransaction=false)
    sqlfiles "$work/$target" | grep -v '/rollbacks/' | grep -v '/U[0-9][^/]*$' >"$work/applied"
    : >"$work/notx"
    while IFS= read -r f; do
        if grep -qE '^-- (no-transaction|migrate:up transaction:false)$' "$f" ||
                grep -qx 'executeInTransaction=false' "$f.conf" 2>/dev/null; then
            echo "$f" >>"$work/notx"
        fi
    done <"$work/applied"
    # shellcheck disable=SC2046
    lint "$target" "--pg-version 15.0 --assume-in-transaction" $(grep -vxFf "$work/notx" "$work/applied")
    # shellcheck disable=SC2046
    [ ! -s "$work/notx" ] || lint "$target" "--pg-version 15.0" $(cat "$work/notx")
    # rollbacks run with psql -f, holding their own transaction
    # shellcheck disable=SC2046
    lint "$target rollbacks" "--pg-version 15.0" \
        $(sqlfiles "$work/$target" | grep -E '/rollbacks/|/U[0-9][^/]*$')
done

# compare with the allow list
awk -F '\t' -v allow="$here/squawk.allow" '
    BEGIN {
        n = 0
        while ((getline line < allow) > 0) {
            if (line ~ /^#/ || line == "") continue
            split(line, f, "\t")
            rule[n] = f[1]; kind[n] = f[2]; n++
        }
    }
    {
        ok = 0
        for (i = 0; i < n; i++)
            if ($3 ~ ("^(" rule[i] ")$") && $2 ~ ("^(" kind[i] ")$")) { ok = 1; break }
        key = $3 " in " $2
        count[key]++
        if (!ok) { bad++; print "FAIL squawk " $1 ": " $4 > "/dev/stderr"; unexplained[key]++ }
    }
    END {
        for (k in count) printf "  %4d %s%s\n", count[k], k, (k in unexplained ? " (not in tests/squawk.allow)" : "") | "sort -k2"
        close("sort -k2")
        exit bad > 0
    }' "$work/findings" 2>"$work/bad"
rc=$?
head -40 "$work/bad"
total=$(wc -l <"$work/findings" | tr -d ' ')
echo "squawk $SQUAWK_VERSION: $nfiles files (and $nsame identical to one linted already), $total findings, $(wc -l <"$work/bad" | tr -d ' ') not explained by tests/squawk.allow"
[ "$rc" = 0 ] && [ ! -f "$work/broken" ]
