# tests/pg/lib.sh: a throwaway PostgreSQL cluster for partc's real-server tests.
#
# Sourced (not run) by POSIX sh scripts:
#     . "$here/lib.sh"
#     pg_start || exit 1      # initdb into a fresh temp dir, start, wait
#     ...psql / check_migrations.sh...
#     pg_stop                 # optional: the EXIT/INT/TERM trap does it too
#
# pg_start exports PGHOST (the cluster's private unix-socket dir), PGPORT,
# PGUSER=postgres, PGDATABASE=postgres, PARTC_PG_BIN (client binaries: psql,
# pg_dump), PARTC_PG_MAJOR (the server's major version),
# PARTC_PG_TMP (the temp dir holding data, socket and server.log; removed by
# pg_stop, so callers may keep scratch files under it), PARTC_PG_LOG.
#
# What it deliberately does not do: use, probe or stop any other server (it
# never falls back to a default socket or port, and it stops only the
# postmaster whose PID its own data directory records); listen on TCP.
#
# pg_start installs traps on EXIT, INT and TERM (replacing the caller's) that
# stop the server and remove the temp dir; a caller that needs more cleanup
# should keep its files under $PARTC_PG_TMP. The functions never rely on
# `set -e` and never change the caller's shell options.

_pg_state=""            # "" = no cluster of ours; "up" once started

# The newest server binaries: 15 preferred, else the highest version present.
_pg_find_bin() {
    if [ -x /usr/lib/postgresql/15/bin/postgres ]; then
        echo /usr/lib/postgresql/15/bin
        return 0
    fi
    _pg_b=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5n | tail -n 1)
    [ -n "$_pg_b" ] && [ -x "$_pg_b/postgres" ] || return 1
    echo "$_pg_b"
}

# Quote each argument for /bin/sh -c (only used on the `su` fallback).
_pg_shquote() {
    _pg_q=""
    for _pg_a in "$@"; do
        _pg_q="$_pg_q '$(printf '%s' "$_pg_a" | sed "s/'/'\\\\''/g")'"
    done
    printf '%s' "$_pg_q"
}

# Run a command as the cluster's OS user (initdb refuses to run as root).
_pg_as_user() {
    if [ -z "$_pg_user" ]; then
        "$@"
    elif command -v runuser >/dev/null 2>&1; then
        runuser -u "$_pg_user" -- "$@"
    else
        su -s /bin/sh "$_pg_user" -c "$(_pg_shquote "$@")"
    fi
}

# The postmaster PID recorded in our own data dir (empty if none).
_pg_pid() {
    [ -n "${_pg_data:-}" ] && [ -f "$_pg_data/postmaster.pid" ] || return 0
    sed -n '1{/^[0-9][0-9]*$/p;}' "$_pg_data/postmaster.pid" 2>/dev/null || true
}

# True while PID runs (a zombie awaiting its reaper counts as gone).
_pg_alive() {
    kill -0 "$1" 2>/dev/null || return 1
    case "$(ps -o stat= -p "$1" 2>/dev/null)" in
        Z*) return 1 ;;
    esac
    return 0
}

# Stop our postmaster by PID (TERM; INT after 5 s; KILL after 10 s) and remove the
# temp dir. Idempotent; safe at any point of a failed pg_start.
_pg_cleanup() {
    _pg_p=$(_pg_pid)
    if [ -n "$_pg_p" ] && _pg_alive "$_pg_p"; then
        kill -TERM "$_pg_p" 2>/dev/null || true
        _pg_i=0
        while _pg_alive "$_pg_p" && [ "$_pg_i" -lt 100 ]; do
            sleep 0.1
            _pg_i=$((_pg_i + 1))
            # Smart shutdown waits for clients: after 5 s, a fast one.
            [ "$_pg_i" -ne 50 ] || kill -INT "$_pg_p" 2>/dev/null || true
        done
        if _pg_alive "$_pg_p"; then
            # Its children first (by parent PID), so no orphan backend stays.
            _pg_kids=$(ps -o pid= --ppid "$_pg_p" 2>/dev/null || true)
            # shellcheck disable=SC2086 # a list of PIDs
            kill -KILL "$_pg_p" $_pg_kids 2>/dev/null || true
            _pg_i=0
            while _pg_alive "$_pg_p" && [ "$_pg_i" -lt 50 ]; do
                sleep 0.1
                _pg_i=$((_pg_i + 1))
            done
        fi
    fi
    if [ -n "${_pg_tmp:-}" ] && [ -d "$_pg_tmp" ]; then
        rm -rf "$_pg_tmp" 2>/dev/null || true
    fi
    _pg_tmp=""
    _pg_data=""
    _pg_state=""
}

_pg_on_exit() {
    _pg_rc=$?
    _pg_cleanup
    exit "$_pg_rc"
}

