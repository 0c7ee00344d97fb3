# An 8 MiB plain table name.
mkdir -p spec
{
    printf 'version: 1\ntables:\n  '
    head -c 8388608 /dev/zero | tr '\0' 'a'
    printf ':\n    columns:\n      created_at: { type: timestamptz, nullable: false }\n'
    printf '    partition: { key: created_at, interval: monthly, start: 2026-11-01 }\n'
} >spec/t.yaml
