#!/usr/bin/env bash
# The main job, end to end: build `flink`, start a local real Flink session cluster with
# scripts/flink-cluster.sh, and walk the sample stateful job through
#   run -> savepoint -> cancel -s -> inspect (offline, and the restore check) -> run -s -n (a variant
#   without the stateful operator) -> savepoint -d
# printing each `flink` command before running it. The cluster is stopped at the end.
# FLINK_VERSION picks the Flink release (default 1.20.5; 2.3.0 works too).
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
flink="$repo/build/bin/flink"

step() { printf '\n=== %s\n' "$*"; }
show() { printf '$ flink %s\n' "$*"; "$flink" "$@"; }
rest() { curl -fsS "$FLINK_REST_URL$1"; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
wait_for() {  # wait_for <description> <command...>: up to 120 s
  local what="$1"; shift
  for _ in $(seq 240); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "demo: timed out waiting for $what" >&2; return 1
}
job_running() {
  rest "/jobs/$1" | json "d['state']=='RUNNING' and all(v['status']=='RUNNING' for v in d['vertices'])" | grep -q True
}
job_running_with_state() {  # running, and the keyed counter (last vertex) has seen records
  rest "/jobs/$1" | json "d['state']=='RUNNING' and all(v['status']=='RUNNING' for v in d['vertices']) and d['vertices'][-1]['metrics'].get('read-records',0)>5" | grep -q True
}

step "Build"
"$repo/scripts/build.sh" --target flink

step "Start a local Flink ${FLINK_VERSION:-1.20.5} session cluster"
trap '"$repo/scripts/flink-cluster.sh" down' EXIT
"$repo/scripts/flink-cluster.sh" up
eval "$("$repo/scripts/flink-cluster.sh" env)"   # FLINK_CONF_DIR, FLINK_JOB_JAR, FLINK_REST_URL, ...
export FLINK_CONF_DIR

step "Submit the sample stateful job"
out="$(show run -d "$FLINK_JOB_JAR" --name demo-job)"; echo "$out"
job="$(sed -n 's/.*JobID \([0-9a-f]\{32\}\).*/\1/p' <<<"$out")"
wait_for "the job to run with state" job_running_with_state "$job"
show list

step "Take a savepoint (to the configured default directory)"
show savepoint "$job"

step "Cancel the job with a savepoint"
out="$(show cancel -s "$job")"; echo "$out"
savepoint="$(sed -n 's/.*Savepoint stored in \(.*\)\.$/\1/p' <<<"$out")"

step "Look inside the savepoint offline, and check the restore before deploying"
show inspect "$savepoint"
if show inspect --expect-uids source-id,throttle-id,sink-id "$savepoint"; then
  echo "demo: the restore check should have flagged the mapper's state" >&2; exit 1
fi

step "Restore into a version without the stateful operator: refused without -n ..."
if show run -d -s "$savepoint" "$FLINK_JOB_JAR" --without-mapper --name demo-restored; then
  echo "demo: the restore should have been refused" >&2; exit 1
fi
step "... and accepted with -n (--allowNonRestoredState)"
out="$(show run -d -s "$savepoint" -n "$FLINK_JOB_JAR" --without-mapper --name demo-restored)"; echo "$out"
restored="$(sed -n 's/.*JobID \([0-9a-f]\{32\}\).*/\1/p' <<<"$out")"
wait_for "the restored job to run" job_running "$restored"
echo "restored from: $(rest "/jobs/$restored/checkpoints" | json "d['latest']['restored']['external_path']")"

step "Stop the restored job, then dispose of the savepoint it came from"
show cancel "$restored"
show savepoint -d "$savepoint"
test ! -e "${savepoint#file:}" && echo "savepoint directory removed: ${savepoint#file:}"

step "Done"
