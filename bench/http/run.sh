#!/usr/bin/env bash
# HTTP load benchmark: the published ratus server (Release) on 127.0.0.1, driven by wrk with the Lua scripts beside
# this file. Scenarios, each for a bounded time with wrk -t2 -c16 after a warm-up:
#   floor    GET /v1/livez: the HTTP floor of this run
#   push     (a) POST /v1/topics/bench/tasks/{unique id}, small JSON payload
#   bulk     (b) POST /v1/topics/bulk/tasks {"data":[100 tasks with unique ids]}
#   cycle    (c) claim + commit on a preloaded backlog; the commit returns the task to pending at the back of the queue,
#                so the backlog stays constant (it never drains)
#   mixed    (d) producers (push, 8 connections) and consumers (claim + complete, 8 connections) on one topic
#   push, server started in its publish dir: the same-from-any-cwd check (the main server runs in an empty directory)
# Reported: requests/s, tasks/s, p50/p99 latency, non-2xx, server CPU µs per request (utime+stime of the server process
# from /proc/PID/stat) and the cores the server used. The table goes to stdout and to artifacts/bench/http.md; server
# logs and raw wrk output to artifacts/bench/http/.
#
# Usage: bench/http/run.sh [--smoke] [--duration S] [--warmup S] [--preload N] [--no-build]
#   --smoke      1 s per scenario, no warm-up, 10k preload: proves the benchmark works (no timing assertions)
#   --duration   seconds per scenario (default 5)
#   --warmup     seconds of warm-up per server before measuring (default 12; the first ~10 s run tier-0 JIT code)
#   --preload    tasks preloaded for the claim+commit scenario (default 100000; the mixed topic gets a fifth of it)
#   --no-build   use artifacts/bench/publish as it is
# Exit status: 0 when every scenario ran with requests, no non-2xx answer, no socket error, no drained backlog and no
# per-request logging; 1 otherwise (the table is still printed); 2 on a usage error.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

SMOKE=0
DURATION=5
WARMUP=12
PRELOAD=100000
BUILD=1
THREADS=2
CONNECTIONS=16
duration_set=0 warmup_set=0 preload_set=0
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) SMOKE=1 ;;
    --duration) DURATION=${2:?}; duration_set=1; shift ;;
    --warmup) WARMUP=${2:?}; warmup_set=1; shift ;;
    --preload) PRELOAD=${2:?}; preload_set=1; shift ;;
    --no-build) BUILD=0 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ "$SMOKE" = 1 ]; then
  [ "$duration_set" = 1 ] || DURATION=1
  [ "$warmup_set" = 1 ] || WARMUP=0
  [ "$preload_set" = 1 ] || PRELOAD=10000
fi
for v in "$DURATION" "$WARMUP" "$PRELOAD"; do
  [[ "$v" =~ ^[0-9]+$ ]] || { echo "not a whole number: $v" >&2; exit 2; }
done
[ "$DURATION" -ge 1 ] || { echo "--duration must be at least 1" >&2; exit 2; }

for tool in wrk curl dotnet; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "$tool not found on PATH (Debian: apt-get install -y $tool)" >&2
    exit 1
  fi
done

