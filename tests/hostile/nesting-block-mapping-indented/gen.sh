# Block mappings indented one more space per level, 3,000 levels (4.5 MB):
# the deepest that stays a plausible file size.
mkdir -p spec
{
    printf 'version: 1\ntables:\n'
    i=1
    pad=' '
    while [ $i -le 3000 ]; do
        printf '%sk%d:\n' "$pad" $i
        pad="$pad "
        i=$((i + 1))
    done
} >spec/t.yaml
