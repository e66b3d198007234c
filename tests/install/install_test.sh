#!/usr/bin/env bash
# What a user installing taskcost checks, on the tree ctest already built (nothing is rebuilt):
#   1. `cmake --install BUILD --prefix P` into a scratch prefix;
#   2. the Debian package made by CPack from the same tree (into a scratch dir), unpacked with
#      `dpkg-deb -x` into a scratch root: its control has Depends, its binary no debug sections,
#      the debug info is the .ddeb beside it.
# For each, the installed binary runs a copy of an example suite placed elsewhere, from a third
# directory (never the checkout), with --simulate --limit 2; and with the installed configs
# removed it must fail, naming its own share/taskcost as the last place looked (the source tree
# is never searched by an installed binary).
# Usage: install_test.sh BUILD_DIR CMAKE CPACK. Exit 77 (skipped) when a tool is missing and CI
# is unset; under CI a missing tool fails.
set -uo pipefail
build="$1" cmake="$2" cpack="$3"
failures=0

for tool in dpkg-deb dpkg-shlibdeps readelf objcopy file; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    if [ -n "${CI:-}" ]; then
      echo "FAIL: $tool is missing (needed to build and check the Debian package)"
      exit 1
    fi
    echo "SKIPPED: $tool is missing"
    exit 77
  fi
done

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

fail() {
  echo "FAIL $*"
  failures=$((failures + 1))
}
ok() { echo "ok   $*"; }

# expect_file NAME PATH
expect_file() {
  if [ -f "$2" ]; then ok "$1: $2"; else fail "$1: $2 is missing"; fi
}

# check_installed NAME ROOT: ROOT is the prefix (holds bin/taskcost and share/taskcost).
check_installed() {
  local name="$1" root="$2" bin="$2/bin/taskcost" work out status
  expect_file "$name" "$bin"
  for f in configs/simulator.yaml configs/providers.yaml configs/prices.yaml \
    suites/support-triage/suite.yaml suites/support-triage/samples.jsonl \
    suites/support-triage/schema.json suites/invoice-extraction/suite.yaml \
    suites/invoice-extraction/simulator.yaml; do
    expect_file "$name" "$root/share/taskcost/$f"
  done

  # A team's copy of the example, somewhere else, run from a third directory.
  work="$scratch/$name"
  mkdir -p "$work/team/suites" "$work/cwd"
  cp -r "$root/share/taskcost/suites/support-triage" "$work/team/suites/triage"
  out="$(cd "$work/cwd" && env -u OPENAI_API_KEY -u ANTHROPIC_API_KEY "$bin" run \
    ../team/suites/triage/suite.yaml --simulate --limit 2 --quiet 2>&1)"
  status=$?
  if [ "$status" -ne 0 ]; then
    fail "$name: run --simulate --limit 2 exited $status:"
    echo "$out"
    return
  fi
  ok "$name: run --simulate --limit 2 exits 0 from another directory"
  # 2 samples x 4 candidates, the simulator profile and catalogs from the install.
  [[ "$out" == *"2 samples x 1 repeat; baseline gpt-4.1"* ]] ||
    fail "$name: the report does not say 2 samples: $out"
  [[ "$out" == *"the bundled simulator ($root/share/taskcost/configs/simulator.yaml)"* ]] ||
    fail "$name: the simulator profile is not the installed one: $out"
  local run_dir
  run_dir="$(ls -d "$work"/cwd/results/support-triage/*/ 2>/dev/null | head -n 1)"
  expect_file "$name" "${run_dir}report.json"
  expect_file "$name" "${run_dir}report.md"
  if grep -q "\"providers_file\": \"$root/share/taskcost/configs/providers.yaml\"" \
    "${run_dir}run.json"; then
    ok "$name: run.json names the installed providers.yaml"
  else
    fail "$name: run.json does not name $root/share/taskcost/configs/providers.yaml"
  fi

  # A new suite from `taskcost init`, validated and run from another directory.
  out="$(cd "$work/cwd" && "$bin" init ../team/suites/mine 2>&1 &&
    env -u OPENAI_API_KEY "$bin" validate ../team/suites/mine/suite.yaml 2>/dev/null &&
    "$bin" run ../team/suites/mine/suite.yaml --simulate --limit 2 --quiet 2>&1)"
  status=$?
  if [ "$status" -eq 0 ] &&
    [[ "$out" == *"../team/suites/mine/suite.yaml: ok: suite \"mine\", 3 samples, 2 candidates (baseline gpt-4.1), providers $root/share/taskcost/configs/providers.yaml"* ]] &&
    [[ "$out" == *"2 samples x 1 repeat; baseline gpt-4.1"* ]] &&
    [ -f "$(ls -d "$work"/cwd/results/mine/*/ | head -n 1)report.json" ]; then
    ok "$name: init, then validate and run --simulate --limit 2 on the new suite"
  else
    fail "$name: init, validate, run: exit $status, output:"
    echo "$out"
  fi

  # Without the installed configs the binary must say where it looked, the install last.
  mv "$root/share/taskcost/configs" "$root/share/taskcost/configs.away"
  out="$(cd "$work/cwd" && "$bin" validate ../team/suites/triage/suite.yaml 2>&1)"
  status=$?
  mv "$root/share/taskcost/configs.away" "$root/share/taskcost/configs"
  local want="$root/share/taskcost/configs/providers.yaml. Pass --providers FILE or name it in"
  if [ "$status" -eq 2 ] && [[ "$out" == *"taskcost: error: no providers.yaml found; looked for $work/team/suites/triage/configs/providers.yaml, "* ]] &&
    [[ "$out" == *"$want"* ]]; then
    ok "$name: without share/taskcost/configs, exit 2 naming the places looked, the install last"
  else
    fail "$name: without its configs: exit $status (want 2), output:"
    echo "$out"
  fi
}

