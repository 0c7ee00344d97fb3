# An 8 MiB column default in an otherwise valid spec.
mkdir -p spec
{
    printf 'version: 1\ntables:\n  events:\n    columns:\n'
    printf '      id: { type: bigint, nullable: false }\n'
    printf '      note: { type: text, default: "'"'"
    head -c 8388608 /dev/zero | tr '\0' 'a'
    printf "'"'" }\n'
    printf '      created_at: { type: timestamptz, nullable: false }\n'
    printf '    primary_key: [id, created_at]\n'
    printf '    partition: { key: created_at, interval: monthly, start: 2026-11-01 }\n'
    printf '    maintenance: { schedule: "0 * * * *" }\n'
} >spec/t.yaml
