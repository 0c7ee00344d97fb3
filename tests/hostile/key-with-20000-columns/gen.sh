# A primary key of 20,001 columns (each one an unknown-column error if it got
# to validation); PostgreSQL allows 32.
mkdir -p spec
{
    printf 'version: 1\ntables:\n  events:\n    columns:\n'
    printf '      id: { type: bigint, nullable: false }\n'
    printf '      created_at: { type: timestamptz, nullable: false }\n'
    printf '    partition: { key: created_at, interval: monthly, start: 2026-11-01 }\n'
    printf '    primary_key: [created_at'
    i=0
    while [ $i -lt 2000 ]; do
        printf ', c%d0, c%d1, c%d2, c%d3, c%d4, c%d5, c%d6, c%d7, c%d8, c%d9' $i $i $i $i $i $i $i $i $i $i
        i=$((i + 1))
    done
    printf ']\n'
} >spec/t.yaml
