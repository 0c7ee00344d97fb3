# A raw NUL byte inside a table name.
mkdir -p spec
printf 'version: 1\ntables:\n  ev\000ents:\n    mode: reference\n' >spec/t.yaml
