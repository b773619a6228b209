#!/usr/bin/env bash
# Benchmarks stepwise on generated sites (../shared/bench/gen.py), printing wall time,
# CPU time and peak memory per run. Figures are only comparable within one run of this
# script: the machine is noisy, so compare ratios, not absolute numbers across days.
#
#   bench/run.sh                 # all: 10k and 1k text sites, the screenshot site cold/warm
#   bench/run.sh images          # only the screenshot site
#   SIZES="1000" bench/run.sh    # text sites of other sizes
#   HUGO=1 bench/run.sh          # also build the same content with Hugo (apt-get install hugo)
set -euo pipefail
cd "$(dirname "$0")/.."
gen="$(cd .. && pwd)/shared/bench/gen.py"
out=${BENCH_DIR:-/tmp/sw-bench}
what=${1:-all}
mkdir -p "$out"
cargo build --release --quiet
bin="$PWD/target/release/stepwise"

measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "$label: wall %e s, cpu %U s user + %S s sys, peak memory %M KB" "$@" >/dev/null 2>"$out/time.log" || { cat "$out/time.log"; exit 1; }
  grep -E "^(screenshots|$label)" "$out/time.log"
}

site() { # n, images, format
  local dir="$out/$3-$1-img$2"
  if [ ! -f "$dir/bench-manifest.json" ]; then
    python3 "$gen" --n "$1" --images "$2" --out "$dir" --format "$3" >/dev/null
  fi
  echo "$dir"
}

if [ "$what" = all ] || [ "$what" = text ]; then
  for n in ${SIZES:-10000 1000}; do
    dir=$(site "$n" 0 stepwise)
    rm -rf "$dir/public"
    measure "stepwise build, $n tutorials (fresh output)" "$bin" build --root "$dir"
    measure "stepwise build, $n tutorials (replacing the output)" "$bin" build --root "$dir"
    if [ "${HUGO:-0}" = 1 ] && command -v hugo >/dev/null; then
      hdir=$(site "$n" 0 hugo)
      rm -rf "$hdir/public"
      measure "hugo, $n tutorials" hugo --quiet --source "$hdir"
    fi
  done
fi

if [ "$what" = all ] || [ "$what" = images ]; then
  dir=$(site 200 50 stepwise)
  rm -rf "$dir/public" "$dir/.stepwise-cache"
  measure "stepwise build, 200 tutorials / 50 screenshots, cold cache" "$bin" build --root "$dir"
  measure "stepwise build, 200 tutorials / 50 screenshots, warm cache" "$bin" build --root "$dir"
  echo "sources: $(du -sb "$dir/content/_shots" | cut -f1) bytes; output images: $(du -sb "$dir/public/img" | cut -f1) bytes"
fi
