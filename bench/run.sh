#!/usr/bin/env bash
# Benchmarks stepwise on generated sites (../shared/bench/gen.py) against Hugo on the same
# content in the same run, printing wall time, CPU time (user + system) and peak memory.
# The machine is noisy: compare the ratios of one run, not figures across runs.
#
#   bench/run.sh              # everything: text sites (10,000 and 1,000 tutorials) with
#                             # Hugo, then the screenshot site cold and warm
#   bench/run.sh text         # text sites only;   SIZES="1000" bench/run.sh text
#   bench/run.sh images       # the screenshot site only
#   RUNS=5 bench/run.sh       # repetitions per measurement (default 3; medians are shown)
#   HUGO=0 bench/run.sh       # without Hugo (it is Debian's: apt-get install hugo)
#   WAIT=0 bench/run.sh       # do not wait for the last run's clean-up to be ten minutes old
#   DISK=1 bench/run.sh text  # outputs on the real disk instead of tmpfs (/dev/shm)
#
# Hugo builds with `--hugo-related section` content (related = explicit + previous/next
# in the section), its fastest set-up; stepwise computes its full related articles.
# Every "fresh" build writes into a new folder, and nothing is deleted until the end:
# on ext4, creating files soon after deleting thousands is several times slower, which
# would make the run order decide the result. For the same reason, start a run at least
# five minutes after the last large deletion on the disk (another run's clean-up, a
# `cargo clean`, an `rm -rf` of an output folder): ext4 skips recently freed inodes, and
# a run started right after one gave stepwise 2.1x instead of 5.1x (and Hugo 19 s, not 14).
# The script waits for its own last clean-up to be ten minutes old; others are up to you.
set -euo pipefail
cd "$(dirname "$0")/.."
gen=${GEN:-"$(cd .. && pwd)/shared/bench/gen.py"}
# Outputs on tmpfs by default: on this machine's disk the write-back after a large delete
# decides the figures more than the programs do. DISK=1 measures the disk too.
if [ "${DISK:-0}" = 1 ]; then out=${BENCH_DIR:-/var/tmp/sw-bench}; else out=${BENCH_DIR:-/dev/shm/sw-bench}; fi
what=${1:-all}
runs=${RUNS:-3}
mkdir -p "$out"
scratch="$out/runs.$$"
mkdir -p "$scratch"
# Deleting this run's outputs slows file creation on this disk for several minutes (see
# above), so the next run waits until the last clean-up is ten minutes old.
stamp="$out/.last-cleanup"
if [ -f "$stamp" ] && [ "${WAIT:-1}" = 1 ]; then
  left=$(( $(stat -c %Y "$stamp") + 600 - $(date +%s) ))
  if [ "$left" -gt 0 ]; then
    echo "waiting ${left} s: the last run's clean-up still slows file creation (WAIT=0 skips this)" >&2
    sleep "$left"
  fi
fi
trap 'echo "removing the outputs of this run..." >&2; rm -rf "$scratch"; touch "$stamp"' EXIT
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
cargo build --release --quiet
bin="$CARGO_TARGET_DIR/release/stepwise"
hugo_ok=0
if [ "${HUGO:-1}" = 1 ] && command -v hugo >/dev/null; then hugo_ok=1; fi

site() { # n, images, format[, extra gen.py args]
  local n=$1 k=$2 fmt=$3; shift 3
  local extra="$*"
  local dir="$out/$fmt-$n-img$k${extra:+-${extra//[^a-z0-9]/}}"
  if [ ! -f "$dir/bench-manifest.json" ]; then
    rm -rf "$dir"
    python3 "$gen" --n "$n" --images "$k" --out "$dir" --format "$fmt" "$@" >/dev/null
  fi
  echo "$dir"
}

# measure LABEL CMD...: runs once, appends "wall cpu peak_mb" to $scratch/LABEL.
measure() {
  local label=$1; shift
  local log="$scratch/time.log"
  # Flush what the previous build left for the disk to write back, so it is not charged
  # to this one (a warm build after a cold one otherwise pays for the cold one's files).
  sync
  if ! /usr/bin/time -f "%e %U %S %M" "$@" >/dev/null 2>"$log"; then
    echo "failed: $*" >&2; cat "$log" >&2; exit 1
  fi
  tail -n 1 "$log" | awk '{printf "%.2f %.2f %.0f\n", $1, $2 + $3, $4 / 1024}' >>"$scratch/$label"
}

