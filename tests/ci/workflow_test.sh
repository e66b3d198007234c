#!/usr/bin/env bash
# .github/workflows/taskcost.yml, run locally as CI would run it: its `run:` steps in order
# (tests/ci/workflow_steps.awk extracts them), each with bash -eo pipefail in a scratch copy of
# the files the job reads, stopping at the first step that fails, as GitHub does. The build step
# is not run (no rebuild in the test): the already-built binary ($1) is linked at build/taskcost,
# where that step leaves it. install-deps runs against stubs of dpkg-query (nothing installed),
# sudo and apt-get (records what it would install), so no package is installed.
# Checks what a user of the workflow would check:
#   1. it installs no test-only package (chromium, LibreOffice, ...) and builds only the CLI;
#   2. on the repository as committed the gate passes, publishing JUnit and Markdown results;
#   3. the committed baseline is current: a baseline saved from this run has the same figures
#      (the simulator is deterministic), so a change to the suite, samples, prices or simulator
#      without a refreshed baseline fails here, not as a puzzling note in CI;
#   4. the same steps fail (the gate exits 1, naming the figure) when the prompt costs more.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
binary="${1:?usage: workflow_test.sh PATH/TO/taskcost}"
workflow="$root/.github/workflows/taskcost.yml"
baseline="results/baselines/support-triage.json"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
failures=0
check() {  # check DESCRIPTION COMMAND...: runs the command; a non-zero status is a failure
  local what="$1"
  shift
  if "$@"; then echo "ok   $what"; else echo "FAIL $what"; failures=$((failures + 1)); fi
}
has() { grep -qF -- "$2" "$1"; }
lacks() { ! grep -qiE -- "$2" "$1"; }

mkdir "$scratch/steps"
awk -v out="$scratch/steps" -f "$root/tests/ci/workflow_steps.awk" "$workflow" || exit 1
build_step=""
for f in "$scratch"/steps/*.run; do
  if grep -q 'cmake --build' "$f"; then build_step="$f"; fi
done

# 1. Only what building and running needs.
check "the workflow runs its steps with bash -eo pipefail (shell: bash)" \
  grep -qE '^ +shell: bash( |$)' "$workflow"
sed -e 's/^ *#.*//' -e 's/ #.*//' "$workflow" >"$scratch/workflow.nocomments"
check "no step installs a package by itself or names a test-only one" \
  lacks "$scratch/workflow.nocomments" 'apt-get|apt install|chromium|libreoffice|xmllint|libxml2-utils|clang'
