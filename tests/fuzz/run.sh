#!/bin/sh
# Fuzzes the partc pipeline (tests/fuzz/fuzz_partc.c) for SECONDS (default 60).
#
#   sh tests/fuzz/run.sh [SECONDS]
#
# Builds build-fuzz/fuzz_partc when needed (tests/fuzz/build.sh), makes a seed
# corpus from every *.yaml of specs/, tests/cases/*/spec/ and
# tests/hostile/*/spec/, and runs libFuzzer with the dictionary
# tests/fuzz/spec.dict.  The working corpus stays in build-fuzz/corpus (it
# grows from run to run), crashes, leaks, timeouts and out-of-memory inputs go
# to build-fuzz/crashes.  Prints executions, coverage and the inputs that
# failed; exits 1 when this run found any.
#
# Env: FUZZ_JOBS=N (default 1) runs N processes in libFuzzer's fork mode,
# which keeps going after a crash; FUZZ_MAX_LEN (default 16384) is the
# largest input tried.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root" || exit 2
seconds=${1:-60}
case "$seconds" in
'' | *[!0-9]*) echo "usage: sh tests/fuzz/run.sh [SECONDS]" >&2; exit 2 ;;
esac
jobs=${FUZZ_JOBS:-1}
max_len=${FUZZ_MAX_LEN:-16384}

sh tests/fuzz/build.sh >build-fuzz.build.log 2>&1 || {
    cat build-fuzz.build.log >&2
    rm -f build-fuzz.build.log
    echo "fuzz: build failed" >&2
    exit 2
}
mv build-fuzz.build.log build-fuzz/build.log

fz=$root/build-fuzz
mkdir -p "$fz/seeds" "$fz/corpus" "$fz/crashes" "$fz/logs"
rm -f "$fz/seeds/"*
nseeds=0
for f in specs/*.yaml specs/*.yml tests/cases/*/spec/*.yaml tests/cases/*/spec/*.yml \
    tests/hostile/*/spec/*.yaml tests/hostile/*/spec/*.yml tests/fuzz/regressions/*.yaml; do
    [ -f "$f" ] || continue
    cp "$f" "$fz/seeds/$(echo "$f" | tr '/' '_')"
    nseeds=$((nseeds + 1))
done

before=$(ls "$fz/crashes" | wc -l)
stamp=$fz/logs/.start
touch "$stamp"
log=$fz/logs/fuzz.log
echo "fuzz: $seconds s, $jobs job(s), $nseeds seed files, corpus $(ls "$fz/corpus" | wc -l) inputs"

set -- -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len="$max_len" \
    -dict="$root/tests/fuzz/spec.dict" -artifact_prefix="$fz/crashes/" -print_final_stats=1
if [ "$jobs" -gt 1 ]; then
    set -- "$@" -fork="$jobs" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1
fi
# libFuzzer writes fork-mode temporaries relative to the working folder
(cd "$fz/logs" && "$fz/fuzz_partc" "$@" "$fz/corpus" "$fz/seeds" >"$log" 2>&1)
rc=$?

# summary
execs=$(grep -E '^stat::number_of_executed_units:' "$log" | awk '{s += $2} END {print s + 0}')
if [ "$execs" = 0 ]; then
    execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
fi
last=$(grep -E '(cov|ft): ' "$log" | tail -1)
cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
corp=$(ls "$fz/corpus" | wc -l)
new=$(find "$fz/crashes" -type f -newer "$stamp" | sort)
nnew=$(echo "$new" | grep -c . || true)
after=$(ls "$fz/crashes" | wc -l)
echo "fuzz: ${execs:-0} executions in $seconds s, coverage ${cov:-?} edges, ${ft:-?} features, corpus $corp inputs"
echo "fuzz: $nnew new failing input(s) this run, $after in build-fuzz/crashes (was $before); log $log"
if [ -n "$new" ]; then
    for f in $new; do
        echo "  $f"
    done
    grep -E '^(==[0-9]+==ERROR|SUMMARY: |.*runtime error: )' "$log" | sort | uniq -c | head -20
fi
if [ "$nnew" -gt 0 ]; then
    exit 1
fi
if [ "$rc" -ne 0 ]; then
    echo "fuzz: libFuzzer exited $rc" >&2
    tail -20 "$log" >&2
    exit 1
fi
exit 0
