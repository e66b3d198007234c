#!/usr/bin/env bash
# Interop test: runs a tiny suite through the real taskcost binary against an OpenAI-compatible
# server this project did not write, the npm package @dwmkerr/mock-llm (pinned below), and checks
# the journal and report.json against figures worked out by hand (check_run.js).
#
# Usage: run_interop.sh TASKCOST_BINARY BUILD_DIR
# Exit: 0 passed; 1 failed; 77 skipped (no node/npm, or the package could not be installed).
#
# The mock's rules (mock-llm.yaml below) answer only a request shaped the way an
# OpenAI-compatible client must send it (model, system + user messages, max_tokens and not
# max_completion_tokens, temperature 0, no stream, the bearer key, a custom provider header, and
# response_format json_schema in native mode or the schema in the system prompt in prompt mode);
# anything else gets a 400 naming what it saw, which taskcost journals as bad_request.
set -euo pipefail

readonly kPackage='@dwmkerr/mock-llm'
readonly kVersion='0.1.29'
readonly kSkip=77

skip() { echo "SKIP: $*" >&2; exit "$kSkip"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

[ $# -eq 2 ] || { echo "usage: $0 TASKCOST_BINARY BUILD_DIR" >&2; exit 2; }
taskcost="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
[ -x "$taskcost" ] || fail "taskcost binary not found: $1"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
prefix="$(mkdir -p "$2/interop" && cd "$2/interop" && pwd)"
modules="$prefix/node_modules"
work="$prefix/work"

# --- (a) node and npm -------------------------------------------------------------------------
command -v node >/dev/null 2>&1 || skip "node is not installed"
command -v npm >/dev/null 2>&1 || skip "npm is not installed"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)' ||
  skip "node $(node --version) is older than 18 (mock-llm needs express 5)"

# --- (b) install the pinned package once ------------------------------------------------------
installed_version() {
  node -e 'try { console.log(require(process.argv[1]).version); } catch (e) {}' \
    "$modules/$kPackage/package.json"
}
if [ "$(installed_version)" != "$kVersion" ]; then
  echo "installing $kPackage@$kVersion into $prefix"
  if ! npm install --no-save --no-audit --no-fund --fetch-retries=1 --fetch-timeout=30000 \
       --prefix "$prefix" "$kPackage@$kVersion" >"$prefix/npm-install.log" 2>&1; then
    tail -n 20 "$prefix/npm-install.log" >&2
    skip "could not install $kPackage@$kVersion from the npm registry (offline?); log: $prefix/npm-install.log"
  fi
  [ "$(installed_version)" = "$kVersion" ] || fail "npm reported success but $kPackage@$kVersion is not in $modules"
fi

rm -rf "$work"
mkdir -p "$work"
# A made-up key: the mock requires it as the bearer token; it must never reach a run directory.
export TASKCOST_INTEROP_KEY="sk-interop-$$-$RANDOM$RANDOM-must-not-be-written"

# --- (d, part 1) the mock's rules: last matching rule wins ------------------------------------
# Usage per sample (the costs are worked out in check_run.js):
#   S1 prompt 120, completion 30; S2 prompt 200 of which 80 cached, completion 40;
#   S3 prompt 90, completion 50 of which 10 reasoning.
reply() {  # reply SAMPLE CATEGORY PRIORITY USAGE_JSON
  cat <<EOF
  - path: "^/v1/chat/completions\$"
    method: POST
    match: "contains(to_string(body.messages[-1].content), 'Ticket $1:')"
    response:
      status: 200
      content: |
        {"id": "chatcmpl-interop-$1", "object": "chat.completion", "created": 1763900000,
         "model": "{{jmes request body.model}}",
         "choices": [{"index": 0,
                      "message": {"role": "assistant", "refusal": null,
                                  "content": "{\\"category\\":\\"$2\\",\\"priority\\":\\"$3\\"}"},
                      "logprobs": null, "finish_reason": "stop"}],
         "usage": $4}
EOF
}
{
  cat <<'EOF'
rules:
  # Any chat request naming no known sample.
  - path: "^/v1/chat/completions$"
    method: POST
    response:
      status: 400
      content: |
        {"error": {"message": "interop mock: no rule for this request", "type": "invalid_request_error", "param": null, "code": null}}
EOF
  reply S1 billing high '{"prompt_tokens": 120, "completion_tokens": 30, "total_tokens": 150}'
  reply S2 shipping normal '{"prompt_tokens": 200, "completion_tokens": 40, "total_tokens": 240, "prompt_tokens_details": {"cached_tokens": 80}}'
  reply S3 other low '{"prompt_tokens": 90, "completion_tokens": 50, "total_tokens": 140, "completion_tokens_details": {"reasoning_tokens": 10}}'
  # The request-shape rule comes last so that it overrides the sample replies.
  cat <<'EOF'
  - path: "^/v1/chat/completions$"
    method: POST
    match: >-
      !((body.model == 'interop-big' || body.model == 'interop-small')
      && starts_with(to_string(headers."content-type"), 'application/json')
      && headers.authorization == 'Bearer @KEY@'
      && length(body.messages) == `2`
      && body.messages[0].role == 'system' && body.messages[1].role == 'user'
      && body.max_tokens == `200` && body.max_completion_tokens == `null`
      && body.temperature == `0` && body.stream == `null`
      && ((headers."x-interop-mode" == 'prompt' && body.response_format == `null`
           && contains(to_string(body.messages[0].content), 'JSON Schema'))
          || (headers."x-interop-mode" == 'native' && body.response_format.type == 'json_schema'
              && body.response_format.json_schema.name == 'triage'
              && body.response_format.json_schema.strict == `true`
              && body.response_format.json_schema.schema.required == `["category", "priority"]`)))
    response:
      status: 400
      content: |
        {"error": {"message": "interop mock: unexpected request shape: model={{jmes request body.model}} messages={{jmes request length(body.messages)}} max_tokens={{jmes request body.max_tokens}} max_completion_tokens={{jmes request body.max_completion_tokens}} temperature={{jmes request body.temperature}} stream={{jmes request body.stream}} response_format.type={{jmes request body.response_format.type}} mode={{jmes request headers."x-interop-mode"}} bearer_ok={{jmes request headers.authorization == 'Bearer @KEY@'}}", "type": "invalid_request_error", "param": null, "code": null}}
EOF
} | sed "s/@KEY@/$TASKCOST_INTEROP_KEY/g" >"$work/mock-llm.yaml"

# --- (c) start the server on a free loopback port ---------------------------------------------
port_file="$work/mock.port"
node "$here/start_mock_llm.js" "$modules" "$work/mock-llm.yaml" "$port_file" >"$work/mock.log" 2>&1 &
mock_pid=$!
trap 'kill "$mock_pid" 2>/dev/null || true; wait "$mock_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do  # up to 30 s for node to load express and listen
  [ -s "$port_file" ] && break
  kill -0 "$mock_pid" 2>/dev/null || { cat "$work/mock.log" >&2; fail "mock-llm exited before listening"; }
  sleep 0.1
done
[ -s "$port_file" ] || { cat "$work/mock.log" >&2; fail "mock-llm did not listen within 30 s"; }
port="$(cat "$port_file")"
echo "mock-llm $kVersion listening on 127.0.0.1:$port"

# Negative control: the shape rule must reject a request that uses max_completion_tokens, or
# the runs below would prove nothing about the request shape.
node -e '
  const [port, key] = process.argv.slice(1);
  fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {method: "POST",
    headers: {"Content-Type": "application/json", "Authorization": `Bearer ${key}`,
              "X-Interop-Mode": "prompt"},
    body: JSON.stringify({model: "interop-big", max_completion_tokens: 200, temperature: 0,
      messages: [{role: "system", content: "JSON Schema"}, {role: "user", content: "Ticket S1:"}]})})
  .then(async (r) => { const t = await r.text();
    if (r.status !== 400 || !t.includes("max_completion_tokens=200")) {
      console.error(`negative control: expected 400 naming max_completion_tokens, got ${r.status} ${t}`);
      process.exit(1); } })
  .catch((e) => { console.error(`negative control: ${e}`); process.exit(1); });
