# columns: {a: {a: {a: ... 20,000 levels, never closed.
mkdir -p spec
{
    printf 'version: 1\ntables:\n  events:\n    columns: '
    i=0
    while [ $i -lt 2000 ]; do printf '{a: {a: {a: {a: {a: {a: {a: {a: {a: {a: '; i=$((i + 1)); done
    printf '\n'
} >spec/t.yaml
