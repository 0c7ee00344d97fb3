# 200,000 definitions of one table: 199,999 duplicate keys (5 MB).  Only the
# first 100 errors are kept, so printing them cannot take minutes.
mkdir -p spec
{
    printf 'version: 1\ntables:\n'
    yes '  audit: { mode: reference }' | head -n 200000
} >spec/t.yaml
