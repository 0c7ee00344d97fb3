# A spec that is a symlink to a file that does not exist; partc check.
mkdir -p spec
ln -s ../nowhere/events.yaml spec/events.yaml
