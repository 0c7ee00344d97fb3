# The folder named on the command line does not exist (spec/ does).
mkdir -p spec
printf 'version: 1\ntables:\n  audit:\n    mode: reference\n' >spec/audit.yaml
