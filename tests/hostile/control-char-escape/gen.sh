# A raw ESC (0x1B) byte: a terminal escape sequence in a table name.
mkdir -p spec
printf 'version: 1\ntables:\n  events\033[2J:\n    mode: reference\n' >spec/t.yaml