# 1. cmake --install into a scratch prefix.
if out="$("$cmake" --install "$build" --prefix "$scratch/prefix" 2>&1)"; then
  check_installed prefix "$scratch/prefix"
else
  fail "cmake --install: $out"
fi

# 2. The .deb, from the same tree, unpacked into a scratch root.
if out="$(cd "$scratch" && "$cpack" --config "$build/CPackConfig.cmake" -B "$scratch/pkg" 2>&1)"; then
  deb="$(ls "$scratch"/pkg/taskcost_*_*.deb 2>/dev/null | head -n 1)"
  if [ -z "$deb" ]; then
    fail "cpack wrote no taskcost_*.deb: $out"
  else
    depends="$(dpkg-deb -f "$deb" Depends)"
    # The libraries the binary links (Debian 12 package names), from dpkg-shlibdeps.
    for lib in "libc6 " libcurl4 libyaml-cpp0.7 libsqlite3-0 libssl3 libxlsxwriter4 libzip4 \
      libxml2 libre2-9 libsimdjson14 libboost-program-options1.74.0 "libstdc++6"; do
      [[ " $depends" == *" $lib"* ]] || fail "deb: Depends lacks $lib: $depends"
    done
    ok "deb: Depends: $depends"
    listing="$(dpkg-deb -c "$deb")"
    for f in ./usr/bin/taskcost ./usr/share/taskcost/configs/simulator.yaml \
      ./usr/share/taskcost/suites/support-triage/suite.yaml; do
      [[ "$listing" == *" $f"* ]] || fail "deb: $f is not in the package"
    done
    dpkg-deb -x "$deb" "$scratch/root"
    sections="$(readelf -S "$scratch/root/usr/bin/taskcost")"
    if [[ "$sections" == *".debug_"* ]]; then
      fail "deb: usr/bin/taskcost has debug sections"
    elif [[ "$sections" != *".gnu_debuglink"* ]]; then
      fail "deb: usr/bin/taskcost has no .gnu_debuglink to its split debug info"
    else
      ok "deb: usr/bin/taskcost is stripped, with a .gnu_debuglink"
    fi
    ddeb="$(ls "$scratch"/pkg/taskcost-dbgsym_*.ddeb 2>/dev/null | head -n 1)"
    if [ -n "$ddeb" ] && dpkg-deb -c "$ddeb" | grep -q '\./usr/lib/debug/\.build-id/.*\.debug$'; then
      ok "deb: the debug info is $(basename "$ddeb")"
    else
      fail "deb: no taskcost-dbgsym .ddeb holding usr/lib/debug/.build-id/*.debug"
    fi
    check_installed deb "$scratch/root/usr"
  fi
else
  fail "cpack: $out"
fi

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all passed"
