# A spec file just over the 64 MiB input limit (a comment line of 'a's).
mkdir -p spec
{
    printf 'version: 1\n# '
    head -c 67108864 /dev/zero | tr '\0' 'a'
    printf '\n'
} >spec/t.yaml