# cold SITE: removes what builds keep between runs in the site's .stepwise-cache/ (decoded
# files, search entries), but not the screenshots.
cold() {
  rm -rf "$1/.stepwise-cache/decoded.bin" "$1/.stepwise-cache/search"
}

median() { # file, column -> median of that column
  awk -v c="$2" '{print $c}' "$1" | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'
}

row() { # label, description[, baseline label]
  local f="$scratch/$1"
  local w c m
  w=$(median "$f" 1); c=$(median "$f" 2); m=$(median "$f" 3)
  local ratio=""
  if [ -n "${3:-}" ] && [ -f "$scratch/$3" ]; then
    ratio=$(awk -v a="$(median "$scratch/$3" 1)" -v b="$w" 'BEGIN {printf "  (Hugo / this: %.1fx wall)", a / b}')
  fi
  printf "%-58s wall %6.2f s  cpu %6.2f s  peak %5d MB  [%s]%s\n" "$2" "$w" "$c" "$m" \
    "$(awk '{printf "%s%s", sep, $1; sep="/"}' "$f")" "$ratio"
}

if [ "$what" = all ] || [ "$what" = text ]; then
  for n in ${SIZES:-10000 1000}; do
    dir=$(site "$n" 0 stepwise)
    [ "$hugo_ok" = 1 ] && hdir=$(site "$n" 0 hugo --hugo-related section)
    # Warm the page cache and the binaries once; not counted.
    "$bin" build --root "$dir" --output "$scratch/warm-$n" >/dev/null 2>&1
    for i in $(seq "$runs"); do
      if [ "$hugo_ok" = 1 ]; then
        measure "hugo-$n" hugo --quiet --source "$hdir" --destination "$scratch/hugo-$n-$i"
      fi
      # What is published: no translator views (side-by-side), no badges. Cold: without
      # the decoded files and search entries a previous build keeps in .stepwise-cache/.
      cold "$dir"
      measure "prod-$n" "$bin" build --production --root "$dir" --output "$scratch/sw-$n-$i"
      # The same with them (as a CI job that restores .stepwise-cache/), into a new folder.
      measure "cached-$n" "$bin" build --production --root "$dir" --output "$scratch/sw-$n-cached-$i"
      # A writer's build: with the side-by-side views of every translation.
      cold "$dir"
      measure "full-$n" "$bin" build --root "$dir" --output "$scratch/sw-$n-full-$i"
      # Into the same folder again with nothing changed (see bench/incremental.sh).
      measure "again-$n" "$bin" build --production --root "$dir" --output "$scratch/sw-$n-1"
    done
    echo "== $n tutorials, output on $(df --output=fstype "$scratch" | tail -1) ($(find "$scratch/sw-$n-1" -name '*.html' | wc -l) HTML pages published, $(du -sm "$scratch/sw-$n-1" | cut -f1) MB; hugo $( [ "$hugo_ok" = 1 ] && du -sm "$scratch/hugo-$n-1" | cut -f1) MB), medians of $runs runs [each run's wall time]"
    [ "$hugo_ok" = 1 ] && row "hugo-$n" "hugo 0.111, related = prev/next in section, new folder"
    row "prod-$n" "stepwise build --production, full related, new folder" "hugo-$n"
    row "cached-$n" "  the same, with the cache of a previous build" "hugo-$n"
    row "full-$n" "stepwise build (+ side-by-side views), new folder" "hugo-$n"
    row "again-$n" "stepwise build --production, nothing changed" "hugo-$n"
  done
fi

if [ "$what" = all ] || [ "$what" = images ]; then
  dir=$(site 200 50 stepwise)
  for i in $(seq "$runs"); do
    rm -rf "$dir/.stepwise-cache"
    measure "img-cold" "$bin" build --root "$dir" --output "$scratch/img-$i"
    measure "img-warm" "$bin" build --root "$dir" --output "$scratch/img-$i-warm"
  done
  echo "== 200 tutorials sharing 50 screenshots of 1080x2340, medians of $runs runs [each run's wall time]"
  row img-cold "stepwise build, cold image cache"
  row img-warm "stepwise build, warm image cache (nothing changed)"
  "$bin" build --root "$dir" --output "$scratch/img-last" 2>&1 | grep '^screenshots' || true
fi
