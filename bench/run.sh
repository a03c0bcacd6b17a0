#!/usr/bin/env bash
# The one command that runs every benchmark, in order:
#   1. bench/http/run.sh                                     HTTP load with wrk      -> artifacts/bench/http.md
#   2. dotnet run -c Release --project bench/Ratus.Benchmarks      engine and application layer (BenchmarkDotNet)
#   3. dotnet run -c Release --project bench/Ratus.Bench.Scaling   backlog scaling, memory per task, snapshots
# Usage: bench/run.sh [--smoke]
#   --smoke  every part in its seconds-long smoke mode (wrk -d1s without warm-up; the dotnet projects get --smoke):
#            proves the benchmarks still work, asserts no timing. CI runs it.
# Every part runs even when an earlier one failed; the exit status is 0 only when all of them succeeded.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

SMOKE=()
case "${1:-}" in
  "") ;;
  --smoke) SMOKE=(--smoke) ;;
  -h | --help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  *) echo "unknown argument: $1 (usage: bench/run.sh [--smoke])" >&2; exit 2 ;;
esac
[ $# -le 1 ] || { echo "usage: bench/run.sh [--smoke]" >&2; exit 2; }

RESULTS=()
FAILED=0
START=$SECONDS

# part NAME COMMAND...: runs one benchmark and records its outcome and duration.
part() {
  local name=$1 t0=$SECONDS rc
  shift
  echo
  echo "=== $name: $*"
  "$@"
  rc=$?
  if [ "$rc" = 0 ]; then
    RESULTS+=("$(printf '%-8s ok      %4ds' "$name" $((SECONDS - t0)))")
  else
    RESULTS+=("$(printf '%-8s FAILED  %4ds  (exit status %s)' "$name" $((SECONDS - t0)) "$rc")")
    FAILED=$((FAILED + 1))
  fi
}

dotnet_part() {
  part "$1" dotnet run -c Release --project "$2" -- "${SMOKE[@]}"
}

part http bench/http/run.sh "${SMOKE[@]}"
dotnet_part micro bench/Ratus.Benchmarks
dotnet_part scaling bench/Ratus.Bench.Scaling

echo
echo "=== bench/run.sh${SMOKE[*]:+ ${SMOKE[*]}}: $((SECONDS - START))s"
printf '%s\n' "${RESULTS[@]}"
[ "$FAILED" = 0 ]
