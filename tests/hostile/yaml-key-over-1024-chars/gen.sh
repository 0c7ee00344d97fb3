# A 2000-character column name written as "key: value": YAML allows 1024.
mkdir -p spec
{
    printf 'version: 1\ntables:\n  events:\n    columns:\n      id: { type: bigint }\n      '
    head -c 2000 /dev/zero | tr '\0' 'c'
    printf ': { type: text }\n'
} >spec/t.yaml
