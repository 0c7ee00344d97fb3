#!/bin/sh
# Install two real migration runners from the npm registry into a cache folder
# and print where their native binaries are:
#
#   DBMATE=/abs/path/to/dbmate
#   SUPABASE=/abs/path/to/supabase
#
# Only those two lines go to stdout; npm's output and all errors go to stderr.
# A second run with the same versions reuses the cache and does not call npm.
#
# Both npm packages ship their binary in a platform package listed under
# optionalDependencies (@dbmate/linux-x64, @supabase/cli-linux-x64); neither
# has an install script, so nothing is downloaded from outside the npm
# registry. --ignore-scripts keeps it that way. It works as root (npm >= 7 has
# no --unsafe-perm any more) and as a normal user.
#
# Environment:
#   PARTC_TOOLS_CACHE  cache folder (default ${XDG_CACHE_HOME:-$HOME/.cache}/partc-tools)
#   NPM                npm command to use (default npm)
#
# Tips for running the supabase binary in tests: set SUPABASE_HOME to a scratch
# folder (it writes telemetry.json there, else in ~/.supabase), and
# DO_NOT_TRACK=1 SUPABASE_TELEMETRY_DISABLED=1 (else it does a DNS look-up for
# its telemetry host).
set -eu

DBMATE_VERSION=2.36.0
SUPABASE_VERSION=3.1.0

die() {
    echo "npm_tools.sh: error: $*" >&2
    exit 1
}

if [ -n "${PARTC_TOOLS_CACHE:-}" ]; then
    cache=$PARTC_TOOLS_CACHE
elif [ -n "${XDG_CACHE_HOME:-}" ]; then
    cache=$XDG_CACHE_HOME/partc-tools
elif [ -n "${HOME:-}" ]; then
    cache=$HOME/.cache/partc-tools
else
    die "none of PARTC_TOOLS_CACHE, XDG_CACHE_HOME, HOME is set; set PARTC_TOOLS_CACHE"
fi

# Platform suffixes used by the two packages' platform packages.
os=$(uname -s)
arch=$(uname -m)
case "$os" in
    Linux) ;;
    *) die "unsupported OS '$os' (only Linux is supported)" ;;
esac
case "$arch" in
    x86_64 | amd64) dbmate_plat=linux-x64; sb_plats="linux-x64 linux-x64-musl" ;;
    aarch64 | arm64) dbmate_plat=linux-arm64; sb_plats="linux-arm64 linux-arm64-musl" ;;
    *) die "unsupported CPU architecture '$arch'" ;;
esac

mkdir -p "$cache" || die "cannot create cache folder '$cache'"
cache=$(cd "$cache" && pwd -P) || die "cannot enter cache folder '$cache'"
dir=$cache/npm-dbmate-$DBMATE_VERSION-supabase-$SUPABASE_VERSION

find_bins() {
    dbmate_bin=$1/node_modules/@dbmate/$dbmate_plat/bin/dbmate
    supabase_bin=
    for p in $sb_plats; do
        if [ -x "$1/node_modules/@supabase/cli-$p/bin/supabase" ]; then
            supabase_bin=$1/node_modules/@supabase/cli-$p/bin/supabase
            break
        fi
    done
}

# check_bins DIR: true when both binaries in DIR run and report the pinned versions.
check_bins() {
    find_bins "$1"
    [ -x "$dbmate_bin" ] || return 1
    [ -n "$supabase_bin" ] || return 1
    v=$("$dbmate_bin" --version 2>/dev/null) || return 1
    [ "$v" = "dbmate version $DBMATE_VERSION" ] || return 1
    # Keep the supabase CLI away from the user's ~/.supabase and off the network.
    mkdir -p "$1/supabase-home" || return 1
    v=$(cd "$1" && SUPABASE_HOME="$1/supabase-home" DO_NOT_TRACK=1 \
        SUPABASE_TELEMETRY_DISABLED=1 "$supabase_bin" --version </dev/null 2>/dev/null) || return 1
    [ "$v" = "$SUPABASE_VERSION" ] || return 1
}

if ! check_bins "$dir"; then
    npm=${NPM:-npm}
    command -v "$npm" >/dev/null 2>&1 || die "'$npm' not found: install Node.js and npm (Debian: apt-get install npm)"
    tmp=$dir.tmp.$$
    trap 'rm -rf "$tmp"' EXIT
    trap 'rm -rf "$tmp"; exit 130' INT TERM
    rm -rf "$tmp"
    mkdir -p "$tmp"
    # npm needs a writable cache; fall back to one inside our cache folder.
    if [ -z "${HOME:-}" ] || [ ! -w "$HOME" ]; then
        npm_config_cache=$cache/npm-cache
        export npm_config_cache
    fi
    echo "npm_tools.sh: installing dbmate@$DBMATE_VERSION supabase@$SUPABASE_VERSION into $dir" >&2
    if ! (cd "$tmp" && npm_config_update_notifier=false "$npm" install --prefix "$tmp" \
        --no-audit --no-fund --ignore-scripts --include=optional --save-exact \
        --loglevel=error \
        "dbmate@$DBMATE_VERSION" "supabase@$SUPABASE_VERSION") >&2; then
        die "npm install of dbmate@$DBMATE_VERSION supabase@$SUPABASE_VERSION failed (is the npm registry reachable?)"
    fi
    if ! check_bins "$tmp"; then
        find_bins "$tmp"
        [ -x "$dbmate_bin" ] || die "npm did not install @dbmate/$dbmate_plat (expected $dbmate_bin)"
        [ -n "$supabase_bin" ] || die "npm did not install any of @supabase/cli-{$(echo "$sb_plats" | tr ' ' ',')}"
        die "installed binaries do not run or report the wrong version: $dbmate_bin, $supabase_bin"
    fi
    rm -rf "$dir"
    # Another run may have finished first; either copy is good.
    mv "$tmp" "$dir" 2>/dev/null || rm -rf "$tmp"
    trap - EXIT INT TERM
    check_bins "$dir" || die "installation in $dir does not work after moving it into place"
fi

find_bins "$dir"
echo "DBMATE=$dbmate_bin"
echo "SUPABASE=$supabase_bin"
