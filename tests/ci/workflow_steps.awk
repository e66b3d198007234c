# Extracts the steps of the one job of a GitHub Actions workflow, in order, into files under the
# directory `out` (awk -v out=DIR -f workflow_steps.awk taskcost.yml): NN.name (the step's name),
# NN.run (its script) or NN.uses (the action). Reads only the subset tests/ci/workflow_test.sh
# can run faithfully: `run: |` blocks and one-line plain `run:` scalars. Anything else on a run
# step (a folded or quoted run, step-level env, shell, working-directory, if) stops it with a
# message naming the line, so the test never runs something other than what CI would.
function indent_of(s) { match(s, /^ */); return RLENGTH }
function fail(msg) { printf "workflow line %d: %s\n", NR, msg > "/dev/stderr"; bad = 1; exit 2 }
function end_step() {
  if (n == 0) return
  if (name == "") name = "(unnamed)"
  printf "%s\n", name > (out "/" sprintf("%02d", n) ".name"); close(out "/" sprintf("%02d", n) ".name")
  if (has_run && unsupported != "") fail("step \"" name "\" has " unsupported ", which the local run cannot honour")
}
BEGIN { steps_indent = -1; n = 0; in_block = 0 }
{
  line = $0; ind = indent_of(line); blank = (line ~ /^ *$/)
  if (in_block) {
    if (blank || ind > key_indent) {
      if (!blank && body_indent < 0) body_indent = ind
      text = blank ? "" : substr(line, body_indent + 1)
      if (!blank && ind < body_indent) fail("a run block line indented less than its first line")
      printf "%s\n", text >> run_file
      next
    }
    in_block = 0; close(run_file)
  }
  if (blank || line ~ /^ *#/) next
  if (steps_indent < 0) {
    if (line ~ /^ *steps: *$/) steps_indent = ind
    next
  }
  if (ind <= steps_indent) { end_step(); steps_indent = -2; next }  # past the steps list
  if (steps_indent == -2) next
  item = (substr(line, ind + 1, 2) == "- ")
  if (item) {
    end_step(); n++; name = ""; has_run = 0; unsupported = ""
    key_indent = ind + 2; line = substr(line, 1, ind) "  " substr(line, ind + 3); ind = key_indent
  }
  if (ind != key_indent) next                  # inside a mapping of the step (with:, env:)
  key = substr(line, ind + 1); value = key
  sub(/:.*/, "", key); sub(/^[^:]*: */, "", value); sub(/ +#.*$/, "", value)
  if (key == "name") { name = value; next }
  if (key == "uses") { printf "%s\n", value > (out "/" sprintf("%02d", n) ".uses"); next }
  if (key == "env" || key == "shell" || key == "working-directory" || key == "if" ||
      key == "continue-on-error" || key == "timeout-minutes") {
    unsupported = unsupported (unsupported == "" ? "" : ", ") key ":"; next
  }
  if (key != "run") next
  has_run = 1; run_file = out "/" sprintf("%02d", n) ".run"
  if (value == "|" || value == "|-") { in_block = 1; body_indent = -1; printf "" > run_file; next }
  if (value ~ /^[>"'&*!]/ || value == "") fail("run: " value " is not a `run: |` block or a plain one-line run")
  printf "%s\n", value > run_file; close(run_file)
}
END { if (bad) exit 2; if (in_block) close(run_file); end_step(); if (bad) exit 2; if (n == 0) { print "workflow: no steps found" > "/dev/stderr"; exit 2 } }