OUT="$ROOT/artifacts/bench"
PUB="$OUT/publish"
LOGS="$OUT/http"
mkdir -p "$LOGS"
rm -f "$LOGS"/*
ROWS="$LOGS/rows.tsv"
: >"$ROWS"
FAILURES=()
WARNINGS=()
SERVER_PID=      # the server this script started and has not stopped yet
WRK_PIDS=()      # background wrk processes not yet waited for
EMPTY_CWD=$(mktemp -d)
TICK_US=$((1000000 / $(getconf CLK_TCK)))

# Only processes this script started and has not reaped yet, so no recycled PID is ever signalled.
cleanup() {
  local pid
  for pid in "${WRK_PIDS[@]}" $SERVER_PID; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${WRK_PIDS[@]}" $SERVER_PID; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$EMPTY_CWD"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
  FAILURES+=("$1")
  echo "FAIL: $1" >&2
}

log() { echo "[http $(date +%H:%M:%S)] $*" >&2; }

if [ "$BUILD" = 1 ]; then
  log "publishing src/Ratus.Api (Release) to ${PUB#"$ROOT"/}"
  dotnet publish "$ROOT/src/Ratus.Api" -c Release -o "$PUB" -v q -nologo >"$LOGS/publish.log" 2>&1 || {
    cat "$LOGS/publish.log" >&2
    echo "publish failed" >&2
    exit 1
  }
fi
[ -f "$PUB/ratus.dll" ] || { echo "no $PUB/ratus.dll (run without --no-build)" >&2; exit 1; }

# CPU time (utime + stime, clock ticks) of a process; fields 14 and 15 of /proc/PID/stat, counted after the ")" that
# ends the command name.
cpu_ticks() {
  awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# start_server NAME DIR: starts ratus with DIR as its working directory; sets SERVER_PID, PORT, URL, SERVER_LOG.
start_server() {
  local name=$1 dir=$2 attempt
  SERVER_LOG="$LOGS/server-$name.log"
  for attempt in 1 2 3 4 5; do
    PORT=$((20000 + RANDOM % 20000))
    port_in_use "$PORT" && continue
    (cd "$dir" && exec dotnet "$PUB/ratus.dll" --bind 127.0.0.1 --port "$PORT" --chore-interval 0) >"$SERVER_LOG" 2>&1 &
    SERVER_PID=$!
    URL="http://127.0.0.1:$PORT"
    for _ in $(seq 300); do
      if curl -sf -o /dev/null "$URL/v1/readyz"; then
        # The CPU figures read this PID's /proc/PID/stat: it must be the server itself, not a shell around it.
        if ! tr '\0' ' ' <"/proc/$SERVER_PID/cmdline" | grep -q "ratus.dll"; then
          fail "pid $SERVER_PID is not the server process"
          return 1
        fi
        log "server '$name' (pid $SERVER_PID) ready on $URL, working directory $dir"
        return 0
      fi
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    log "server '$name' did not start on port $PORT (attempt $attempt):"
    tail -5 "$SERVER_LOG" >&2
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
    grep -q "address already in use" "$SERVER_LOG" || break # only a port taken meanwhile is worth another try
  done
  fail "server '$name' did not start"
  return 1
}

# stop_server: SIGTERM and wait; a stop that is not graceful (exit status, no "shut down gracefully" line) is a warning.
stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  local rc=0
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || rc=$?
  SERVER_PID=
  if [ "$rc" != 0 ] || ! grep -q "shut down gracefully" "$SERVER_LOG"; then
    WARNINGS+=("server log ${SERVER_LOG#"$ROOT"/}: SIGTERM ended it with exit status $rc$(grep -q "shut down gracefully" "$SERVER_LOG" || echo ', no "shut down gracefully" line')")
    echo "WARNING: ${WARNINGS[-1]}" >&2
  fi
}

# wrk_run OUTFILE CONNECTIONS THREADS SECONDS SCRIPT [LUA ARGS...]: the first Lua argument is the unique ID tag.
wrk_run() {
  local out=$1 c=$2 t=$3 d=$4 script=$5
  shift 5
  wrk -t"$t" -c"$c" -d"${d}s" -s "$HERE/$script" "$URL" -- "$@" >"$out" 2>&1
}

# field FILE KEY: a value of the "@@ key=value ..." line that common.lua's done() prints.
field() {
  awk -v k="$2" '/^@@ / { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) print kv[2] } }' "$1"
}

RUN_TAG="r$(date +%s)$$"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

warm_up() {
  [ "$WARMUP" -gt 0 ] || return 0
  log "warming up for ${WARMUP}s (push, bulk, claim, commit, livez interleaved on topic 'warmup')"
  wrk_run "$LOGS/warmup-$1.out" "$CONNECTIONS" "$THREADS" "$WARMUP" warmup.lua "$RUN_TAG-w$1" ||
    { fail "wrk failed during the warm-up"; cat "$LOGS/warmup-$1.out" >&2; }
  curl -sf -o /dev/null -X DELETE "$URL/v1/topics/warmup" || fail "could not delete the warm-up topic"
}

# preload TOPIC COUNT: bulk-inserts COUNT tasks in batches of 10,000 (each about 0.6 MB, under the 1 MiB body limit).
preload() {
  local topic=$1 count=$2 from body created
  body="$LOGS/preload.json"
  for ((from = 0; from < count; from += 10000)); do
    awk -v topic="$topic" -v tag="$RUN_TAG" -v from="$from" -v to="$((from + 10000 < count ? from + 10000 : count))" \
      'BEGIN { printf "{\"data\":["; for (i = from; i < to; i++) printf "%s{\"_id\":\"pre-%s-%s-%d\",\"payload\":{\"url\":\"https://example.com/page\",\"depth\":3}}", (i > from ? "," : ""), tag, topic, i; printf "]}" }' \
      >"$body"
    created=$(curl -sS -X POST --data-binary @"$body" -H 'Content-Type: application/json' "$URL/v1/topics/$topic/tasks" |
      sed -n 's/.*"created":\([0-9]*\).*/\1/p')
    if [ "${created:-0}" != "$((from + 10000 < count ? 10000 : count - from))" ]; then
      fail "preload of '$topic' created ${created:-nothing} tasks in a batch"
      return 1
    fi
  done
  rm -f "$body"
}

