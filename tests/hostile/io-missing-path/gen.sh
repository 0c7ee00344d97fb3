# spec/ exists, the file named on the command line does not.
mkdir -p spec
printf 'version: 1\ntables:\n  audit:\n    mode: reference\n' >spec/audit.yaml
