# A spec that is a symlink to itself: unreadable even for root.
mkdir -p spec
printf 'version: 1\ntables:\n  audit:\n    mode: reference\n' >spec/audit.yaml
ln -s loop.yaml spec/loop.yaml
