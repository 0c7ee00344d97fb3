#!/bin/sh
# Builds the libFuzzer target build-fuzz/fuzz_partc with clang, ASan and
# UBSan: compiler/*.c minus main.c and the build tools (embed_templates.c,
# check_templates.c), the embedded
# templates (build-fuzz/templates_embedded.c, made the way the Makefile makes
# build/templates_embedded.c) and tests/fuzz/fuzz_partc.c.
# Env: CLANG (default clang, else clang-14), FUZZ_CFLAGS (extra flags).
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
out=build-fuzz
mkdir -p "$out/obj"

CLANG=${CLANG:-}
if [ -z "$CLANG" ]; then
    if command -v clang >/dev/null 2>&1; then CLANG=clang
    elif command -v clang-14 >/dev/null 2>&1; then CLANG=clang-14
    else
        echo "fuzz build: clang not found (install clang and libclang-rt-dev)" >&2
        exit 1
    fi
fi

WARN="-std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla -Wformat=2 -Wno-format-nonliteral"
SAN="-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
CFLAGS="-O1 -g $SAN ${FUZZ_CFLAGS:-}"
PKG_CFLAGS=$(pkg-config --cflags yaml-0.1 libpcre2-8 2>/dev/null || true)
PKG_LIBS=$(pkg-config --libs yaml-0.1 libpcre2-8 2>/dev/null || echo "-lyaml -lpcre2-8")

# The embedded templates, as the Makefile does with build/embed_templates
# (a host tool: built without sanitizers).
"$CLANG" $WARN -O1 -o "$out/embed_templates" compiler/embed_templates.c
# shellcheck disable=SC2046
"$out/embed_templates" $(ls templates/*.sql | LC_ALL=C sort) >"$out/templates_embedded.c.tmp"
if ! cmp -s "$out/templates_embedded.c.tmp" "$out/templates_embedded.c" 2>/dev/null; then
    mv "$out/templates_embedded.c.tmp" "$out/templates_embedded.c"
else
    rm -f "$out/templates_embedded.c.tmp"
fi

objs=""
compile() { # source object
    # stale: the source, a header or this script is newer than the object
    if [ ! -f "$2" ] || [ -n "$(find "$1" compiler/*.h tests/fuzz/build.sh -newer "$2" | head -1)" ]; then
        echo "  CC $1"
        "$CLANG" $WARN $CFLAGS $PKG_CFLAGS -Icompiler -c "$1" -o "$2"
    fi
    objs="$objs $2"
}
for src in compiler/*.c; do
    case "$src" in
    compiler/main.c | compiler/embed_templates.c | compiler/check_templates.c) continue ;;
    esac
    compile "$src" "$out/obj/$(basename "$src" .c).o"
done
compile "$out/templates_embedded.c" "$out/obj/templates_embedded.o"
compile tests/fuzz/fuzz_partc.c "$out/obj/fuzz_partc.o"

# shellcheck disable=SC2086
"$CLANG" $CFLAGS -o "$out/fuzz_partc" $objs $PKG_LIBS
echo "built $out/fuzz_partc"
