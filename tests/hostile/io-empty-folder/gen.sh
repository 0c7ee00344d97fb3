# A spec folder that holds no *.yaml or *.yml file (a typo'd extension).
mkdir -p spec
printf 'version: 1\ntables:\n  audit:\n    mode: reference\n' >spec/audit.yaml.txt
