# Billion laughs: ten levels of ten aliases each (10^10 'lol' if expanded).
mkdir -p spec
{
    echo 'version: 1'
    echo 'lol0: &lol0 "lol"'
    i=1
    while [ $i -le 10 ]; do
        p=$((i - 1))
        printf 'lol%d: &lol%d [*lol%d, *lol%d, *lol%d, *lol%d, *lol%d, *lol%d, *lol%d, *lol%d, *lol%d, *lol%d]\n' \
            $i $i $p $p $p $p $p $p $p $p $p $p
        i=$((i + 1))
    done
    echo 'tables:'
    echo '  events: *lol10'
} >spec/t.yaml
