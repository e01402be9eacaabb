#!/usr/bin/env bash
# Turn cost of two builds side by side on this box (docs/benchmarks.md, "Turn cost"): each is built in a worktree
# of its own, run on a freshly started benchmark stack, given the same turns load by the same load tool, and
# stopped; then the CPU per turn of every process and in total is printed as new ÷ base. Ratios taken this way
# hold across machines; absolute figures do not.
#
#   compare.sh BASE [NEW...]  BASE, NEW: commits; NEW defaults to this checkout as it is (uncommitted changes too).
#                             Several NEW are run one after another, each printed against BASE (a change's steps
#                             and the work's start, in one run).
#
# Environment: RATE (turns/s, default 100), WARMUP (s of load before the first measured run, default 60),
# DURATION (s per measured run, default 45), ROUNDS (measured runs per build, default 2), DEBUG=1 to start
# sessions with debug (the tool's --no-debug is the default here: clients do not debug), OUT (result folder).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BASE=${1:?usage: compare.sh BASE [NEW...]}
shift
NEWS=("$@")
RATE=${RATE:-100}
WARMUP=${WARMUP:-60}
DURATION=${DURATION:-45}
ROUNDS=${ROUNDS:-2}
OUT=${OUT:-/tmp/hr-compare}
TREES=$OUT/trees
mkdir -p "$TREES"

LT="dotnet $HERE/bin/Release/net10.0/HeartRule.LoadTest.dll"
dotnet build "$HERE" -c Release -nologo -v q >/dev/null

checkout() { # commit → path of a worktree holding it
  local sha; sha=$(git -C "$ROOT" rev-parse --verify "$1^{commit}")
  local tree=$TREES/$sha
  [ -d "$tree" ] || git -C "$ROOT" worktree add --detach "$tree" "$sha" >/dev/null 2>&1
  echo "$tree"
}

debug_flag=--no-debug
[ "${DEBUG:-0}" = 1 ] && debug_flag=

run_build() { # label tree
  local label=$1 tree=$2 dir=$OUT/$1
  echo "== $label: $(git -C "$tree" log -1 --format='%h %s' 2>/dev/null || echo "$tree")"
  BENCH_ROOT=$tree "$HERE/bench-stack.sh" build >/dev/null
  rm -rf "$dir" && mkdir -p "$dir"
  export BENCH_DIR=$dir/stack
  trap '"$HERE/bench-stack.sh" stop' EXIT
  BENCH_ROOT=$tree "$HERE/bench-stack.sh" start 1 >/dev/null
  local procs; procs=$("$HERE/bench-stack.sh" pids | grep -v -e '^signalr=' | paste -sd,)
  # The first run only warms up (JIT, pools, the broker's queues); the measured runs follow on the same stack.
  $LT turns --urls http://127.0.0.1:28080 --conversations $((RATE * 2)) --rate "$RATE" --warmup "$WARMUP" --duration 10 \
      --procs "$procs" $debug_flag >"$dir/warmup.txt"
  for r in $(seq 1 "$ROUNDS"); do
    $LT turns --urls http://127.0.0.1:28080 --conversations $((RATE * 2)) --rate "$RATE" --warmup 15 --duration "$DURATION" \
        --procs "$procs" $debug_flag --label "$label run $r" --json "$dir/run$r.json" >"$dir/run$r.txt"
    grep -E "^RESULT|cpu per turn" "$dir/run$r.txt"
  done
  "$HERE/bench-stack.sh" stop
  trap - EXIT
}

base_tree=$(checkout "$BASE")
run_build base "$base_tree"
labels=() trees=()
if [ ${#NEWS[@]} -eq 0 ]; then
  run_build new "$ROOT"
  labels=("this checkout")
else
  for i in "${!NEWS[@]}"; do
    trees[i]=$(checkout "${NEWS[i]}")
    labels[i]=$(git -C "$ROOT" rev-parse --short "${NEWS[i]}")
    run_build "new$i" "${trees[i]}"
  done
fi

list() { seq 1 "$ROUNDS" | sed "s|.*|$OUT/$1/run&.json|" | paste -sd,; }
echo
echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; $RATE turns/s, ${DURATION}s × $ROUNDS per build${DEBUG:+, debug}"
if [ ${#NEWS[@]} -eq 0 ]; then
  $LT ratio --base "$(list base)" --new "$(list new)" --base-label "$(git -C "$ROOT" rev-parse --short "$BASE")" --new-label "${labels[0]}"
else
  for i in "${!NEWS[@]}"; do
    echo
    $LT ratio --base "$(list base)" --new "$(list "new$i")" --base-label "$(git -C "$ROOT" rev-parse --short "$BASE")" --new-label "${labels[i]}"
  done
fi

# The worktrees were only for this run; the results stay in $OUT.
git -C "$ROOT" worktree remove --force "$base_tree"
for tree in "${trees[@]}"; do git -C "$ROOT" worktree remove --force "$tree"; done
exit 0