pg_stop() {
    _pg_cleanup
    trap - EXIT INT TERM
    return 0
}

_pg_fail() {
    echo "pg_start: $*" >&2
    if [ -n "${_pg_log:-}" ] && [ -s "$_pg_log" ]; then
        echo "pg_start: server log ($_pg_log):" >&2
        sed 's/^/    /' "$_pg_log" >&2
    fi
    _pg_cleanup
    return 1
}

pg_start() {
    if [ "$_pg_state" = up ]; then
        echo "pg_start: a cluster is already running (call pg_stop first)" >&2
        return 1
    fi
    # Clients (psql, pg_isready, pg_dump) are always Debian's; the server is
    # theirs too unless PARTC_PG_SERVER_BIN names other server binaries
    # (initdb, pg_ctl, postgres: tests/pg/servers.sh installs 13 to 18).
    _pg_cbin=$(_pg_find_bin) || {
        echo "pg_start: no PostgreSQL server under /usr/lib/postgresql/*/bin" >&2
        return 1
    }
    _pg_bin=${PARTC_PG_SERVER_BIN:-$_pg_cbin}
    [ -x "$_pg_bin/postgres" ] && [ -x "$_pg_bin/initdb" ] && [ -x "$_pg_bin/pg_ctl" ] || {
        echo "pg_start: no initdb, pg_ctl and postgres in $_pg_bin" >&2
        return 1
    }
    _pg_major=$("$_pg_bin/postgres" --version 2>/dev/null | sed -n -E 's/.* ([0-9]+)(\.[0-9]+)?.*/\1/p')
    [ -n "$_pg_major" ] || {
        echo "pg_start: cannot tell the version of $_pg_bin/postgres" >&2
        return 1
    }

    # The OS user that owns the cluster: ourselves, or a system user as root.
    _pg_user=""
    if [ "$(id -u)" = 0 ]; then
        if id postgres >/dev/null 2>&1; then
            _pg_user=postgres
        else
            _pg_user=partc-test
            if ! id "$_pg_user" >/dev/null 2>&1; then
                useradd -r -M -d /nonexistent -s /usr/sbin/nologin "$_pg_user" || {
                    echo "pg_start: cannot create the system user $_pg_user" >&2
                    return 1
                }
            fi
        fi
    fi

    trap _pg_on_exit EXIT
    trap '_pg_cleanup; trap - EXIT; exit 130' INT
    trap '_pg_cleanup; trap - EXIT; exit 143' TERM

    # Port from our PID: only names the socket file inside our private dir.
    _pg_port=$((20000 + $$ % 40000))

    # A fresh dir the cluster user can reach, short enough for a socket path
    # (108 bytes); $TMPDIR may be private to root, /tmp never is.
    _pg_tmp=""
    for _pg_base in "${TMPDIR:-/tmp}" /tmp; do
        [ ${#_pg_base} -le 60 ] || continue
        _pg_tmp=$(mktemp -d "$_pg_base/partc-pg.XXXXXX" 2>/dev/null) || { _pg_tmp=""; continue; }
        [ -z "$_pg_user" ] || chown "$_pg_user" "$_pg_tmp" 2>/dev/null || { rm -rf "$_pg_tmp"; _pg_tmp=""; continue; }
        if _pg_as_user test -w "$_pg_tmp" 2>/dev/null; then
            break
        fi
        rm -rf "$_pg_tmp"
        _pg_tmp=""
    done
    [ -n "$_pg_tmp" ] || { _pg_fail "cannot create a temp dir the cluster user can write"; return 1; }
    _pg_data="$_pg_tmp/data"
    _pg_sock="$_pg_tmp/sock"
    _pg_log="$_pg_tmp/server.log"

    (cd "$_pg_tmp" && _pg_as_user mkdir "$_pg_sock") || { _pg_fail "cannot create $_pg_sock"; return 1; }
    if ! (cd "$_pg_tmp" && _pg_as_user "$_pg_bin/initdb" -D "$_pg_data" --auth=trust -U postgres \
            --encoding=UTF8 --locale=C --no-sync) >"$_pg_tmp/initdb.log" 2>&1; then
        sed 's/^/    /' "$_pg_tmp/initdb.log" >&2
        _pg_fail "initdb failed"
        return 1
    fi

    _pg_cron=""
    if [ -f "$(dirname "$_pg_bin")/lib/pg_cron.so" ]; then
        _pg_cron=yes
    fi
    {
        echo ""
        echo "# partc test cluster (tests/pg/lib.sh)"
        echo "listen_addresses = ''"
        echo "port = $_pg_port"
        echo "unix_socket_directories = '$_pg_sock'"
        echo "fsync = off"
        echo "synchronous_commit = off"
        echo "full_page_writes = off"
        echo "shared_buffers = 128MB"
        echo "max_connections = 50"
        # The shared lock table of a server with the default settings
        # (64 locks x 100 connections): a rollback that drops a table with
        # hundreds of partitions locks each of them and each of their indexes.
        echo "max_locks_per_transaction = 128"
        echo "timezone = 'UTC'"
        echo "log_timezone = 'UTC'"
        echo "logging_collector = off"
        # PARTC_PG_SETTINGS: more lines for postgresql.conf (one per line)
        [ -z "${PARTC_PG_SETTINGS:-}" ] || printf '%s\n' "$PARTC_PG_SETTINGS"
        if [ -n "$_pg_cron" ]; then
            echo "shared_preload_libraries = 'pg_cron'"
            echo "cron.database_name = 'partc_cron'"
            # jobs run in background workers: the cluster has no TCP port
            # for pg_cron's own connections
            echo "cron.use_background_workers = on"
            # each job run takes a background worker: room for them beside
            # the parallel workers of the other tests' queries
            echo "max_worker_processes = 32"
        fi
    } >>"$_pg_data/postgresql.conf" || { _pg_fail "cannot write postgresql.conf"; return 1; }

    # PARTC_PG_FAKETIME (e.g. +365d, -30d) moves the server's clock, and only
    # the server's: libfaketime is preloaded into pg_ctl and the postmaster
    # it starts, never into the clients.
    _pg_env=""
    if [ -n "${PARTC_PG_FAKETIME:-}" ]; then
        _pg_ftlib=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
        [ -f "$_pg_ftlib" ] || _pg_ftlib=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -n 1)
        [ -n "$_pg_ftlib" ] && [ -f "$_pg_ftlib" ] || {
            _pg_fail "PARTC_PG_FAKETIME is set but libfaketime is not installed (Debian package faketime)"
            return 1
        }
        _pg_env="LD_PRELOAD=$_pg_ftlib FAKETIME=$PARTC_PG_FAKETIME FAKETIME_DONT_RESET=1"
    fi
    # shellcheck disable=SC2086 # _pg_env is a list of NAME=VALUE words without spaces
    if ! (cd "$_pg_tmp" && _pg_as_user env $_pg_env "$_pg_bin/pg_ctl" -D "$_pg_data" -l "$_pg_log" -w -t 30 -s start) \
            >"$_pg_tmp/pg_ctl.log" 2>&1; then
        sed 's/^/    /' "$_pg_tmp/pg_ctl.log" >&2
        _pg_fail "the server did not start"
        return 1
    fi
    _pg_state=up

    # Connect only to our socket; drop settings that could redirect a client.
    unset PGHOSTADDR PGSERVICE PGSERVICEFILE PGREQUIRESSL PGSSLMODE PGTARGETSESSIONATTRS 2>/dev/null || true
    PGHOST=$_pg_sock
    PGPORT=$_pg_port
    PGUSER=postgres
    PGDATABASE=postgres
    PARTC_PG_BIN=$_pg_cbin
    PARTC_PG_MAJOR=$_pg_major
    PARTC_PG_TMP=$_pg_tmp
    PARTC_PG_LOG=$_pg_log
    export PGHOST PGPORT PGUSER PGDATABASE PARTC_PG_BIN PARTC_PG_MAJOR PARTC_PG_TMP PARTC_PG_LOG

    _pg_i=0
    until "$_pg_cbin/pg_isready" -q -h "$PGHOST" -p "$PGPORT" -d postgres; do
        _pg_i=$((_pg_i + 1))
        [ "$_pg_i" -lt 100 ] || { _pg_fail "pg_isready never succeeded"; return 1; }
        sleep 0.1
    done

    if [ -n "$_pg_cron" ]; then
        "$_pg_cbin/psql" -X -q -v ON_ERROR_STOP=1 -d postgres -c 'CREATE DATABASE partc_cron' >/dev/null 2>"$_pg_tmp/cron.log" &&
        "$_pg_cbin/psql" -X -q -v ON_ERROR_STOP=1 -d partc_cron -c 'CREATE EXTENSION IF NOT EXISTS pg_cron' \
            >/dev/null 2>>"$_pg_tmp/cron.log" || {
            sed 's/^/    /' "$_pg_tmp/cron.log" >&2
            _pg_fail "cannot set up pg_cron in database partc_cron"
            return 1
        }
    fi
    return 0
}

# True when our cluster preloads pg_cron (its jobs live in database partc_cron).
pg_has_cron() {
    [ "$_pg_state" = up ] || return 1
    _pg_spl=$("$PARTC_PG_BIN/psql" -X -At -d postgres -c 'SHOW shared_preload_libraries' 2>/dev/null) || return 1
    case ",$(printf '%s' "$_pg_spl" | tr -d ' ')," in
        *,pg_cron,*) return 0 ;;
    esac
    return 1
}
