# A block sequence of block sequences, 20,000 levels: "- - - - ... x".
mkdir -p spec
{
    printf 'version: 1\ntables:\n'
    i=0
    while [ $i -lt 200 ]; do printf -- '- - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - '; i=$((i + 1)); done
    printf 'x\n'
} >spec/t.yaml
