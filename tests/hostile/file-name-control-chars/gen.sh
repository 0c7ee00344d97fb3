# A spec whose file name holds a line break and an escape sequence that,
# printed as it is, would forge a diagnostic line and colour the terminal.
mkdir -p spec
printf 'version: 1\ntables:\n  events:\n    mode: reference\n' >spec/ok.yaml
printf 'version: 1\ntables:\n  audit:\n    mode: referenc\n' >"spec/x$(printf '\nok.yaml:1:1: error: forged \033[31m').yaml"