' "$port" "$TASKCOST_INTEROP_KEY" || fail "the mock accepted a request it should reject"

# --- (d, part 2) the suite: 3 samples x 2 candidates, one copy per output mode ---------------
cat >"$work/samples.jsonl" <<'EOF'
{"id": "S1", "text": "I was charged twice for my plan this month, please refund one.", "expected_category": "billing", "expected_priority": "high"}
{"id": "S2", "text": "Where is my order? Tracking has not moved since Tuesday.", "expected_category": "shipping", "expected_priority": "normal"}
{"id": "S3", "text": "Love the new dashboard, keep it up!", "expected_category": "other", "expected_priority": "low"}
EOF
cat >"$work/schema.json" <<'EOF'
{"type": "object",
 "properties": {"category": {"type": "string", "enum": ["billing", "shipping", "technical", "other"]},
                "priority": {"type": "string", "enum": ["low", "normal", "high", "urgent"]}},
 "required": ["category", "priority"],
 "additionalProperties": false}
EOF
cat >"$work/prices.yaml" <<'EOF'
currency: USD
models:
  interop-big: {input: 2.00, cached_input: 0.50, output: 8.00, as_of: 2026-11-23, source: "https://example.invalid/interop-test"}
  interop-small: {input: 0.40, cached_input: 0.10, output: 1.60, as_of: 2026-11-23, source: "https://example.invalid/interop-test"}
