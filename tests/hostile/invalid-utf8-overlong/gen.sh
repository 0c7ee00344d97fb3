# An overlong encoding of '/' (0xC0 0xAF) in a column default.
mkdir -p spec
printf 'version: 1\ntables:\n  events:\n    columns:\n      path: { type: text, default: "'"'"'\300\257etc'"'"'" }\n' >spec/t.yaml
