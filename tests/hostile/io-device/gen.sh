# A character device that never ends.
mkdir -p spec
