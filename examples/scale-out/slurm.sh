#!/usr/bin/env bash
# One survey split into N shards run as a Slurm array job, then merged by a job that starts only when
# every shard succeeded (--dependency=afterok). The output folder then holds the same files as one
# `repot run` (docs/scale-out.md).
#
#   examples/scale-out/slurm.sh -n N [-c CPUS] [-j P] [--repot BIN] [--parts DIR] [--sbatch OPT]...
#                               [--wait [--poll S]] --out DIR -- RUN ARGS...
#
#   -n N         shards = array tasks 1..N (default: $SHARDS)
#   -c CPUS      CPUs per task (sbatch --cpus-per-task, default 1); each shard runs with --threads CPUS
#                unless RUN ARGS hold --threads
#   -j P         at most P tasks at a time (--array=1-N%P)
#   --repot BIN  the repot binary, on a path every node sees (default: $REPOT, else `repot` on PATH, else
#                build/release/repot of this tree)
#   --parts DIR  the shards' folders DIR/part-1 .. DIR/part-N and the jobs' logs DIR/logs/ (default:
#                OUT.parts beside --out); on a filesystem every node sees
#   --sbatch OPT an option for both sbatch calls, repeatable: --sbatch --partition=long --sbatch --time=2:00:00
#                (sbatch's own SBATCH_* environment variables work too)
#   --wait       wait for the merge job; exit 0 when it completed, 1 when a shard or the merge failed
#   --poll S     seconds between two looks at the jobs while waiting (default: $REPOT_SLURM_POLL, else 10)
#   --out DIR    the merged result
#   RUN ARGS     the arguments of `repot run` (inputs, scenario...), without --out; relative paths are
#                relative to the current folder, where the jobs run
#
# Prints "ARRAY_JOB_ID MERGE_JOB_ID" on stdout. Each task runs
# `repot run RUN ARGS --shard I/N --out PARTS/part-I --skip-existing`. When a task fails, Slurm cancels the
# merge job (--kill-on-invalid-dep=yes) and the other shards' results stay; run the same command again:
# shards already finished for the same inputs exit at once, only the unfinished ones compute, then the merge.
set -euo pipefail

die() { echo "slurm.sh: $*" >&2; exit 2; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
shards=${SHARDS:-} cpus=1 throttle="" repot=${REPOT:-} parts="" out="" wait=0 poll=${REPOT_SLURM_POLL:-10}
sbatch_opts=()
while [ $# -gt 0 ]; do
  case "$1" in
    -n|--shards) [ $# -ge 2 ] || die "$1 needs a value"; shards=$2; shift 2 ;;
    -c|--cpus-per-task) [ $# -ge 2 ] || die "$1 needs a value"; cpus=$2; shift 2 ;;
    -j|--max-running) [ $# -ge 2 ] || die "$1 needs a value"; throttle=$2; shift 2 ;;
    --repot) [ $# -ge 2 ] || die "$1 needs a value"; repot=$2; shift 2 ;;
    --parts) [ $# -ge 2 ] || die "$1 needs a value"; parts=$2; shift 2 ;;
    --out) [ $# -ge 2 ] || die "$1 needs a value"; out=$2; shift 2 ;;
    --sbatch) [ $# -ge 2 ] || die "$1 needs a value"; sbatch_opts+=("$2"); shift 2 ;;
    --wait) wait=1; shift ;;
    --poll) [ $# -ge 2 ] || die "$1 needs a value"; poll=$2; shift 2 ;;
    -h|--help) usage ;;
    --) shift; break ;;
    *) die "unknown option $1 (the arguments of repot run go after --)" ;;
  esac