EOF

write_suite() {  # write_suite prompt|native
  local mode="$1" dir="$work/$1"
  mkdir -p "$dir"
  cat >"$dir/providers.yaml" <<EOF
providers:
  mockllm:
    kind: openai-compatible
    base_url: http://127.0.0.1:$port/v1
    api_key_env: TASKCOST_INTEROP_KEY
    headers: {X-Interop-Mode: $mode}
    timeout_s: 10
    max_concurrency: 4
EOF
  cat >"$dir/suite.yaml" <<EOF
suite: interop-$mode
unit: ticket triaged
samples: ../samples.jsonl
providers: providers.yaml
prices: ../prices.yaml
prompt:
  system: "You triage support tickets into a category and a priority."
  user: "Ticket {{id}}:\n{{text}}"
output: {schema: ../schema.json, name: triage, mode: $mode}
success:
  - field_equals: {field: category, expected: "{{expected_category}}"}
  - field_equals: {field: priority, expected: "{{expected_priority}}"}
policy: {max_attempts: 3, retry_on: [rate_limit, server, timeout, network, invalid_output], timeout_s: 10}
budget_usd: 1.00
candidates:
  - {id: big, provider: mockllm, model: interop-big, baseline: true, params: {temperature: 0, max_tokens: 200}}
  - {id: small, provider: mockllm, model: interop-small, params: {temperature: 0, max_tokens: 200}}
EOF
}

# --- (e) run and (f) check ----------------------------------------------------------------------
# run_and_check MODE OUT live|replay: runs the suite of MODE into $work/MODE/OUT with the response
# cache in $work/MODE/cache, then checks the run directory, the report and key hygiene.
run_and_check() {
  local mode="$1" out="$2" expect="$3" dir="$work/$1"
  local what="$mode mode ($out)" rc=0
  (cd "$dir" && "$taskcost" run suite.yaml --out "$out" --cache-dir cache --concurrency 4 --quiet) \
    >"$dir/$out.stdout" 2>"$dir/$out.stderr" || rc=$?
  if [ "$rc" -ne 0 ]; then
    cat "$dir/$out.stdout" "$dir/$out.stderr" >&2
    grep -o '"error_message":"[^"]*"' "$dir/$out/attempts.jsonl" 2>/dev/null | sort -u >&2 || true
    fail "$what: taskcost run exited $rc"
  fi
  node "$here/check_run.js" "$dir/$out" "$expect" || fail "$what: the run directory does not match"
  "$taskcost" report "$dir/$out" --no-write >"$dir/$out.report" 2>&1 ||
    fail "$what: taskcost report failed: $(cat "$dir/$out.report")"
  # Three samples cannot show that small is no worse: the honest verdict is inconclusive.
  grep -q 'small: inconclusive' "$dir/$out.report" ||
    fail "$what: taskcost report has no 'small: inconclusive': $(cat "$dir/$out.report")"
  # Everything taskcost wrote: the run, the response cache, its output and the report.
  if grep -rlF "$TASKCOST_INTEROP_KEY" "$dir/$out" "$dir/cache" "$dir/$out".*; then
    fail "$what: the API key was written to the files listed above"
  fi
  echo "ok: $what"
}

write_suite prompt
write_suite native
run_and_check prompt run live
run_and_check native run live
# The mock is stopped: a re-run must be answered entirely by the response cache, with the same
# figures (what the tasks cost) and nothing spent.
kill "$mock_pid"
wait "$mock_pid" 2>/dev/null || true
run_and_check prompt replay replay
echo "PASS: taskcost against $kPackage@$kVersion (prompt and native modes, cache replay)"
