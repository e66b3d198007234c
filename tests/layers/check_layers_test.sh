#!/usr/bin/env bash
# scripts/check-layers passes on the tree as committed and fails, naming the file, line and rule,
# on each kind of break it exists to catch, planted in a scratch copy of harness/ and scorers/.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failures=0

# expect NAME WANT_STATUS WANT_TEXT: runs the checker on a fresh copy changed by `plant`.
expect() {
  local name="$1" want_status="$2" want_text="$3" out status
  rm -rf "$scratch/tree" && mkdir -p "$scratch/tree"
  cp -r "$root/harness" "$root/scorers" "$scratch/tree/"
  (cd "$scratch/tree" && plant)
  out="$("$root/scripts/check-layers" "$scratch/tree" 2>&1)"
  status=$?
  if [ "$status" -ne "$want_status" ] || [[ "$out" != *"$want_text"* ]]; then
    echo "FAIL $name: exit $status (want $want_status), output:"
    echo "$out"
    echo "(wanted it to contain: $want_text)"
    failures=$((failures + 1))
  else
    echo "ok   $name"
  fi
}

plant() { :; }
expect "the tree as committed" 0 "every include within its folder's list"

plant() { sed -i '0,/^#include/s||#include "harness/core/history/history.h"\n#include|' harness/core/model/money.h; }
# The planted line takes the place of the file's first include.
first="$(grep -n -m1 '^#include' "$root/harness/core/model/money.h" | cut -d: -f1)"
expect "model including history (upward)" 1 \
  "harness/core/model/money.h:$first: includes harness/core/history/history.h, but harness/core/model may include only: (its README.md)"

plant() { sed -i 's|^May include: .*|May include: harness/core/history|' harness/core/model/README.md; }
expect "a README allowing a circle" 1 "the 'May include' lists run in a circle"

plant() { mkdir harness/core/extra && echo '#pragma once' >harness/core/extra/thing.h; }
expect "a folder with code and no README" 1 "harness/core/extra has code but no README.md"

plant() { sed -i 's|^May include: .*|May include: harness/core/model, harness/core/fromats|' harness/core/schema/README.md; }
expect "a README naming a folder that does not exist" 1 "names harness/core/fromats, which is not a folder"

plant() { echo '#include <curl/curl.h>' >>harness/core/prices/pricing.cc; }
expect "libcurl in the pure core" 1 "harness/core/prices/pricing.cc:"

plant() { echo '#include "harness/runner/runner.h"' >>harness/edge/journal.cc; }
expect "edge including the runner" 1 "harness/edge/journal.cc:"

if [ "$failures" -ne 0 ]; then
  echo "$failures case(s) failed"
  exit 1
fi
