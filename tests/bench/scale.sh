#!/bin/sh
# tests/bench/scale.sh: how partc lint, compile and check scale with the size
# of the spec set.  Run by `make bench`.  It builds nothing: PARTC names the
# binary (default ./partc of the repository).  Settings (environment):
#   PARTC=path            the partc binary (default <repo>/partc)
#   SCALE_SIZES="A B"     table counts (default "1000 10000"); the ratios and
#                         the goals compare the last size with the first
#   SCALE_RUNS=R          timed runs of compile and check per size; the best
#                         wall time counts (default 3)
#   SCALE_LINT_RUNS=L     timed runs of lint per size (default 5: it is quick,
#                         and the goals are about it)
#
# For every size, tests/bench/gen_specs.sh writes a spec set of that many
# tables (100 per file) into a temporary folder, then:
#   lint     partc lint DIR --as-of 2026-11-22                  (L runs)
#   compile  partc compile DIR --as-of 2026-11-22 --out FOLDER  (R runs, each
#            into a folder that does not exist yet: every file is written;
#            the folders are removed once the size is done)
#   check    partc check DIR --as-of 2026-11-22 --out FOLDER    (R runs on
#            the folder compile wrote; for information)
# Wall time: the clock (date +%s%N) around the command, best of the runs.
# The first run of each goes through GNU time (/usr/bin/time, Debian package
# `time`) for the user and system CPU time (10 ms steps) and the peak RSS
# (%M, maximum resident set size); the others run bare, so that its few
# milliseconds do not count against the small spec set.  The machine may be
# shared: the CPU times and the load average say how much of a wall time was
# waiting.
# compile's wall and system time are mostly the file system's (an fsync per
# file written, as partc writes atomically).
#
# Figures are printed, never judged by the exit code: it is non-zero only
# when something breaks (partc crashes or exits non-zero, lint finds errors
# in the generated specs, check finds a difference, a tool is missing).
# Goals (from the issue): lint of 10,000 tables under 1 second and 256 MB,
# and time growing linearly (10,000 / 1,000 under 11x).

set -u
LC_ALL=C
export LC_ALL

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
PARTC=${PARTC:-$root/partc}
SIZES=${SCALE_SIZES:-1000 10000}
RUNS=${SCALE_RUNS:-3}
LINT_RUNS=${SCALE_LINT_RUNS:-5}
AS_OF=2026-11-22
GTIME=/usr/bin/time

for _v in "$RUNS" "$LINT_RUNS"; do
    case "$_v" in
        ''|*[!0-9]*|0) echo "scale: SCALE_RUNS and SCALE_LINT_RUNS must be positive integers, not '$_v'" >&2; exit 2 ;;
    esac
done
for n in $SIZES; do
    case "$n" in
        ''|*[!0-9]*|0) echo "scale: SCALE_SIZES must hold positive integers, not '$n'" >&2; exit 2 ;;
    esac
done
[ -n "$SIZES" ] || { echo "scale: SCALE_SIZES is empty" >&2; exit 2; }
[ -x "$PARTC" ] || { echo "scale: $PARTC is not built (run make)" >&2; exit 1; }
if ! "$GTIME" -f '%M' -o /dev/null true 2>/dev/null; then
    echo "scale: GNU time ($GTIME) is missing: install the Debian package 'time'" >&2
    exit 1
fi
case "$(date +%N)" in
    ''|*[!0-9]*) echo "scale: date +%N gives no nanoseconds (GNU date needed)" >&2; exit 1 ;;
esac

W=$(mktemp -d "${TMPDIR:-/tmp}/partc-scale.XXXXXX") || { echo "scale: cannot create a temporary folder" >&2; exit 1; }
trap 'rm -rf "$W"' EXIT
trap 'exit 130' INT TERM

die() {
    echo "scale: FAILED: $1" >&2
    shift
    for _f in "$@"; do
        [ -s "$_f" ] && head -n 40 "$_f" | sed 's/^/    /' >&2
    done
    exit 1
}

