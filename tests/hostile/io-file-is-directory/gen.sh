# The "file" named on the command line is an empty directory.
mkdir -p spec/events.yaml