topic_count() {
  curl -sf "$URL/v1/topics/$1" | sed -n 's/.*"count":\([0-9]*\).*/\1/p'
}

# record NAME REQUESTS SECONDS TASKS P50 P99 NON2XX SOCKETERRS TICKS WALL_US NOTE
record() {
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$ROWS"
}

# check NAME OUTFILE: the failure conditions shared by every wrk run.
check() {
  local name=$1 out=$2 requests non2xx socket
  requests=$(field "$out" requests)
  if [ -z "$requests" ]; then
    fail "$name: wrk printed no summary"
    tail -5 "$out" >&2
    return 1
  fi
  non2xx=$(field "$out" non2xx)
  socket=$(($(field "$out" connect) + $(field "$out" read) + $(field "$out" write) + $(field "$out" timeout)))
  [ "$requests" -gt 0 ] || fail "$name: zero requests"
  [ "$non2xx" = 0 ] || fail "$name: $non2xx non-2xx responses"
  [ "$socket" = 0 ] || fail "$name: $socket socket errors (connect/read/write/timeout)"
}

# scenario NAME SCRIPT TASKS_KIND [LUA ARGS...]: one wrk run with the whole load generator; TASKS_KIND says which
# count is the tasks moved: none, requests (one per request), created (bulk), committed (cycles).
scenario() {
  local name=$1 script=$2 kind=$3 out t0 t1 w0 w1 tasks
  shift 3
  OUTFILE=
  out="$LOGS/$(echo "$name" | tr -c 'a-zA-Z0-9\n' '_').out"
  log "$name: ${DURATION}s, wrk -t$THREADS -c$CONNECTIONS, $script"
  t0=$(cpu_ticks "$SERVER_PID")
  w0=$(date +%s%N)
  wrk_run "$out" "$CONNECTIONS" "$THREADS" "$DURATION" "$script" "$@" || fail "$name: wrk exited with an error"
  w1=$(date +%s%N)
  t1=$(cpu_ticks "$SERVER_PID")
  check "$name" "$out" || return 0
  case $kind in
    none) tasks=0 ;;
    requests) tasks=$(($(field "$out" requests) - $(field "$out" non2xx))) ;;
    *) tasks=$(field "$out" "$kind") ;;
  esac
  record "$name" "$(field "$out" requests)" "$(field "$out" duration_us)" "$tasks" "$(field "$out" p50_us)" \
    "$(field "$out" p99_us)" "$(field "$out" non2xx)" 0 "$((t1 - t0))" "$(((w1 - w0) / 1000))" "${NOTE:-}"
  OUTFILE=$out # set only when the run produced a summary
}

log_lines_during() { # log_lines_during START_LINES: lines the server logged since
  echo $(($(wc -l <"$SERVER_LOG") - $1))
}

# ---------------------------------------------------------------------------------------------------------------------
# The main server, started in an empty directory: every scenario.
start_server main "$EMPTY_CWD" || exit 1
warm_up main
lines0=$(wc -l <"$SERVER_LOG")

NOTE="HTTP floor: 200, empty body" scenario "floor: GET /v1/livez" livez.lua none "$RUN_TAG-f"

NOTE="1 task per request" scenario "(a) push, single task" push.lua requests "$RUN_TAG-a" bench