# measure NAME TIMED CMD...: runs CMD once with stdout in $W/NAME.out and
# stderr in $W/NAME.err.  Sets RC (its exit status) and WALL (seconds, the
# clock around it); with TIMED=yes the command runs under GNU time, which
# sets USR and SYS (CPU seconds) and RSS (peak, KB) too.
measure() {
    _n=$1
    _timed=$2
    shift 2
    if [ "$_timed" = yes ]; then
        _t0=$(date +%s%N)
        "$GTIME" -f '%M %U %S' -o "$W/$_n.time" "$@" >"$W/$_n.out" 2>"$W/$_n.err"
        RC=$?
        _t1=$(date +%s%N)
        # the last line: GNU time puts "Command exited with non-zero status" first
        # shellcheck disable=SC2046 # three fields
        set -- $(tail -n 1 "$W/$_n.time" 2>/dev/null)
        if [ $# -eq 3 ]; then
            RSS=$1
            USR=$2
            SYS=$3
        else
            RSS=0
            USR='?'
            SYS='?'
        fi
    else
        _t0=$(date +%s%N)
        "$@" >"$W/$_n.out" 2>"$W/$_n.err"
        RC=$?
        _t1=$(date +%s%N)
    fi
    WALL=$(awk -v a="$_t0" -v b="$_t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
}

# best NAME RUNS PRE CHECK CMD...: RUNS runs of CMD (NAME.1, NAME.2, ...),
# the first under GNU time (for the CPU times and the peak RSS; the others
# are not slowed by it); PRE is a command run (untimed) before each run,
# CHECK a function called after each run that fails the script when the run
# broke.  Sets BEST_WALL and BEST_RUN, and USR, SYS and RSS of the first run.
best() {
    _bn=$1
    _runs=$2
    _pre=$3
    _check=$4
    shift 4
    BEST_WALL=''
    _r=1
    while [ "$_r" -le "$_runs" ]; do
        $_pre
        if [ "$_r" = 1 ]; then
            measure "$_bn.$_r" yes "$@"
            BEST_USR=$USR
            BEST_SYS=$SYS
            BEST_RSS=$RSS
        else
            measure "$_bn.$_r" no "$@"
        fi
        "$_check" "$_bn.$_r"
        if [ -z "$BEST_WALL" ] || awk -v a="$WALL" -v b="$BEST_WALL" 'BEGIN { exit !(a < b) }'; then
            BEST_WALL=$WALL
            BEST_RUN=$_r
        fi
        _r=$((_r + 1))
    done
}

crashed() {
    if [ "$RC" -gt 128 ]; then
        die "partc was killed by signal $((RC - 128)) ($1)" "$W/$1.err"
    fi
}

lint_ok() {
    crashed "$1"
    [ "$RC" = 0 ] || die "partc lint exited $RC on the generated specs ($1)" "$W/$1.out" "$W/$1.err"
    grep -q '^0 errors, \|^no findings' "$W/$1.out" ||
        die "partc lint reports errors in the generated specs ($1)" "$W/$1.out"
}

compile_ok() {
    crashed "$1"
    [ "$RC" = 0 ] || die "partc compile exited $RC ($1)" "$W/$1.err" "$W/$1.out"
}

check_ok() {
    crashed "$1"
    [ "$RC" = 0 ] || die "partc check exited $RC on the folder compile wrote ($1)" "$W/$1.err" "$W/$1.out"
}

# every compile writes into a folder that does not exist yet; the folder of
# the run before is moved aside, not removed, until the size is done (ext4
# makes creating files slower right after many were deleted)
nmoved=0
fresh_out() {
    if [ -e "$COMPILE_OUT" ]; then
        nmoved=$((nmoved + 1))
        mv "$COMPILE_OUT" "$COMPILE_OUT.old$nmoved" || die "cannot move $COMPILE_OUT aside"
    fi
}

# record CMD N: keeps the figures of the last best() as CMD's for size N
record() {
    eval "${1}_wall_$2=\$BEST_WALL ${1}_usr_$2=\$BEST_USR ${1}_sys_$2=\$BEST_SYS ${1}_rss_$2=\$BEST_RSS"
}

mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a != "?" && b != "?" && b + 0 > 0) printf "%.2f", a / b; else print "n/a" }'; }
# "12.34x", or "n/a" when a figure is missing or zero
times_x() { _x=$(ratio "$1" "$2"); [ "$_x" = n/a ] && echo n/a || echo "${_x}x"; }
# the same for CPU times, which come in 10 ms steps: n/a below 0.1 s
cpu_x() {
    if awk -v a="$2" 'BEGIN { exit !(a == "?" || a + 0 < 0.1) }'; then echo 'n/a'; else times_x "$1" "$2"; fi
}
plus() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "?" || b == "?") print "?"; else printf "%.2f", a + b }'; }

loadavg() { cut -d ' ' -f 1-3 /proc/loadavg 2>/dev/null || echo '?'; }
load0=$(loadavg)
ncpu=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')
version=$("$PARTC" --version 2>/dev/null || echo 'partc ?')

