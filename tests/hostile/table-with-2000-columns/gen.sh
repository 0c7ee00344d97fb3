# A table of 2,000 columns; PostgreSQL allows 1600.
mkdir -p spec
{
    printf 'version: 1\ntables:\n  events:\n    columns:\n'
    i=0
    while [ $i -lt 2000 ]; do
        printf '      c%d: { type: text }\n' $i
        i=$((i + 1))
    done
    printf '    partition: { key: c0, interval: monthly, start: 2026-11-01 }\n'
} >spec/t.yaml
