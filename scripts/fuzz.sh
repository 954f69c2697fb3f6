#!/usr/bin/env bash
# Runs the libFuzzer target emlc-fuzz (tools/emlc-fuzz; build it with scripts/build-fuzz.sh) on the importer and
# the whole compile to C, then prints the executions, their rate, the corpus size and every crash it wrote.
#
#   scripts/fuzz.sh [--time SECONDS] [--jobs N] [--corpus DIR] [--artifacts DIR] [--seeds in|all]
#                   [--binary PATH] [--keep-going] [--fresh] [--shared-context N]
#
# e.g. a one-hour campaign on both cores: scripts/fuzz.sh --time 3600 --jobs 2 --keep-going
#
# The corpus folder keeps what the fuzzer learnt between runs; it is seeded (test/fuzz/make_seeds.py: the shared
# models, the ONNX backend tests and test/fuzz/regressions) when empty. Limits (the issue's acceptance): an input
# running over 10 s is a hang, over 2048 MB RSS an out-of-memory; both count as crashes. --keep-going (libFuzzer's
# fork mode) goes on after a crash and collects every one; otherwise the run stops at the first. --fresh empties
# the corpus first (a run that does not depend on earlier ones). --shared-context N is for long campaigns: one MLIR
# context serves N inputs (EMLC_FUZZ_CONTEXT_RUNS, see tools/emlc-fuzz) and ASan keeps no allocation stacks
# (malloc_context_size=0): 916 executions/s on 2 cores against 400 (2026-12-04), but a finding may then depend on
# the inputs before it and its report names no allocation site: reproduce it without the option (fuzz.regressions).
# Exit: 0 without a crash, 1 with one, 77 when the fuzz build is absent (and CI is not set).
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
time=600 jobs=1 corpus="$root/build-fuzz/corpus" artifacts="$root/build-fuzz/artifacts" seeds=all keep=0 fresh=0
shared=1
binary="$root/build-fuzz/bin/emlc-fuzz"
while [ $# -gt 0 ]; do
  case "$1" in
  --time) time=$2; shift 2 ;;
  --jobs) jobs=$2; shift 2 ;;
  --corpus) corpus=$2; shift 2 ;;
  --artifacts) artifacts=$2; shift 2 ;;
  --seeds) seeds=$2; shift 2 ;;
  --binary) binary=$2; shift 2 ;;
  --keep-going) keep=1; shift ;;
  --fresh) fresh=1; shift ;;
  --shared-context) shared=$2; shift 2 ;;
  *) echo "fuzz.sh: unknown argument '$1' (see the comment at the top of scripts/fuzz.sh)" >&2; exit 2 ;;
  esac
done
if [ ! -x "$binary" ]; then
  msg="fuzz.sh: no fuzz build at $binary (build it: scripts/build-fuzz.sh; needs clang-19 and libclang-rt-19-dev)"
  if [ "${CI:-}" = "true" ]; then
    echo "$msg" >&2
    exit 1
  fi
  echo "SKIP: $msg"
  exit 77
fi
[ "$fresh" = 1 ] && rm -rf "$corpus"
mkdir -p "$corpus" "$artifacts"
if [ -z "$(ls -A "$corpus")" ]; then
  /usr/bin/python3 "$root/test/fuzz/make_seeds.py" "$corpus" --scope "$seeds" || exit 1
fi
log="$artifacts/fuzz-$(date +%Y%m%d-%H%M%S).log"
args=(-max_total_time="$time" -timeout=10 -rss_limit_mb=2048 -max_len=200000 -print_final_stats=1
      -artifact_prefix="$artifacts/" -close_fd_mask=1)
if [ "$jobs" -gt 1 ] || [ "$keep" = 1 ]; then
  args+=(-fork="$jobs")
  [ "$keep" = 1 ] && args+=(-ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
fi
before=$(ls "$artifacts" | grep -cE '^(crash|timeout|oom|leak|slow-unit)-' || true)
start=$(date +%s)
# The harness prints nothing; ASan's leak check runs at exit (LSan), UBSan aborts on the first report.
# allow_user_poisoning=0: LLVM's allocators (Recycler, BumpPtrAllocator) poison memory from their inline header code,
# which is instrumented in emlc's objects but not in Debian's libMLIR; blocks one side poisons and the other reuses
# were reported as use-after-poison (SetTargetPass -> StringAttr::get) and are clean without manual poisoning.
asan="detect_leaks=1:allocator_may_return_null=0:allow_user_poisoning=0"
[ "$shared" -gt 1 ] && asan+=":malloc_context_size=0"
EMLC_FUZZ_CONTEXT_RUNS="$shared" ASAN_OPTIONS="${ASAN_OPTIONS:-$asan}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}" \
  "$binary" "${args[@]}" "$corpus" >"$log" 2>&1
status=$?
elapsed=$(($(date +%s) - start))
# Executions: the final stats of a single process, or the last status line of fork mode ("#N ... exec/s").
execs=$(grep -aoE 'stat::number_of_executed_units: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+$')
[ -z "$execs" ] && execs=$(grep -aoE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
execs=${execs:-0}
found=$(ls "$artifacts" | grep -cE '^(crash|timeout|oom|leak|slow-unit)-' || true)
echo "fuzz.sh: $execs executions in ${elapsed} s ($((execs / (elapsed > 0 ? elapsed : 1))) exec/s, $jobs job(s));" \
  "corpus $(ls "$corpus" | wc -l) inputs in $corpus; log $log"
new=$((found - before))
if [ "$new" -gt 0 ]; then
  echo "fuzz.sh: FOUND $new new crash/timeout/oom/leak artifacts in $artifacts (group them: scripts/fuzz_triage.py" \
    "$binary $artifacts); the newest:"
  ls -t "$artifacts" | grep -E '^(crash|timeout|oom|leak)-' | head -"$((new < 10 ? new : 10))" | sed "s|^|  $artifacts/|"
fi
# libFuzzer stops checking for leaks after 1000 inputs that allocated more than they freed without a leak: say so,
# the rest of the run then did not check for leaks (the harness frees all it allocates; this means it no longer does).
if grep -aq 'INFO: libFuzzer disabled leak detection' "$log"; then
  echo "fuzz.sh: WARNING: libFuzzer turned leak detection off during the run (too many inputs kept memory)"
fi
grep -aE '^(==[0-9]+==ERROR|SUMMARY|.*runtime error:|terminate called)' "$log" | sort | uniq -c | sort -rn | head -20
if [ "$status" -ne 0 ] || [ "$found" -gt "$before" ]; then
  echo "fuzz.sh: crash (exit $status): reproduce with $binary FILE; minimize with $binary -minimize_crash=1 -runs=10000 FILE"
  exit 1
fi
echo "fuzz.sh: no crash, hang or out-of-memory"
exit 0