NOTE="100 tasks per request" scenario "(b) bulk push, 100/request" bulk.lua created "$RUN_TAG-b" bulk 100
if [ -n "$OUTFILE" ]; then
  created=$(field "$OUTFILE" created)
  expected=$((100 * ($(field "$OUTFILE" requests) - $(field "$OUTFILE" non2xx))))
  [ "$created" = "$expected" ] || fail "bulk: created $created tasks, expected $expected (duplicate IDs skipped?)"
  [ "$(field "$OUTFILE" other)" = 0 ] || fail "bulk: $(field "$OUTFILE" other) unparsable answers"
fi

log "preloading $PRELOAD tasks into topic 'cycle'"
if preload cycle "$PRELOAD"; then
  NOTE="backlog $PRELOAD, constant: commit {nonce,state:0,defer:0s} requeues at the back" \
    scenario "(c) claim + commit" cycle.lua committed "$RUN_TAG-c" cycle requeue
  if [ -n "$OUTFILE" ]; then
    [ "$(field "$OUTFILE" nothing_due)" = 0 ] || fail "cycle: $(field "$OUTFILE" nothing_due) polls found nothing due (drained)"
    [ "$(field "$OUTFILE" committed)" -gt 0 ] || fail "cycle: no commit succeeded"
    left=$(topic_count cycle)
    [ "$left" = "$PRELOAD" ] || fail "cycle: topic holds $left tasks after the run, preloaded $PRELOAD"
  fi
fi

# (d) Mixed: two wrk processes at once, one thread and half the connections each, on topic "mixed".
MIXED_PRELOAD=$((PRELOAD / 5))
log "preloading $MIXED_PRELOAD tasks into topic 'mixed'"
if preload mixed "$MIXED_PRELOAD"; then
  half=$((CONNECTIONS / 2))
  log "(d) mixed: ${DURATION}s, wrk -t1 -c$half push + wrk -t1 -c$half claim+complete"
  t0=$(cpu_ticks "$SERVER_PID")
  w0=$(date +%s%N)
  wrk_run "$LOGS/mixed_push.out" "$half" 1 "$DURATION" push.lua "$RUN_TAG-dp" mixed &
  WRK_PIDS+=("$!")
  wrk_run "$LOGS/mixed_cycle.out" "$half" 1 "$DURATION" cycle.lua "$RUN_TAG-dc" mixed complete &
  WRK_PIDS+=("$!")
  wait "${WRK_PIDS[0]}" || fail "mixed: the push wrk exited with an error"
  wait "${WRK_PIDS[1]}" || fail "mixed: the claim wrk exited with an error"
  WRK_PIDS=()
  w1=$(date +%s%N)
  t1=$(cpu_ticks "$SERVER_PID")
  if check "mixed push" "$LOGS/mixed_push.out" && check "mixed claim+complete" "$LOGS/mixed_cycle.out"; then
    p=$LOGS/mixed_push.out c=$LOGS/mixed_cycle.out
    [ "$(field "$c" nothing_due)" = 0 ] || fail "mixed: $(field "$c" nothing_due) polls found nothing due (drained)"
    pushed=$(($(field "$p" requests) - $(field "$p" non2xx)))
    completed=$(field "$c" committed)
    record "(d) mixed: producers" "$(field "$p" requests)" "$(field "$p" duration_us)" "$pushed" \
      "$(field "$p" p50_us)" "$(field "$p" p99_us)" "$(field "$p" non2xx)" 0 "-" "-" \
      "wrk -c$half: push to 'mixed'"
    record "(d) mixed: consumers" "$(field "$c" requests)" "$(field "$c" duration_us)" "$completed" \
      "$(field "$c" p50_us)" "$(field "$c" p99_us)" "$(field "$c" non2xx)" 0 "-" "-" \
      "wrk -c$half: claim + complete (state 2), $MIXED_PRELOAD preloaded"
    record "(d) mixed: together" "$(($(field "$p" requests) + $(field "$c" requests)))" "$(((w1 - w0) / 1000))" \
      "$((pushed + completed))" "-" "-" "$(($(field "$p" non2xx) + $(field "$c" non2xx)))" 0 "$((t1 - t0))" \
      "$(((w1 - w0) / 1000))" "backlog $((MIXED_PRELOAD + pushed - completed)) at the end (pushed - completed: $((pushed - completed)))"
  fi
fi

logged=$(log_lines_during "$lines0")
[ "$logged" -le 100 ] || fail "the main server logged $logged lines while measured (per-request logging?)"
stop_server