done
run_args=("$@")
[ -n "$out" ] || die "--out DIR is required"
[[ "$shards" =~ ^[1-9][0-9]*$ ]] || die "-n N (shards) must be a whole number above 0, not '$shards'"
[[ "$cpus" =~ ^[1-9][0-9]*$ ]] || die "-c must be a whole number above 0, not '$cpus'"
[ -z "$throttle" ] || [[ "$throttle" =~ ^[1-9][0-9]*$ ]] || die "-j must be a whole number above 0, not '$throttle'"
[[ "$poll" =~ ^[0-9]+([.][0-9]+)?$ ]] || die "--poll must be a number of seconds, not '$poll'"
[ ${#run_args[@]} -gt 0 ] || die "no repot run arguments (put them after --)"
for a in "${run_args[@]}"; do
  case "$a" in --out|--out=*|--shard|--shard=*|--skip-existing) die "RUN ARGS must not hold $a: slurm.sh sets it" ;; esac
done
command -v sbatch >/dev/null || die "sbatch is missing (not on a Slurm submit host?)"
if [ -z "$repot" ]; then
  repot=$(command -v repot || true)
  [ -n "$repot" ] || repot=$top/build/release/repot
fi
[ -x "$repot" ] || repot=$(command -v "$repot" || true)
[ -n "$repot" ] && [ -x "$repot" ] || die "no repot binary (--repot BIN or REPOT=BIN)"
repot=$(cd "$(dirname "$repot")" && pwd)/$(basename "$repot")   # the jobs may start elsewhere
[ -n "$parts" ] || parts=${out%/}.parts
mkdir -p "$parts/logs" "$(dirname "$out")"
parts=$(cd "$parts" && pwd)
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
script=$here/slurm.sbatch

job_id() { local id; id=$(cat); id=${id%%;*}; [[ "$id" =~ ^[0-9]+$ ]] || return 1; echo "$id"; }   # "ID[;cluster]"

array=$(sbatch --parsable --array="1-$shards${throttle:+%$throttle}" --job-name=repot-shards \
          --cpus-per-task="$cpus" --output="$parts/logs/shard-%A_%a.out" "${sbatch_opts[@]}" \
          "$script" shard "$repot" "$shards" "$parts" -- "${run_args[@]}" | job_id) \
  || { echo "slurm.sh: sbatch of the shards failed" >&2; exit 1; }
merge=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes --job-name=repot-merge \
          --cpus-per-task=1 --output="$parts/logs/merge-%j.out" "${sbatch_opts[@]}" \
          "$script" merge "$repot" "$shards" "$parts" "$out" | job_id) \
  || { echo "slurm.sh: sbatch of the merge failed (shard job $array runs on; rerun this command later to merge)" >&2; exit 1; }
echo "slurm.sh: shards: array job $array (tasks 1-$shards), merge: job $merge (afterok:$array); logs in $parts/logs" >&2
echo "$array $merge"
[ $wait = 1 ] || exit 0

# --- waiting --------------------------------------------------------------------------------------------
# sbatch --wait is not used: it exits 0 for a job that was cancelled before it ran (the merge after a
# failed shard). The controller keeps finished jobs for MinJobAge (300 s by default); sacct, when
# accounting is on, after that.
trap 'echo; echo "slurm.sh: no longer waiting; the jobs go on (scancel $array $merge stops them)" >&2; exit 130' INT TERM

job_field() {  # JOBID FIELD -> value of the first record (scontrol, else sacct)
  local v
  v=$(scontrol show job -o "$1" 2>/dev/null | grep -o " $2=[^ ]*" | head -n1 | cut -d= -f2)
  if [ -z "$v" ] && [ "$2" = JobState ]; then
    v=$(sacct -n -X -P -j "$1" -o State 2>/dev/null | head -n1 | awk '{print $1}')
  fi
  echo "$v"
}

report_shards() {  # the tasks that did not complete, with their logs
  local bad
  bad=$(scontrol show job -o "$array" 2>/dev/null \
        | sed -n 's/.* ArrayTaskId=\([^ ]*\) .* JobState=\([^ ]*\) .*/\1 \2/p' | grep -v ' COMPLETED$' || true)
  if [ -z "$bad" ] && command -v sacct >/dev/null; then
    bad=$(sacct -n -X -P -j "$array" -o JobID,State 2>/dev/null | sed 's/^[0-9]*_//; s/|/ /' | grep -v ' COMPLETED$' || true)
  fi
  if [ -n "$bad" ]; then
    echo "slurm.sh: shards not completed (task state):" >&2
    while read -r task state; do
      echo "  $task $state  log: $parts/logs/shard-${array}_$task.out" >&2
    done <<<"$bad"
  fi
}

unknown=0
while :; do
  state=$(job_field "$merge" JobState)
  case "$state" in
    COMPLETED)
      echo "slurm.sh: merged $shards shards into $out" >&2
      exit 0 ;;
    PENDING)
      if [ "$(job_field "$merge" Reason)" = DependencyNeverSatisfied ]; then   # a cluster ignoring --kill-on-invalid-dep
        scancel "$merge" 2>/dev/null || true
        state=CANCELLED
      fi ;;
    "")
      unknown=$((unknown + 1))
      if [ $unknown -ge 6 ]; then
        echo "slurm.sh: merge job $merge is unknown to scontrol and sacct; look at $out and $parts/logs" >&2
        exit 1
      fi ;;
  esac
  case "$state" in
    FAILED|CANCELLED*|TIMEOUT|NODE_FAIL|PREEMPTED|BOOT_FAIL|DEADLINE|OUT_OF_MEMORY|REVOKED|SPECIAL_EXIT)
      echo "slurm.sh: merge job $merge ended $state" >&2
      report_shards
      if [ "$(job_field "$merge" Reason)" = DependencyNeverSatisfied ] || [ "$state" = CANCELLED ]; then
        echo "slurm.sh: a shard failed, nothing merged; run the same command again: finished shards are skipped" >&2
      else
        echo "slurm.sh: the merge failed, see $parts/logs/merge-$merge.out" >&2
      fi
      exit 1 ;;
  esac
  sleep "$poll"
done
