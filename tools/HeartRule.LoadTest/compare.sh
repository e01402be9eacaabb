#!/usr/bin/env bash
# Turn cost of two builds side by side on this box (docs/benchmarks.md, "Turn cost"): each is built in a worktree
# of its own, run on a freshly started benchmark stack, given the same turns load by the same load tool, and
# stopped; then the CPU per turn of every process and in total is printed as new ÷ base. Ratios taken this way
# hold across machines; absolute figures do not.
#
#   compare.sh BASE [NEW...]  BASE, NEW: commits; NEW defaults to this checkout as it is (uncommitted changes too).
#                             Several NEW are each printed against BASE (a change's steps and the work's start, in
#                             one run). Each round runs every build once, in turn, each on a fresh stack.
#
# Environment: RATE (turns/s, default 100), WARMUP (s of load on each fresh stack before its measured run, default
# 60), DURATION (s per measured run, default 45), ROUNDS (measured runs per build, default 2), DEBUG=1 to start
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

run_round() { # label tree round
  local label=$1 tree=$2 r=$3 dir=$OUT/$1
  echo "== $label round $r: $(git -C "$tree" log -1 --format='%h %s' 2>/dev/null || echo "$tree")"
  mkdir -p "$dir"
  export BENCH_DIR=$dir/stack$r
  trap '"$HERE/bench-stack.sh" stop' EXIT
  BENCH_ROOT=$tree "$HERE/bench-stack.sh" start 1 >/dev/null
  local procs; procs=$("$HERE/bench-stack.sh" pids | grep -v -e '^signalr=' | paste -sd,)
  # Each stack is fresh: a warm-up run first (JIT, pools, the broker's queues), then the measured run on it.
  $LT turns --urls http://127.0.0.1:28080 --conversations $((RATE * 2)) --rate "$RATE" --warmup "$WARMUP" --duration 10 \
      --procs "$procs" $debug_flag >"$dir/warmup$r.txt"
  $LT turns --urls http://127.0.0.1:28080 --conversations $((RATE * 2)) --rate "$RATE" --warmup 15 --duration "$DURATION" \
      --procs "$procs" $debug_flag --label "$label run $r" --json "$dir/run$r.json" >"$dir/run$r.txt"
  grep -E "^RESULT|cpu per turn" "$dir/run$r.txt"
  "$HERE/bench-stack.sh" stop
  trap - EXIT
}

base_tree=$(checkout "$BASE")
labels=() trees=() names=()
if [ ${#NEWS[@]} -eq 0 ]; then
  trees=("$ROOT") labels=("this checkout") names=(new)
else
  for i in "${!NEWS[@]}"; do
    trees[i]=$(checkout "${NEWS[i]}")
    labels[i]=$(git -C "$ROOT" rev-parse --short "${NEWS[i]}")
    names[i]=new$i
  done
fi
BENCH_ROOT=$base_tree "$HERE/bench-stack.sh" build >/dev/null
for tree in "${trees[@]}"; do BENCH_ROOT=$tree "$HERE/bench-stack.sh" build >/dev/null; done
rm -rf "${OUT:?}/base" && for name in "${names[@]}"; do rm -rf "${OUT:?}/$name"; done
# The builds take turns, round after round (base, new, base, new…), each on a stack of its own: the host under this
# VM drifts by tens of percent within an hour, and running all of one build's rounds before the other's put that
# drift into the ratio (docs/benchmarks.md, "Turn cost").
for r in $(seq 1 "$ROUNDS"); do
  run_round base "$base_tree" "$r"
  for i in "${!trees[@]}"; do run_round "${names[i]}" "${trees[i]}" "$r"; done
done

list() { seq 1 "$ROUNDS" | sed "s|.*|$OUT/$1/run&.json|" | paste -sd,; }
echo
echo "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores; $RATE turns/s, ${DURATION}s × $ROUNDS per build${DEBUG:+, debug}"
for i in "${!trees[@]}"; do
  echo
  $LT ratio --base "$(list base)" --new "$(list "${names[i]}")" --base-label "$(git -C "$ROOT" rev-parse --short "$BASE")" --new-label "${labels[i]}"
done

# The worktrees were only for this run; the results stay in $OUT.
git -C "$ROOT" worktree remove --force "$base_tree"
[ ${#NEWS[@]} -eq 0 ] || for tree in "${trees[@]}"; do git -C "$ROOT" worktree remove --force "$tree"; done
exit 0
