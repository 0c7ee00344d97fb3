# A three-byte sequence cut after two bytes at the very end of the file.
mkdir -p spec
printf 'version: 1\ntables:\n  events:\n    mode: reference\n# \346\227' >spec/t.yaml
