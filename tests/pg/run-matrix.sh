#!/bin/sh
# tests/pg/run-matrix.sh [MAJOR...]: the examples and every golden case on
# each PostgreSQL major partc supports other than 15 (which run-all.sh
# covers): 13, 14, 16, 17, 18 by default.  For each major the specs are
# compiled again with --postgres MAJOR, so the files are what partc emits for
# that server; then check_migrations.sh applies, checks, rolls back, compares
# and applies again on a cluster of that major (servers from servers.sh).  A
# spec that partc refuses for a major must be refused with [unsupported] and
# the major it needs: that is a pass, printed as "refused".  The golden
# cases of a change of a spec (change-*) run on the majors that
# PARTC_MATRIX_CHANGES names (default 14 17 18).
# PARTC_PG_ONLY (a shell pattern) keeps the names that match it.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PARTC=${PARTC:-$root/partc}
AS_OF=${AS_OF:-2026-11-22}
# the examples' converted tables with 2,000 rows each (run-all.sh proves
# them with the setup's 20,000): what this suite proves is not the copy
PARTC_PG_SETUP_ROWS=${PARTC_PG_SETUP_ROWS:-2000}
export PARTC_PG_SETUP_ROWS
. "$here/lib.sh"
[ $# -gt 0 ] || set -- 13 14 16 17 18
passed=0
failed=0
servers=$(sh "$here/servers.sh" "$@") || { echo "run-matrix: servers.sh failed"; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/partc-matrix.XXXXXX") || exit 1

# compile NAME DIR ARGS...: compile in DIR; 0 = files in DIR/got, 1 = refused
# as unsupported (said), 2 = failed (said).  ARGS are a case's cmd, which may
# run partc more than once ("$PARTC" ... && "$PARTC" ...): every run gets
# --postgres MAJOR.
compile() {
    _n=$1
    _d=$2
    shift 2
    printf '#!/bin/sh\nexec "%s" "$@" --postgres "%s"\n' "$PARTC" "$major" >"$work/partc-major"
    chmod +x "$work/partc-major"
    if (cd "$_d" && PARTC=$work/partc-major && eval "\"\$PARTC\" $*" >"$_d/.out" 2>&1); then
        return 0
    fi
    if grep -q "needs PostgreSQL" "$_d/.out" && grep -q "\[unsupported\]" "$_d/.out"; then
        echo "ok $_n: refused: $(grep -m1 'needs PostgreSQL' "$_d/.out" | sed 's/^[^ ]*: error: //')"
        return 1
    fi
    echo "FAIL $_n: compile with --postgres $major"
    sed 's/^/    /' "$_d/.out" | head -20
    return 2
}

count() { if [ "$1" = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi; }

# prove NAME DIR SETUP ASSERT ARGS...: compile ARGS in DIR for $major, then
# check_migrations.sh on DIR/got; counted.
prove() {
    _pn=$1; _pd=$2; _ps=$3; _pa=$4
    shift 4
    compile "$_pn" "$_pd" "$@"
    _rc=$?
    if [ "$_rc" = 0 ]; then
        sh "$here/check_migrations.sh" "$_pn" "$_pd/got" "$_ps" "$_pa"
        _rc=$?
    elif [ "$_rc" = 1 ]; then
        _rc=0
    fi
    count "$_rc"
}

echo "$servers" | while read -r major bin; do echo "PostgreSQL $major: $bin"; done
for major in "$@"; do
    bin=$(echo "$servers" | sed -n "s/^$major //p")
    PARTC_PG_SERVER_BIN=$bin
    export PARTC_PG_SERVER_BIN
    pg_start || { failed=$((failed + 1)); continue; }
    tag="@pg$major"
    # the examples
    name="examples$tag"
    case "$name" in ${PARTC_PG_ONLY:-*})
        d="$work/examples$major"
        mkdir -p "$d"
        prove "$name" "$d" "$here/examples/setup.sql" "$here/examples/assert.sql" \
            compile "$root/specs" --as-of "$AS_OF" --out got
    esac
    for dir in "$root"/tests/cases/*/; do
        ls "$dir/expected/"*.up.sql >/dev/null 2>&1 || continue
        case_name=$(basename "$dir")
        name="case_$case_name$tag"
        case "$name" in ${PARTC_PG_ONLY:-*}) ;; *) continue ;; esac
        # a change of a spec: on 14 (the oldest that converts and refuses NOT
        # VALID foreign keys on a partitioned table), 17 (identity changed)
        # and 18 (accepts them), besides 15 in run-all.sh
        case "$case_name" in change-*)
            case " ${PARTC_MATRIX_CHANGES:-14 17 18} " in *" $major "*) ;; *) continue ;; esac
        esac
        d="$work/$case_name-$major"
        mkdir -p "$d"
        cp -R "$dir/." "$d/"
        rm -rf "$d/expected" "$d/got"
        setup=""; [ -f "$dir/setup.sql" ] && setup="$dir/setup.sql"
        assert=""; [ -f "$dir/assert.sql" ] && assert="$dir/assert.sql"
        prove "$name" "$d" "$setup" "$assert" "$(cat "$dir/cmd")"
    done
    # a conversion under concurrent writers on the oldest and the newest
    # major that support conversions (50,000 rows: run-all.sh converts
    # 200,000 on 15; here it is each server's behaviour that is proven)
    case " ${PARTC_MATRIX_LOAD:-14 18} " in *" $major "*)
        case "convert_load$tag" in ${PARTC_PG_ONLY:-*})
            CONVERT_LOAD_ROWS=${CONVERT_LOAD_ROWS:-50000} PARTC_POSTGRES=$major sh "$here/test_convert_load.sh" >"$work/load.out" 2>&1
            count $?
            sed "1s/^\(ok\|FAIL\) convert_load/\1 convert_load$tag/" "$work/load.out"
        esac
    esac
    # a conversion by attach under writers where identity on partitions
    # changed (17): the table gives its identity up at the swap
    case " ${PARTC_MATRIX_ATTACH:-18} " in *" $major "*)
        case "convert_attach$tag" in ${PARTC_PG_ONLY:-*})
            CONVERT_ATTACH_ROWS=${CONVERT_ATTACH_ROWS:-20000} PARTC_POSTGRES=$major sh "$here/test_convert_attach.sh" >"$work/attach.out" 2>&1
            count $?
            sed "1s/^\(ok\|FAIL\) convert_attach/\1 convert_attach$tag/" "$work/attach.out"
        esac
    esac
    pg_stop
done
rm -rf "$work"
echo "postgres-matrix: $passed passed, $failed failed"
[ "$failed" = 0 ]
