# A UTF-8 byte order mark, then a spec with an error on line 1: the BOM is
# accepted and does not shift line 1's columns.
mkdir -p spec
printf '\357\273\277version: 2\ntables:\n  events:\n    mode: reference\n' >spec/t.yaml