# ---------------------------------------------------------------------------------------------------------------------
# The same-from-any-cwd check: a second server started in its own publish directory, the single push again.
if start_server publish-dir "$PUB"; then
  warm_up publish-dir
  lines0=$(wc -l <"$SERVER_LOG")
  NOTE="same as (a), server started in its publish dir" scenario "(a) push, cwd = publish dir" push.lua requests "$RUN_TAG-e" bench
  logged_pub=$(log_lines_during "$lines0")
  [ "$logged_pub" -le 100 ] || fail "the publish-dir server logged $logged_pub lines while measured (per-request logging?)"
  stop_server
fi

# ---------------------------------------------------------------------------------------------------------------------
# The table.
floor_us=$(awk -F'\t' '$1 ~ /^floor/ && $2 > 0 { printf "%.4f", $9 * '"$TICK_US"' / $2 }' "$ROWS")
{
  echo "## HTTP load benchmark"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (modified)'); $(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)); .NET SDK $(dotnet --version); $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)."
  echo "\`bench/http/run.sh$([ "$SMOKE" = 1 ] && echo ' --smoke') --duration $DURATION --warmup $WARMUP --preload $PRELOAD\`: published Release build on 127.0.0.1, \`--chore-interval 0\`, started in an empty directory; wrk -t$THREADS -c$CONNECTIONS for ${DURATION}s per scenario after ${WARMUP}s of warm-up. Load generator and server share the machine."
  echo "Load average (1, 5, 15 min) before: $LOAD_BEFORE, after: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine competes for the same cores)."
  echo "Server CPU = utime+stime of the server process (/proc/PID/stat) over the run / requests; cores = that CPU time / wall time. × floor = CPU per request / the livez floor's."
  echo
  echo "| scenario | requests/s | tasks/s | p50 µs | p99 µs | non-2xx | server CPU µs/req | × floor | server cores | notes |"
  echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|---|"
  awk -F'\t' -v tick="$TICK_US" -v floor="${floor_us:-0}" '
    function group(n,   s, neg) {
      neg = n < 0; if (neg) n = -n
      s = sprintf("%d", n + 0.5)
      while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]([,]|$)/, ",&", s)
      return (neg ? "-" : "") s
    }
    {
      secs = $3 / 1e6
      rps = secs > 0 ? group($2 / secs) : "-"
      tps = ($4 == 0 || secs == 0) ? "-" : group($4 / secs)
      if ($9 == "-") { cpu = "-"; x = "-"; cores = "-" }
      else {
        cpu = $2 > 0 ? sprintf("%.1f", $9 * tick / $2) : "-"
        x = (floor > 0 && $2 > 0) ? sprintf("%.2f", ($9 * tick / $2) / floor) : "-"
        cores = $10 > 0 ? sprintf("%.2f", $9 * tick / $10) : "-"
      }
      printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, rps, tps, $5, $6, $7, cpu, x, cores, $11
    }' "$ROWS"
  echo
  echo "tasks/s: tasks pushed (single), tasks created (bulk), claim+commit cycles (c: two requests each), pushed and completed (d)."
  awk -F'\t' -v tick="$TICK_US" '
    $1 == "(a) push, single task" && $2 > 0 { a = $9 * tick / $2; ar = $2 / $3 * 1e6 }
    $1 == "(a) push, cwd = publish dir" && $2 > 0 { b = $9 * tick / $2; br = $2 / $3 * 1e6 }
    END {
      if (a > 0 && b > 0)
        printf "\nSame from any working directory: single push %.1f µs/req, %d req/s started in an empty directory; " \
          "%.1f µs/req, %d req/s started in the publish directory (CPU per request %+.0f %%). Lines logged while measured: %s and %s.\n",
          a, ar, b, br, (a / b - 1) * 100, "'"${logged:-?}"'", "'"${logged_pub:-?}"'"
    }' "$ROWS"
  if [ "${#WARNINGS[@]}" -gt 0 ]; then
    echo
    echo "**Warnings:**"
    printf -- '- %s\n' "${WARNINGS[@]}"
  fi
  if [ "${#FAILURES[@]}" -gt 0 ]; then
    echo
    echo "**Problems:**"
    printf -- '- %s\n' "${FAILURES[@]}"
  fi
} | tee "$OUT/http.md"

if [ "${#FAILURES[@]}" -gt 0 ]; then
  echo "http benchmark: ${#FAILURES[@]} problem(s)" >&2
  exit 1
fi
