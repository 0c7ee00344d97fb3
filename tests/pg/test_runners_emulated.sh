#!/bin/sh
# sqlx, golang-migrate, Prisma and Flyway cannot run here (no crates, Go
# modules, engine downloads or Maven), so each target's folder is proven the
# way its runner works:
#   names   every file matches the runner's own name pattern, and the
#           runner's order (numeric versions; Prisma: folder names) is the
#           order partc.lock records;
#   apply   every file goes to the server as the runner sends it, one
#           simple-query message (build/pgexec): sqlx and Flyway inside
#           BEGIN/COMMIT unless the file carries the runner's marker
#           (sqlx "-- no-transaction" first line, Flyway .sql.conf with
#           executeInTransaction=false), golang-migrate and Prisma alone;
#   prove   check_migrations.sh on the examples, and on the golden case of
#           conversions by attach: up, invariants, asserts, every rollback
#           back to the baseline schema, up again.
# Runs inside the cluster of run-all.sh.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PARTC=${PARTC:-$root/partc}
PGEXEC=${PGEXEC:-$root/build/pgexec}
AS_OF=${AS_OF:-2026-11-22}
# the examples' converted tables with 2,000 rows each (run-all.sh proves
# them with the setup's 20,000): what this suite proves is not the copy
PARTC_PG_SETUP_ROWS=${PARTC_PG_SETUP_ROWS:-2000}
export PARTC_PG_SETUP_ROWS
export PGEXEC
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
status=0
fail() { echo "FAIL runners-emulated $1: $2"; status=1; }

[ -x "$PGEXEC" ] || { echo "FAIL runners-emulated: no $PGEXEC (make build/pgexec)"; exit 1; }

# pattern TARGET: the runner's file-name pattern (ERE) for what partc writes
# into its folder (partc.lock and Prisma's migration_lock.toml aside).
pattern() {
    case $1 in
        sqlx) echo '^[0-9]+_[^/]+\.(up|down)\.sql$' ;;
        golang-migrate) echo '^[0-9]+_[^/]*\.(up|down)\.[^/]+$' ;;
        prisma) echo '^[0-9]{14}_[A-Za-z0-9_]+/migration\.sql$' ;;
        flyway) echo '^[VU][0-9]+(\.[0-9]+)*__[A-Za-z0-9_]+\.sql(\.conf)?$' ;;
    esac
}

# prove T LABEL SPECS SETUP ASSERT: one target's folder of one spec set
prove() {
    t=$1
    label=$2
    work="$tmp/$t$label"
    mkdir -p "$work"
    (cd "$work" && cp -R "$3" specs &&
        "$PARTC" compile specs --target "$t" --as-of "$AS_OF" >/dev/null 2>"$work/err") ||
        { fail "$t$label" "compile: $(head -n 1 "$work/err")"; return; }
    case $t in
        prisma) dir="$work/prisma/migrations" ;;
        flyway) dir="$work/db/migration" ;;
        *) dir="$work/migrations" ;;
    esac
    lock="$dir/partc.lock"
    [ -f "$lock" ] || { fail "$t$label" "no partc.lock in $dir"; return; }

    # names
    (cd "$dir" && find . -type f ! -name partc.lock ! -name migration_lock.toml | sed 's|^\./||' | sort) >"$work/files"
    bad=$(grep -Ev "$(pattern "$t")" "$work/files" | head -n 3)
    [ -z "$bad" ] || { fail "$t$label" "names the runner does not read: $bad"; return; }
    # the runner's order of the migrations against the record's
    awk '$1 == "file" && !seen[$2]++ { print $2 "_" $3 }' "$lock" >"$work/recorded"
    case $t in
        prisma) sed 's|/migration\.sql$||' "$work/files" | sort -u >"$work/order" ;;
        flyway) sed -n 's/^V\([0-9]*\)__\(.*\)\.sql$/\1 \1_\2/p' "$work/files" | sort -n -k1,1 | cut -d' ' -f2 >"$work/order" ;;
        *) sed -n 's/^\([0-9]*\)_\(.*\)\.up\.[^.]*$/\1 \1_\2/p' "$work/files" | sort -n -k1,1 | cut -d' ' -f2 >"$work/order" ;;
    esac
    cmp -s "$work/recorded" "$work/order" || { fail "$t$label" "the runner's order differs from partc.lock"; return; }
    if [ "$t" = prisma ]; then
        grep -qx 'provider = "postgresql"' "$dir/migration_lock.toml" ||
            { fail "$t$label" "migration_lock.toml does not name the postgresql provider"; return; }
    fi

    # one NNNN_<name>.up.sql/.down.sql pair per migration, with its mode
    norm="$work/norm"
    mkdir -p "$norm"
    i=0
    while read -r m; do
        i=$((i + 1))
        n=$(printf '%04d_%s' "$i" "${m#*_}")
        v=${m%%_*}
        case $t in
            sqlx | golang-migrate) up="$dir/$m.up.sql" down="$dir/$m.down.sql" ;;
            prisma) up="$dir/$m/migration.sql" down="$dir/../rollbacks/$m.down.sql" ;;
            flyway) up="$dir/V${v}__${m#*_}.sql" down="$dir/U${v}__${m#*_}.sql" ;;
        esac
        for pair in "up $up" "down $down"; do
            dirn=${pair%% *}
            f=${pair#* }
            [ -f "$f" ] || { fail "$t$label" "missing $f"; return; }
            cp "$f" "$norm/$n.$dirn.sql"
            case $t in
                sqlx) if head -n 1 "$f" | grep -qx -- '-- no-transaction'; then mode=alone; else mode=tx; fi ;;
                flyway) if grep -qx 'executeInTransaction=false' "$f.conf" 2>/dev/null; then mode=alone; else mode=tx; fi ;;
                *) mode=simple ;;
            esac
            echo "$mode" >"$norm/$n.$dirn.sql.mode"
        done
    done <"$work/recorded"
    nalone=$(cat "$norm"/*.mode | grep -c alone)
    case $t in
        sqlx | flyway) [ "$nalone" -gt 0 ] || { fail "$t$label" "no file carries the no-transaction marker"; return; } ;;
    esac
    if ! PARTC_PG_APPLY=runner sh "$here/check_migrations.sh" "runner_$t${label#-}" "$norm" \
            "$4" "$5" >"$work/check" 2>&1; then
        fail "$t$label" "$(head -n 1 "$work/check")"
        sed -n '2,30p' "$work/check"
        return
    fi
    case $t in
        sqlx | flyway) echo "ok runners-emulated $t$label ($i migrations, $nalone files marked to run outside a transaction)" ;;
        *) echo "ok runners-emulated $t$label ($i migrations, each file one simple query)" ;;
    esac
}

# the examples, and the golden case of conversions by attach (its concurrent
# index builds are files that run outside a transaction)
attach=$root/tests/cases/convert-attach
for t in sqlx golang-migrate prisma flyway; do
    prove "$t" "" "$root/specs" "$here/examples/setup.sql" "$here/examples/assert.sql"
    prove "$t" "-attach" "$attach/spec" "$attach/setup.sql" "$attach/assert.sql"
done
exit $status