check "the install step is scripts/install-deps -DTASKCOST_BUILD_TESTS=OFF" \
  grep -qx 'scripts/install-deps -DTASKCOST_BUILD_TESTS=OFF' "$scratch"/steps/*.run
check "the build step configures build/ without tests and builds only the CLI" \
  test -n "$build_step" -a -n "$(grep -l -- '-B build ' "$build_step")" \
  -a -n "$(grep -l -- '-DTASKCOST_BUILD_TESTS=OFF' "$build_step")" \
  -a -n "$(grep -lx -- 'cmake --build build --target taskcost' "$build_step")"

check "the first step checks the repository out" \
  grep -qx 'actions/checkout@v[0-9]*' "$scratch/steps/01.uses"
check "the last step publishes the gate's JUnit and Markdown files even when the gate fails" \
  test -n "$(uses=("$scratch"/steps/*.uses) && grep -l '^actions/upload-artifact@' "${uses[-1]}")" \
  -a -n "$(grep -A8 'uses: actions/upload-artifact@' "$scratch/workflow.nocomments" | grep -lx ' *results/gate.xml')" \
  -a -n "$(grep -A8 'uses: actions/upload-artifact@' "$scratch/workflow.nocomments" | grep -lx ' *results/gate.md')" \
  -a -n "$(grep -B2 'uses: actions/upload-artifact@' "$scratch/workflow.nocomments" | grep -l 'if: always()')"

# A copy of what the job reads; `copy DIR` makes one, `run_steps DIR` runs the steps in it and
# writes DIR.status: "NN EXIT" of the last step run.
copy() {
  mkdir -p "$1/results" "$1/stubs"
  cp -r "$root/.github" "$root/configs" "$root/suites" "$root/scripts" "$1/"
  cp -r "$root/results/baselines" "$1/results/"
  printf '#!/bin/sh\nexit 1\n' >"$1/stubs/dpkg-query"
  printf '#!/bin/sh\nexec "$@"\n' >"$1/stubs/sudo"
  printf '#!/bin/sh\necho "apt-get $*" >>"%s/apt.log"\n' "$1" >"$1/stubs/apt-get"
  chmod +x "$1"/stubs/*
}
run_steps() {
  local dir="$1" f step status
  for f in "$scratch"/steps/*.run; do
    step="$(basename "$f" .run)"
    echo "== step $step: $(cat "$scratch/steps/$step.name")" >>"$dir.log"
    if [ "$f" = "$build_step" ]; then
      mkdir -p "$dir/build" && ln -s "$binary" "$dir/build/taskcost"
      status=$?
    else
      (cd "$dir" && PATH="$dir/stubs:$PATH" GITHUB_STEP_SUMMARY="$dir.summary" \
        bash --noprofile --norc -eo pipefail "$f") >>"$dir.log" 2>&1
      status=$?
    fi
    echo "$step $status" >"$dir.status"
    [ "$status" -eq 0 ] || return 0
  done
}

copy "$scratch/as-committed"
copy "$scratch/costlier"
# The costlier prompt: one line of 799 characters added to the system prompt (+ its newline =
# 800 characters). The simulator counts ceil(characters / 4) input tokens per request
# (docs/simulator.md, "tokens"), so every answered request grows by exactly 800 / 4 = 200
# tokens, and its draws (right or wrong, faults) do not depend on the prompt: the same tasks
# succeed, with the same attempts.
sentence="Tickets are confidential. "  # 26 characters; 30 of them + 19 = 799
extra="$(for _ in $(seq 30); do printf '%s' "$sentence"; done)Do not repeat them."
check "the added line is 799 characters" test "${#extra}" -eq 799
sed -i "s|^    Reply only with the JSON object|    $extra\n&|" \
  "$scratch/costlier/suites/support-triage/suite.yaml"
check "the added line is in the costlier suite" \
  has "$scratch/costlier/suites/support-triage/suite.yaml" "$extra"
# The two copies run at once: the runs mostly wait on the simulator's latency timers.
run_steps "$scratch/as-committed" &
run_steps "$scratch/costlier" &
wait

# 2. As committed: every step passes.
runs=("$scratch"/steps/*.run)
last="$(basename "${runs[-1]}" .run)"
check "as committed, every step passes (last step run, exit: $(cat "$scratch/as-committed.status"))" \
  test "$(cat "$scratch/as-committed.status")" = "$last 0"
log="$scratch/as-committed.log"
check "the gate passes all 8 checks (2 per candidate)" has "$log" "gate passed: 0 of 8 checks failed"
check "install-deps asked for the build packages" has "$scratch/as-committed/apt.log" "libcurl4-openssl-dev"
check "install-deps asked for no test-only package" \
  lacks "$scratch/as-committed/apt.log" 'chromium|libreoffice|libxml2-utils|json-schema-test-suite|clang'
check "the JUnit file has the 8 checks" \
  test "$(grep -c '<testcase ' "$scratch/as-committed/results/gate.xml")" -eq 8
check "the Markdown summary is written" has "$scratch/as-committed/results/gate.md" "gpt-4.1"
check "the Markdown summary reaches the job's page (GITHUB_STEP_SUMMARY)" \
  has "$scratch/as-committed.summary" "cost per successful task"

# 3. The committed baseline is current. Saved from the checkout's root, as docs/ci.md says, so
# the suite's path it records is the same.
(cd "$scratch/as-committed" && build/taskcost baseline save results/ci -o ../fresh.json) \
  >/dev/null 2>&1
if diff <(grep -v '"run_id"' "$root/$baseline") <(grep -v '"run_id"' "$scratch/fresh.json") \
  >"$scratch/baseline.diff"; then
  echo "ok   the committed baseline is current"
else
  echo "FAIL $baseline is not current: the suite, its samples, the prices or the simulator"
  echo "     changed since it was saved. Refresh it (docs/ci.md, 'The baseline's life'):"
  echo "       build/taskcost run suites/support-triage/suite.yaml --simulate --quiet --out results/base"
  echo "       build/taskcost baseline save results/base -o $baseline"
  echo "     committed (<) and as this tree runs now (>):"
  cat "$scratch/baseline.diff"
  failures=$((failures + 1))
fi

# 4. The costlier prompt fails the gate step, and only it.
gate_step="$(grep -l 'taskcost gate' "$scratch"/steps/*.run | xargs basename | sed 's/\.run$//')"
check "with the costlier prompt the gate step exits 1 (last step run, exit: $(cat "$scratch/costlier.status"))" \
  test "$(cat "$scratch/costlier.status")" = "$gate_step 1"
# gpt-4.1 in the committed baseline: 100 tasks, 93 successes, 102 attempts of which 100 were
# answered with usage (2 were faults the simulator answers without usage), 100520 input tokens
# (1005.2 per task), $0.228376 in all, so $0.228376 / 93 = $0.0024557 per successful task.
# Costlier: +200 tokens x 100 answered attempts = +20000 input tokens (1205.2 per task) at $2.00
# per 1M = +$0.04; $0.268376 / 93 = $0.0028858 per successful task; +0.04 / 0.228376 = +17.5%,
# all of it usage at unchanged prices.
check "the FAIL line names gpt-4.1's cost per successful task, the figures and the cause" \
  has "$scratch/costlier.log" "FAIL  gpt-4.1  cost per successful task: baseline \$0.0024557, now \$0.0028858, change +17.5%, limit +10%; usage +17.5% (input tokens per task 1005.2 -> 1205.2); prices unchanged"
check "success rates are unchanged" \
  has "$scratch/costlier.log" "PASS  gpt-4.1  success rate: baseline 93.0% (93/100), now 93.0% (93/100), change 0.0 pp, limit -5 pp"
check "the gate notes that the suite changed" has "$scratch/costlier.log" "note: the suite changed since the baseline"
check "the JUnit file carries the failures" has "$scratch/costlier/results/gate.xml" "<failure"

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed; the steps' output, as committed:"
  cat "$scratch/as-committed.log"
  echo "with the costlier prompt:"
  cat "$scratch/costlier.log"
  exit 1
fi
