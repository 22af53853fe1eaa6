#!/usr/bin/env bash
# One survey split into N shards run J at a time on this machine with GNU parallel, then merged: the
# output folder holds the same files as one `repot run` (docs/scale-out.md).
#
#   examples/scale-out/parallel.sh [-n N] [-j J] [--repot BIN] [--parts DIR] [--rm-parts] --out DIR -- RUN ARGS...
#
#   -n N        shards (default: $SHARDS, else the number of cores)
#   -j J        shards at a time (default: $JOBS, else the number of cores)
#   --repot BIN the repot binary (default: $REPOT, else `repot` on PATH, else build/release/repot of this tree)
#   --parts DIR the shards' folders DIR/part-1 .. DIR/part-N (default: OUT.parts beside --out)
#   --rm-parts  remove the parts folder after a successful merge (default: keep it)
#   --out DIR   the merged result
#   RUN ARGS    the arguments of `repot run` (inputs, scenario...), without --out
#
# Each shard runs `repot run RUN ARGS --shard I/N --out PARTS/part-I --skip-existing`; unless RUN ARGS
# hold --threads, each gets --threads max(1, cores / J). A shard that fails leaves its part folder without
# a result (repot commits a shard's files together or not at all) and the merge is not run; run the same
# command again: shards already finished for the same inputs exit at once (--skip-existing), only the
# others run. Needs GNU parallel (Debian package `parallel`).
#
# Example, the Tokyo demo in 8 shards, 2 at a time:
#   examples/scale-out/parallel.sh -n 8 -j 2 --out out/tokyo-sharded -- \
#     --zones datasets/tokyo/tokyo_municipalities_n03_2021_s0010.gpkg --zone-id-field city_code \
#     --zone-name-field city_name --roof datasets/tokyo/tokyo23_roof_area_10m.tif \
#     --ghi datasets/tokyo/climate/tokyo_ghi_monthly_kwh_m2.tif
set -euo pipefail

die() { echo "parallel.sh: $*" >&2; exit 2; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

top=$(cd "$(dirname "$0")/../.." && pwd)
cores=$(nproc 2>/dev/null || echo 1)
shards=${SHARDS:-$cores}
jobs=${JOBS:-$cores}
repot=${REPOT:-}
parts="" out="" rm_parts=0
while [ $# -gt 0 ]; do
  case "$1" in
    -n|--shards) [ $# -ge 2 ] || die "$1 needs a value"; shards=$2; shift 2 ;;
    -j|--jobs) [ $# -ge 2 ] || die "$1 needs a value"; jobs=$2; shift 2 ;;
    --repot) [ $# -ge 2 ] || die "$1 needs a value"; repot=$2; shift 2 ;;
    --parts) [ $# -ge 2 ] || die "$1 needs a value"; parts=$2; shift 2 ;;
    --out) [ $# -ge 2 ] || die "$1 needs a value"; out=$2; shift 2 ;;
    --rm-parts) rm_parts=1; shift ;;
    -h|--help) usage ;;
    --) shift; break ;;
    *) die "unknown option $1 (the arguments of repot run go after --)" ;;
  esac
done
run_args=("$@")
[ -n "$out" ] || die "--out DIR is required"
[[ "$shards" =~ ^[1-9][0-9]*$ ]] || die "-n must be a whole number above 0, not '$shards'"
[[ "$jobs" =~ ^[1-9][0-9]*$ ]] || die "-j must be a whole number above 0, not '$jobs'"
[ ${#run_args[@]} -gt 0 ] || die "no repot run arguments (put them after --)"
for a in "${run_args[@]}"; do
  case "$a" in --out|--out=*|--shard|--shard=*|--skip-existing) die "RUN ARGS must not hold $a: parallel.sh sets it" ;; esac
done
command -v parallel >/dev/null || die "GNU parallel is missing (Debian: apt-get install parallel)"
if [ -z "$repot" ]; then
  repot=$(command -v repot || true)
  [ -n "$repot" ] || repot=$top/build/release/repot
fi
[ -x "$repot" ] || repot=$(command -v "$repot" || true)
[ -n "$repot" ] && [ -x "$repot" ] || die "no repot binary (--repot BIN or REPOT=BIN)"
[ -n "$parts" ] || parts=${out%/}.parts

threads=()
has_threads=0
for a in "${run_args[@]}"; do case "$a" in --threads|--threads=*) has_threads=1 ;; esac; done
[ $has_threads = 1 ] || threads=(--threads $(( cores / jobs > 0 ? cores / jobs : 1 )))

mkdir -p "$parts"
echo "parallel.sh: $shards shards, $jobs at a time, parts in $parts" >&2
# -q: every word of the command is passed as it is (no shell splitting); {} is the shard number.
# Without --halt every shard runs even when one fails, so a rerun has the least left to do.
status=0
parallel -q -j "$jobs" --joblog "$parts/joblog" \
  "$repot" run "${run_args[@]}" "${threads[@]}" --shard "{}/$shards" --out "$parts/part-{}" --skip-existing \
  ::: $(seq "$shards") || status=$?
if [ $status -ne 0 ]; then
  echo "parallel.sh: $status of $shards shards failed (see $parts/joblog); nothing merged." >&2
  echo "parallel.sh: run the same command again: finished shards are skipped, only the others run." >&2
  exit 1
fi

part_dirs=()
for i in $(seq "$shards"); do part_dirs+=("$parts/part-$i"); done   # part-1 .. part-N, in numeric order
"$repot" merge "${part_dirs[@]}" --out "$out"
echo "parallel.sh: merged $shards shards into $out" >&2
if [ $rm_parts = 1 ]; then rm -rf "$parts"; fi
