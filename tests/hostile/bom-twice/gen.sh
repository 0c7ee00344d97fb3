# Two byte order marks: the second is a character inside the document.
mkdir -p spec
printf '\357\273\277\357\273\277version: 1\ntables:\n  events:\n    mode: reference\n' >spec/t.yaml
