# tests/pg/golden.sh: sourced by run-all.sh and run-clock.sh.
# golden_all: proves every example of specs/ as compiled into out/ (setup and
# asserts in tests/pg/examples/) and every golden case with expected
# migrations (tests/cases/*/expected) on the cluster pg_start started, through
# check_migrations.sh; counts into $passed and $failed.  A suffix in
# $golden_tag is added to each name (e.g. "@+365d").  golden_examples: the
# examples only.  PARTC_PG_ONLY, a
# shell pattern, keeps the names that match it (e.g. 'case_create-*').
golden_check() {
    case "$1" in ${PARTC_PG_ONLY:-*}) ;; *) return 0 ;; esac
    if sh "$here/check_migrations.sh" "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
}
golden_opt() { [ -f "$1" ] && echo "$1" || echo ""; }

golden_examples() {
    golden_check "examples${golden_tag:-}" "$root/out" "$here/examples/setup.sql" "$here/examples/assert.sql"
}

golden_all() {
    golden_examples
    for dir in "$root"/tests/cases/*/; do
        name=$(basename "$dir")
        ls "$dir/expected/"*.up.sql >/dev/null 2>&1 || continue
        # A case's file `clock-skip` names the offsets it does not run at,
        # one per line with its reason after it.
        if [ -n "${golden_offset:-}" ] && [ -f "$dir/clock-skip" ] &&
                grep -q -- "^$golden_offset " "$dir/clock-skip"; then
            echo "skip case_$name${golden_tag:-}: $(grep -- "^$golden_offset " "$dir/clock-skip" | head -n 1 | cut -d' ' -f2-)"
            continue
        fi
        golden_check "case_$name${golden_tag:-}" "$dir/expected" "$(golden_opt "$dir/setup.sql")" "$(golden_opt "$dir/assert.sql")"
    done
}
