#!/usr/bin/env bash
# Incremental builds on a generated site (default 10,000 tutorials, output on tmpfs):
# a clean build, a build with nothing changed, a build after a one-tutorial text edit, and
# a build after a site.toml change; for each its wall time, the files written (by
# inode and mtime: a file rewritten with the same bytes counts too) and the lines of
# `--changes`.
#
#   bench/incremental.sh                 # 10,000 tutorials
#   N=1000 bench/incremental.sh          # another size
#   RUNS=5 bench/incremental.sh          # repetitions of the nothing-changed and edit builds
#   DISK=1 bench/incremental.sh          # site and output on the real disk
set -euo pipefail
cd "$(dirname "$0")/.."
gen=${GEN:-"$(cd .. && pwd)/shared/bench/gen.py"}
n=${N:-10000}
runs=${RUNS:-3}
if [ "${DISK:-0}" = 1 ]; then base=${BENCH_DIR:-/var/tmp/sw-incremental}; else base=${BENCH_DIR:-/dev/shm/sw-incremental}; fi
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
cargo build --release --quiet
bin="$CARGO_TARGET_DIR/release/stepwise"

work="$base/run.$$"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"
site="$work/site"
python3 "$gen" --n "$n" --images 0 --out "$site" --format stepwise >/dev/null
out="$site/public"

snapshot() { if [ -d "$out" ]; then find "$out" -type f -printf '%i %T@ %p\n' | LC_ALL=C sort >"$1"; else : >"$1"; fi; }
# files whose inode or mtime changed between two snapshots (new files included)
rewritten() { LC_ALL=C comm -13 "$1" "$2" | wc -l; }

# timed LABEL ARGS...: one build, prints wall time, files rewritten and --changes lines.
timed() {
  local label=$1; shift
  snapshot "$work/before"
  local t0 t1
  t0=$(date +%s.%N)
  "$bin" build --root "$site" --changes "$work/changes" "$@" >"$work/log" 2>&1 || { cat "$work/log"; exit 1; }
  t1=$(date +%s.%N)
  snapshot "$work/after"
  printf "%-44s %6.2f s   %6d files rewritten   %6d in --changes   | %s\n" "$label" \
    "$(echo "$t1 - $t0" | bc)" "$(rewritten "$work/before" "$work/after")" "$(wc -l <"$work/changes")" \
    "$(grep -E 'up to date|built' "$work/log" | head -1)"
}

echo "== $n tutorials, output on $(df --output=fstype "$work" | tail -1)"
timed "clean build (--production)" --production
for i in $(seq "$runs"); do
  timed "nothing changed" --production
done
# One tutorial's text, a different edit each run.
first=$(find "$site/content" -name '*.yaml' ! -name '_*' | sort | sed -n 1p)
for i in $(seq "$runs"); do
  python3 - "$first" "$i" <<'EOF'
import sys, re
path, i = sys.argv[1], sys.argv[2]
text = open(path, encoding="utf-8").read()
# the first step's first text gets a word more
text = re.sub(r"(steps:\n\s*- text:\n\s*zh: )", r"\g<1>编辑" + i, text, count=1)
open(path, "w", encoding="utf-8").write(text)
EOF
  timed "one tutorial's text edited" --production
done
# A comment: read again, nothing to render. The site's title: every page shows it.
echo '# a comment' >>"$site/site.toml"
timed "site.toml comment added" --production
sed -i 's/^en = "\(.*\)"$/en = "\1 (edited)"/' "$site/site.toml"
timed "site.toml title changed (every page)" --production
echo "(the build summary counts only files whose bytes changed; 'rewritten' is by inode/mtime)"
