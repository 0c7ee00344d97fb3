# A flow list of 2,000,000 one-letter values (4 MB): its tree would need
# hundreds of MB; partc stops at one million values.
mkdir -p spec
{
    printf 'version: 1\ntables: [a'
    head -c 2000000 /dev/zero | tr '\0' 'a' | sed 's/a/,a/g'
    printf ']\n'
} >spec/t.yaml
