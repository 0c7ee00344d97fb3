# CRLF line ends are fine; the error is located as with LF.
mkdir -p spec
printf 'version: 1\r\ntables:\r\n  events:\r\n    mode: referenc\r\n' >spec/t.yaml
