#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for the test suite.
#
#   tests/pg_cluster.sh start DIR   -> prints one line: the SQLAlchemy URL
#   tests/pg_cluster.sh stop DIR    -> stops the server, removes DIR
#
# DIR is a fresh, empty directory the caller made (as root: directly under
# /tmp, e.g. `mktemp -d /tmp/deliberation-pg.XXXXXXXX`). The server listens
# only on a Unix socket in DIR (no TCP), with trust auth and durability off.
# As root, initdb/pg_ctl run as the `postgres` user (they refuse to run as
# root); otherwise as the current user. Everything but the URL goes to stderr.
#
# Environment: PG_CLUSTER_PORT (default 5432; the socket file name only, since
# nothing listens on TCP), PG_CLUSTER_DB (default deliberation_test).
set -euo pipefail

PORT="${PG_CLUSTER_PORT:-5432}"
DBNAME="${PG_CLUSTER_DB:-deliberation_test}"
MARKER=".pg_cluster"

die() {
    echo "pg_cluster: $*" >&2
    exit 1
}

usage() {
    echo "usage: $0 {start|stop} DIR" >&2
    exit 2
}

is_root() { [[ "$(id -u)" == 0 ]]; }

# Run a PostgreSQL program as the cluster's owner.
as_owner() {
    if is_root; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# Sets BINDIR to the directory holding initdb and pg_ctl; fails if none.
locate_bindir() {
    local initdb dir
    BINDIR=""
    if initdb="$(command -v initdb 2>/dev/null)" && [[ -n "$initdb" ]]; then
        initdb="$(readlink -f "$initdb" 2>/dev/null || echo "$initdb")"
        BINDIR="$(dirname "$initdb")"
    else
        # Newest version under /usr/lib/postgresql (Debian/Ubuntu layout).
        dir="$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
        [[ -x "$dir/initdb" ]] && BINDIR="$dir"
    fi
    [[ -n "$BINDIR" && -x "$BINDIR/initdb" && -x "$BINDIR/pg_ctl" ]]
}

find_bindir() {
    locate_bindir \
        || die "PostgreSQL server binaries not found (no initdb/pg_ctl on PATH or under /usr/lib/postgresql/*/bin); install PostgreSQL (Debian: apt-get install postgresql)"
}

abs_dir() {
    [[ -d "$1" ]] || die "directory $1 does not exist (create it first, e.g. with mktemp -d)"
    (cd "$1" && pwd -P)
}

# The server log if the server got that far, else initdb's.
log_tail() {
    local f="$DIR/server.log"
    [[ -s "$f" ]] || f="$DIR/initdb.log"
    if [[ -s "$f" ]]; then
        echo "--- tail of $f ---" >&2
        tail -n 30 "$f" >&2 || true
    fi
}

fail_start() {
    echo "pg_cluster: $*" >&2
    log_tail
    # Leave no server behind; the caller still removes DIR with `stop`.
    if [[ -f "$DIR/data/postmaster.pid" ]]; then
        as_owner "$BINDIR/pg_ctl" stop -D "$DIR/data" -m immediate -w >/dev/null 2>&1 || true
    fi
    exit 1
}

cmd_start() {
    if ! [[ "$PORT" =~ ^[0-9]+$ ]] || (( PORT < 1 || PORT > 65535 )); then
        die "PG_CLUSTER_PORT=$PORT is not a port number"
    fi
    find_bindir
    DIR="$(abs_dir "$1")"
    [[ -z "$(ls -A "$DIR")" ]] || die "$DIR is not empty; give start a fresh directory"
    # The socket path must fit in sun_path (107 bytes).
    (( ${#DIR} + 20 < 107 )) || die "$DIR is too long for a Unix socket path; use a directory under /tmp"
    [[ "$DIR" =~ ^[A-Za-z0-9/._+-]+$ ]] || die "$DIR contains characters that would need URL quoting; use a plain directory under /tmp"

    touch "$DIR/$MARKER"
    chmod 755 "$DIR"

    local user
    if is_root; then
        getent passwd postgres >/dev/null || die "running as root, but there is no 'postgres' user to run the server as"
        command -v runuser >/dev/null || die "running as root, but runuser is missing (util-linux)"
        chown postgres: "$DIR"
        runuser -u postgres -- test -w "$DIR" \
            || die "user postgres cannot write to $DIR; use a directory directly under /tmp (mktemp -d /tmp/XXXXXXXX)"
        user=postgres
    else
        user="$(id -un)"
    fi
    # Programs run as postgres must not start in a directory it cannot read.
    cd "$DIR"

    echo "pg_cluster: initdb in $DIR/data ($("$BINDIR/initdb" --version 2>/dev/null || echo '?'))" >&2
    if ! as_owner "$BINDIR/initdb" -D "$DIR/data" -U "$user" -A trust -E UTF8 --no-locale --no-sync \
            >"$DIR/initdb.log" 2>&1; then
        fail_start "initdb failed"
    fi

    cat >>"$DIR/data/postgresql.conf" <<EOF

# --- throwaway test cluster (tests/pg_cluster.sh) ---
listen_addresses = ''
unix_socket_directories = '$DIR'
port = $PORT
fsync = off
synchronous_commit = off
full_page_writes = off
logging_collector = off
EOF

    # -l: the server writes to the log, not to our stdout (which the caller
    # may be capturing with $(...)); -w: wait until it accepts connections.
    if ! as_owner "$BINDIR/pg_ctl" start -D "$DIR/data" -l "$DIR/server.log" -w -t 60 \
            -o "-p $PORT" >&2; then
        fail_start "server did not start"
    fi

    local createdb="$BINDIR/createdb"
    [[ -x "$createdb" ]] || createdb="$(command -v createdb || true)"
    [[ -n "$createdb" ]] || fail_start "createdb not found"
    if ! as_owner "$createdb" -h "$DIR" -p "$PORT" -U "$user" -O "$user" "$DBNAME" >&2; then
        fail_start "could not create database $DBNAME"
    fi

    echo "pg_cluster: server up, socket in $DIR, port $PORT, database $DBNAME" >&2
    echo "postgresql+psycopg://${user}@/${DBNAME}?host=${DIR}&port=${PORT}"
}

cmd_stop() {
    local dir="$1"
    [[ -e "$dir" ]] || return 0
    DIR="$(abs_dir "$dir")"
    [[ "$DIR" != "/" ]] || die "refusing to remove /"
    if [[ ! -e "$DIR/$MARKER" ]]; then
        # Not made by `start` (or start never got going): remove it only if empty.
        rmdir "$DIR" 2>/dev/null || die "$DIR was not made by '$0 start'; not removing it"
        return 0
    fi
    if [[ -f "$DIR/data/postmaster.pid" ]]; then
        local pgctl=""
        if locate_bindir; then pgctl="$BINDIR/pg_ctl"; fi
        if [[ -n "$pgctl" ]]; then
            (cd / && as_owner "$pgctl" stop -D "$DIR/data" -m immediate -w -t 30 >/dev/null 2>&1) || true
        fi
        # Fallback: pg_ctl missing or failed, but the postmaster lives on.
        local pid
        pid="$(head -n 1 "$DIR/data/postmaster.pid" 2>/dev/null || true)"
        if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
            kill -QUIT "$pid" 2>/dev/null || true
            for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    rm -rf -- "$DIR"
}

[[ $# -eq 2 ]] || usage
case "$1" in
    start) cmd_start "$2" ;;
    stop) cmd_stop "$2" ;;
    *) usage ;;
esac
