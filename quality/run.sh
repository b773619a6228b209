#!/usr/bin/env bash
# Page quality gates (README, "Quality gates"): builds the example site with this checkout's
# stepwise, serves it on 127.0.0.1, and checks it with the Nu HTML Checker, an XML Schema
# validator, axe-core, keyboard and layout checks in headless Chromium, and Lighthouse.
# Fails (exit 1) on any regression; fails (exit 2) when a tool it needs is missing: it never
# skips a check.
#
#   bash quality/run.sh                 # everything
#   bash quality/run.sh --only axe,keyboard
#
# Needs Node.js >= 20 with npm, Java >= 11 and Chromium (`.ci/run` installs the last two).
# Reports and screenshots: quality/out/ (report.md first).
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "quality: $*" >&2; exit 2; }
command -v node >/dev/null 2>&1 || die "Node.js is missing: install Node.js 20 or newer (with npm)"
command -v npm >/dev/null 2>&1 || die "npm is missing: install it with Node.js 20 or newer"
node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' ||
  die "Node.js $(node --version) is too old: the gates need 20 or newer"
command -v java >/dev/null 2>&1 || die "Java is missing (for vnu.jar): apt-get install default-jre-headless"
chromium="${STEPWISE_CHROMIUM:-}"
if [ -z "$chromium" ]; then
  for c in /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome; do
    if [ -x "$c" ]; then chromium="$c"; break; fi
  done
fi
[ -n "$chromium" ] || die "Chromium is missing: apt-get install chromium (or set STEPWISE_CHROMIUM)"

# The exact tool versions of package-lock.json. --ignore-scripts: vnu-jar's install script
# would try to download a Java runtime; the machine's Java runs vnu.jar.
if [ ! -f quality/node_modules/.package-lock.json ] || [ quality/package-lock.json -nt quality/node_modules/.package-lock.json ]; then
  echo "quality: installing the pinned tools (npm ci)"
  (cd quality && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi

# This checkout's stepwise. The dev profile (dependencies optimised) is the one `cargo test`
# has already built in CI; STEPWISE_BIN=path uses another binary.
bin="${STEPWISE_BIN:-}"
if [ -z "$bin" ]; then
  cargo build --quiet
  bin="$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')/debug/stepwise"
fi
[ -x "$bin" ] || die "no stepwise binary at $bin"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$bin" build --output "$work/public" >"$work/build.log" 2>&1 || { cat "$work/build.log"; die "stepwise build failed"; }

STEPWISE_CHROMIUM="$chromium" node quality/gates.mjs --site "$work/public" --root . --out quality/out "$@"