rows=''
first=''
last=''
for n in $SIZES; do
    dir="$W/specs_$n"
    g0=$(date +%s%N)
    sh "$here/gen_specs.sh" "$n" "$dir" >"$W/gen_$n.log" 2>&1 || die "gen_specs.sh $n" "$W/gen_$n.log"
    g1=$(date +%s%N)
    gen_s=$(awk -v a="$g0" -v b="$g1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
    nfiles=$(find "$dir" -name '*.yaml' | wc -l | tr -d ' ')
    nlines=$(cat "$dir"/*.yaml | wc -l | tr -d ' ')
    nbytes=$(cat "$dir"/*.yaml | wc -c | tr -d ' ')

    best "lint_$n" "$LINT_RUNS" : lint_ok "$PARTC" lint "$dir" --as-of "$AS_OF"
    record lint "$n"
    findings=$(grep '^0 errors, \|^no findings' "$W/lint_$n.$BEST_RUN.out" | tail -n 1)

    COMPILE_OUT="$W/out_$n"
    best "compile_$n" "$RUNS" fresh_out compile_ok "$PARTC" compile "$dir" --as-of "$AS_OF" --out "$COMPILE_OUT"
    record compile "$n"
    infolder=$(find "$COMPILE_OUT" -type f | wc -l | tr -d ' ')
    summary=$(head -n 1 "$W/compile_$n.$BEST_RUN.out")
    migrations=$(printf '%s\n' "$summary" | sed -n 's/^\([0-9]*\) migrations\{0,1\} for .*/\1/p')
    written=$(printf '%s\n' "$summary" | sed -n 's/.*: \([0-9]*\) files\{0,1\} written.*/\1/p')
    [ -n "$migrations" ] && [ -n "$written" ] ||
        die "partc compile printed no summary" "$W/compile_$n.$BEST_RUN.out"
    [ "$infolder" = $((written + 1)) ] ||
        die "partc compile says $written files written, the folder holds $infolder (partc.lock included)"

    best "check_$n" "$RUNS" : check_ok "$PARTC" check "$dir" --as-of "$AS_OF" --out "$COMPILE_OUT"
    record check "$n"
    rm -rf "$COMPILE_OUT" "$COMPILE_OUT".old* "$dir"

    rows="$rows$n $nfiles $nlines $nbytes $gen_s $migrations $written
"
    eval "findings_$n=\$findings"
    [ -z "$first" ] && first=$n
    last=$n
done
load1=$(loadavg)

echo "partc scale: $version, $ncpu CPUs, load average before: $load0, after: $load1"
echo "  wall: best of $LINT_RUNS runs (lint) or $RUNS (compile, check), the clock around the command;"
echo "  user, sys (CPU time) and peak RSS: GNU time (%U %S %M) of the first run; --as-of $AS_OF"
printf '%s' "$rows" | while read -r n nfiles nlines nbytes gen_s migrations written; do
    eval "f=\$findings_$n"
    printf '  %6s tables: %4s files, %7s lines, %5s MB of YAML (gen_specs.sh: %s s); lint: %s\n' \
        "$n" "$nfiles" "$nlines" "$(awk -v b="$nbytes" 'BEGIN { printf "%.1f", b / 1048576 }')" "$gen_s" "$f"
    printf '  %6s         compile: %s migrations, %s files written (and partc.lock)\n' "" "$migrations" "$written"
done
printf '  %-8s %7s %9s %8s %8s %8s\n' command tables 'wall s' 'user s' 'sys s' 'RSS MB'
for cmd in lint compile check; do
    for n in $SIZES; do
        eval "w=\$${cmd}_wall_$n u=\$${cmd}_usr_$n s=\$${cmd}_sys_$n r=\$${cmd}_rss_$n"
        printf '  %-8s %7s %9s %8s %8s %8s\n' "$cmd" "$n" "$w" "$u" "$s" "$(mb "$r")"
    done
done
if [ "$first" != "$last" ]; then
    echo "ratios $last / $first tables (wall; user + sys, n/a under 0.1 s; peak RSS):"
    for cmd in lint compile check; do
        eval "w1=\$${cmd}_wall_$first w2=\$${cmd}_wall_$last r1=\$${cmd}_rss_$first r2=\$${cmd}_rss_$last"
        eval "c1=\$(plus \$${cmd}_usr_$first \$${cmd}_sys_$first) c2=\$(plus \$${cmd}_usr_$last \$${cmd}_sys_$last)"
        printf '  %-8s wall %7s   cpu %7s   RSS %7s\n' "$cmd" "$(times_x "$w2" "$w1")" "$(cpu_x "$c2" "$c1")" \
            "$(times_x "$r2" "$r1")"
    done
fi
eval "lw=\$lint_wall_$last lr=\$lint_rss_$last lw1=\$lint_wall_$first"
yes_no() { if awk "BEGIN { exit !($1) }"; then echo yes; else echo NO; fi; }
echo "goals, lint of $last tables:"
echo "  wall $lw s under 1 s: $(yes_no "$lw < 1")"
echo "  peak RSS $(mb "$lr") MB under 256 MB: $(yes_no "$lr < 256 * 1024")"
if [ "$first" != "$last" ]; then
    lratio=$(ratio "$lw" "$lw1")
    expect=$(awk -v a="$last" -v b="$first" 'BEGIN { printf "%.1f", a / b * 1.1 }')
    if [ "$lratio" = n/a ]; then
        verdict=n/a
    else
        verdict=$(yes_no "$lratio < $expect")
    fi
    echo "  wall $last / $first = ${lratio}x under ${expect}x (linear growth): $verdict"
fi
exit 0
