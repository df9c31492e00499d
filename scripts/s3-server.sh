#!/usr/bin/env bash
# s3-server.sh — an S3-compatible server for the end-to-end tests: moto's server mode (PyPI,
# pinned in scripts/s3-server.requirements.txt) on 127.0.0.1 only, started and stopped by pid.
#
# Usage:
#   scripts/s3-server.sh up        create the venv (first time), start moto_server, wait until it
#                                  answers, create the bucket flink-state, the IAM user `flink`
#                                  (allow-all S3 policy) and `flink-denied` (no policy) with
#                                  access keys, authentication off; write <ws>/s3.env. Idempotent:
#                                  a running healthy server is kept with its keys.
#   scripts/s3-server.sh down      stop the server of this workspace (its recorded pid only)
#   scripts/s3-server.sh status    exit 0 running and answering, 3 not running, 1 process alive
#                                  but not answering
#   scripts/s3-server.sh env       print <ws>/s3.env; exit 3 if `up` never wrote it
#   scripts/s3-server.sh auth on   every request must now be signed (SigV4) with a key moto's IAM
#                                  knows, and IAM policies are evaluated (POST /moto-api/reset-auth 0)
#   scripts/s3-server.sh auth off  no authentication (reset-auth inf): keep it off while Flink
#                                  touches S3, its SDK signs User-Agent and moto refuses that
#   scripts/s3-server.sh selftest  check that moto enforces signatures and policies (boto3), then
#                                  leave authentication off
#   Typical use:  scripts/s3-server.sh up && . build/s3/s3.env
#
# s3.env exports S3_ENDPOINT (http://127.0.0.1:<port>), S3_PORT, S3_REGION, S3_BUCKET,
# S3_ACCESS_KEY/S3_SECRET_KEY (user flink), S3_DENIED_ACCESS_KEY/S3_DENIED_SECRET_KEY (user
# flink-denied), S3_PYTHON (the venv's python, with boto3/botocore) and S3_SERVER_SCRIPT (this
# script). The keys are moto's, on loopback: test values, not secrets.
#
# Environment: S3_PORT (default 19900), S3_WORK_DIR (default <repo>/build/s3), S3_PYTHON_BIN
# (python used to create the venv, default python3), S3_START_TIMEOUT (default 60 s).
# Workspace: venv/, moto.pid, moto.log (moto's request log: one line per request), s3.env,
# auth (the last state set by this script: on|off).
# Exit status: 0 ok; 1 failure (one line on stderr); 2 usage; 3 not running (status/env).
set -euo pipefail

PROG="s3-server"
say() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
usage() { echo "Usage: $(basename "$0") up|down|status|env|auth on|auth off|selftest" >&2; }

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_DIR="$(cd "$SCRIPT_DIR/.." && pwd -P)"
PORT="${S3_PORT:-19900}"
if ! [[ "$PORT" =~ ^[0-9]+$ ]] || (( PORT < 1 || PORT > 65535 )); then die "invalid S3_PORT '$PORT'"; fi
WS="${S3_WORK_DIR:-$REPO_DIR/build/s3}"
START_TIMEOUT="${S3_START_TIMEOUT:-60}"
HOST=127.0.0.1
ENDPOINT="http://$HOST:$PORT"
VENV="$WS/venv"
PY="$VENV/bin/python"
PID_FILE="$WS/moto.pid"
LOG="$WS/moto.log"
ENV_FILE="$WS/s3.env"
AUTH_FILE="$WS/auth"
REQS="$SCRIPT_DIR/s3-server.requirements.txt"
HELPER="$SCRIPT_DIR/s3-server.py"

now() { date +%s.%N; }
elapsed() { python3 -c 'import sys; print("%.1f" % (float(sys.argv[2]) - float(sys.argv[1])))' "$1" "$(now)"; }

# The pid in moto.pid if it is alive and is our moto_server on our port (a recycled pid is not).
server_pid() {
  local p cmd
  [[ -f "$PID_FILE" ]] || return 1
  p="$(cat "$PID_FILE")"
  [[ "$p" =~ ^[0-9]+$ && -r "/proc/$p/cmdline" ]] || return 1
  cmd="$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null || true)"
  [[ "$cmd" == *"$VENV/bin/"*moto_server*" -p $PORT"* ]] || return 1
  echo "$p"
}

answering() { curl -fsS --max-time 3 -o /dev/null "$ENDPOINT/moto-api/" 2>/dev/null; }

