# A 2000-character key inside a flow mapping.
mkdir -p spec
{
    printf 'version: 1\ntables:\n  events:\n    columns: { id: { type: bigint }, '
    head -c 2000 /dev/zero | tr '\0' 'c'
    printf ': { type: text } }\n'
} >spec/t.yaml
