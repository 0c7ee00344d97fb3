# Quotes, ';', '%', ',', ':' and non-ASCII letters in a file name are fine:
# the diagnostic names the file as it is.
mkdir -p spec
printf 'version: 1\ntables:\n  events:\n    mode: referenc\n' >"spec/ev\"il';%,:日本.yaml"
