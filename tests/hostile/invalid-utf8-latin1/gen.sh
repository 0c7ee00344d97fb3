# A Latin-1 e-acute (0xE9) where UTF-8 needs two bytes.
mkdir -p spec
printf 'version: 1\ntables:\n  caf\351:\n    mode: reference\n' >spec/t.yaml
