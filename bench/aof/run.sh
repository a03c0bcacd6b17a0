#!/usr/bin/env bash
# Push and claim+commit throughput of memdb with the append-only log off / no / everysec / always.
# Usage: bench/aof/run.sh [push seconds] [connections] [warm-up seconds]   (Release build; loopback; wrk)
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_PER_RUN=${1:-6}
# Claims run for half as long, so they never drain the queue the push filled (a 404 poll would inflate the rate).
CLAIM_SECONDS=$(( (SECONDS_PER_RUN + 1) / 2 ))
CONNECTIONS=${2:-16}
# The first seconds after start run tier-0 JIT code (see performance-notes): warm up before measuring.
WARMUP_SECONDS=${3:-10}
dotnet build -c Release -v q src/Ratus.Api >/dev/null
DLL=artifacts/bin/Ratus.Api/release/ratus.dll
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
for mode in off no everysec always; do
  PORT=$((20000 + RANDOM % 20000))
  args=(--port "$PORT" --bind 127.0.0.1 --chore-interval 0)
  if [ "$mode" != off ]; then args+=(--memdb-aof-path "$DIR/$mode.aof" --memdb-aof-fsync "$mode"); fi
  dotnet "$DLL" "${args[@]}" >"$DIR/$mode.log" 2>&1 &
  PID=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/v1/livez" >/dev/null && break; sleep 0.1; done
  # The HTTP benchmark's scripts: push with IDs unique per tag and thread, claim + complete (commit with the nonce).
  tag="aof-$mode-$$"
  wrk -t2 -c"$CONNECTIONS" -d"${WARMUP_SECONDS}s" -s bench/http/push.lua "http://127.0.0.1:$PORT" -- "$tag-w" bench >/dev/null
  wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_RUN}s" -s bench/http/push.lua "http://127.0.0.1:$PORT" -- "$tag-p" bench >"$DIR/push.out"
  wrk -t2 -c"$CONNECTIONS" -d"${CLAIM_SECONDS}s" -s bench/http/cycle.lua "http://127.0.0.1:$PORT" -- "$tag-c" bench complete >"$DIR/pc.out"
  push=$(awk '/Requests\/sec/ {print $2}' "$DIR/push.out")
  pc=$(awk '/Requests\/sec/ {print $2}' "$DIR/pc.out")
  left=$(cat "$DIR/push.out" "$DIR/pc.out" | awk '/Non-2xx/ {n += $5} END {print n + 0}')
  size=$( [ "$mode" != off ] && du -h "$DIR/$mode.aof" | cut -f1 || echo -)
  kill "$PID"; wait "$PID" 2>/dev/null || true
  printf '%-9s push %10s req/s   claim+commit %10s req/s (%s pairs/s)   non-2xx %s   log %s\n' \
    "$mode" "$push" "$pc" "$(awk "BEGIN {printf \"%.0f\", $pc / 2}")" "$left" "$size"
done
