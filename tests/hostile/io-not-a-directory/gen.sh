# A path that goes through a regular file as if it were a folder.
mkdir -p spec
printf 'version: 1\ntables:\n  audit:\n    mode: reference\n' >spec/audit.yaml