port_in_use() {
  python3 - "$1" <<'EOF'
import socket, sys
s = socket.socket()
s.settimeout(1.0)
try:
    s.connect(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
sys.exit(0)
EOF
}

ensure_venv() {
  local stamp="$VENV/.requirements" t0 py="${S3_PYTHON_BIN:-python3}"
  if [[ -x "$PY" && -x "$VENV/bin/moto_server" && -f "$stamp" ]] && cmp -s "$REQS" "$stamp"; then
    return 0
  fi
  command -v "$py" >/dev/null 2>&1 || die "python3 not found (set S3_PYTHON_BIN)"
  say "installing moto (pinned, $REQS) into $VENV ..."
  t0="$(now)"
  rm -rf "$VENV"
  "$py" -m venv "$VENV" >"$WS/pip-install.log" 2>&1 || { cat "$WS/pip-install.log" >&2; die "could not create venv $VENV (python3-venv missing?)"; }
  if ! "$PY" -m pip install --disable-pip-version-check --no-input --progress-bar off -q \
        -r "$REQS" >>"$WS/pip-install.log" 2>&1; then
    tail -n 20 "$WS/pip-install.log" >&2
    die "pip install -r $REQS failed (log: $WS/pip-install.log)"
  fi
  cp "$REQS" "$stamp"
  say "installed moto in $(elapsed "$t0") s"
}

stop_server() {
  local p i
  p="$(server_pid)" || { rm -f "$PID_FILE"; return 1; }
  kill "$p" 2>/dev/null || true
  for (( i = 0; i < 50; i++ )); do
    kill -0 "$p" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$p" 2>/dev/null; then
    say "moto_server (pid $p) still alive after 5 s, kill -9"
    kill -9 "$p" 2>/dev/null || true
  fi
  rm -f "$PID_FILE"
  return 0
}

cmd_up() {
  local t0 p deadline
  t0="$(now)"
  mkdir -p "$WS"
  exec 9>"$WS/.lock"
  flock -w 120 9 || die "another s3-server.sh is working on $WS"
  command -v curl >/dev/null 2>&1 || die "curl is required (scripts/install-deps.sh --flink)"
  ensure_venv
  if p="$(server_pid)"; then
    if answering; then
      "$PY" "$HELPER" setup "$ENDPOINT" "$ENV_FILE" "$PORT" "$PY" || die "setting up the bucket and IAM users failed"
      echo off >"$AUTH_FILE"
      say "moto already running (pid $p) at $ENDPOINT, authentication off (env: $ENV_FILE)"
      return 0
    fi
    say "moto_server (pid $p) does not answer; restarting it"
    stop_server || true
  fi
  port_in_use "$PORT" && die "port $PORT on 127.0.0.1 is already in use by another process (set S3_PORT)"
  [[ -f "$LOG" ]] && mv "$LOG" "$LOG.prev"
  # Its own session, so a Ctrl-C of the caller's shell does not reach it; no inherited settings
  # that change how moto authenticates or addresses buckets.
  env -u INITIAL_NO_AUTH_ACTION_COUNT -u S3_IGNORE_SUBDOMAIN_BUCKETNAME -u MOTO_S3_CUSTOM_ENDPOINTS \
    setsid "$VENV/bin/moto_server" -H "$HOST" -p "$PORT" </dev/null >"$LOG" 2>&1 9>&- &
  echo $! >"$PID_FILE"
  deadline=$(( SECONDS + START_TIMEOUT ))
  until answering; do
    if ! server_pid >/dev/null; then
      tail -n 20 "$LOG" >&2 || true
      rm -f "$PID_FILE"
      die "moto_server exited during start-up (log: $LOG)"
    fi
    if (( SECONDS >= deadline )); then
      tail -n 20 "$LOG" >&2 || true
      stop_server || true
      die "moto_server not answering at $ENDPOINT within $START_TIMEOUT s (log: $LOG)"
    fi
    sleep 0.1
  done
  rm -f "$ENV_FILE"   # a new server knows none of the old keys
  "$PY" "$HELPER" setup "$ENDPOINT" "$ENV_FILE" "$PORT" "$PY" || { stop_server || true; die "setting up the bucket and IAM users failed"; }
  echo off >"$AUTH_FILE"
  say "moto ready at $ENDPOINT (pid $(cat "$PID_FILE")) in $(elapsed "$t0") s, authentication off (env: $ENV_FILE)"
}

cmd_down() {
  if stop_server; then say "stopped moto_server of $WS"; else say "moto_server of $WS is not running"; fi
  rm -f "$AUTH_FILE"
}

cmd_status() {
  local p
  p="$(server_pid)" || { echo "not running ($ENDPOINT, workspace $WS)"; return 3; }
  if answering; then
    echo "running: moto at $ENDPOINT (pid $p, authentication $(cat "$AUTH_FILE" 2>/dev/null || echo unknown))"
    return 0
  fi
  echo "process alive (pid $p) but not answering at $ENDPOINT"
  return 1
}

cmd_auth() {
  server_pid >/dev/null || die "moto_server of $WS is not running (scripts/s3-server.sh up)"
  "$PY" "$HELPER" auth "$ENDPOINT" "$1" >/dev/null || die "could not turn authentication $1"
  echo "$1" >"$AUTH_FILE"
  say "authentication $1"
}

case "${1:-} ${2:-}" in
  "up ") cmd_up ;;
  "down ") cmd_down ;;
  "status ") cmd_status ;;
  "env ") [[ -f "$ENV_FILE" ]] || { say "no $ENV_FILE yet; run: $0 up"; exit 3; }; cat "$ENV_FILE" ;;
  "auth on"|"auth off") [[ $# -eq 2 ]] || { usage; exit 2; }; cmd_auth "$2" ;;
  "selftest ")
    server_pid >/dev/null || die "moto_server of $WS is not running (scripts/s3-server.sh up)"
    "$PY" "$HELPER" selftest "$ENV_FILE"
    echo off >"$AUTH_FILE" ;;
  "-h "|"--help "|"help ") usage ;;
  *) usage; exit 2 ;;
esac
