# A UTF-16 surrogate (U+D800, 0xED 0xA0 0x80) encoded as UTF-8 in a comment.
mkdir -p spec
printf 'version: 1\n# note: \355\240\200\ntables:\n  events:\n    mode: reference\n' >spec/t.yaml
