#!/bin/sh
# field_matches.sh FIELD [SAMPLE_FIELD]: a success scorer. Passes when the answer's FIELD equals
# the sample's SAMPLE_FIELD (default expected_FIELD), ignoring case and spaces at either end, so
# "Billing " matches "billing" (the built-in field_equals compares exactly). Score 1 or 0.
# FIELD and SAMPLE_FIELD are paths as json.awk reads them: vendor.name, line_items[0].sku.
#
# In a suite under suites/ (the command runs in the suite's directory; docs/scorers.md):
#   success:
#     - command: ["sh", "../../scorers/examples/field_matches.sh", "category"]
#
# Answers {"pass": true|false, "score": 1|0, "reason": "category: got ..., expected ..."}.
# An answer without the field fails; a sample without SAMPLE_FIELD is the suite's mistake, so
# the scorer exits 3 and the task is left unjudged (a scorer error), never failed.
set -u
LC_ALL=C
export LC_ALL
json="$(dirname "$0")/json.awk"
field="${1:?usage: field_matches.sh FIELD [SAMPLE_FIELD]}"
sample_field="${2:-expected_$field}"
request="$(cat)"
get() { printf '%s' "$request" | awk -v get="$1" -f "$json"; }
quote() { printf '%s' "$1" | awk -v quote=1 -v max=300 -f "$json"; }  # reasons up to 300 bytes
normal() { printf '%s' "$1" | tr '[:upper:]' '[:lower:]' | sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//'; }

if ! want="$(get "sample.$sample_field")"; then
  echo "field_matches.sh: the sample has no field $sample_field" >&2
  exit 3
fi
if ! got="$(get "output.$field")"; then
  printf '{"pass": false, "score": 0, "reason": %s}\n' "$(quote "$field is missing")"
  exit 0
fi
if [ "$(normal "$got")" = "$(normal "$want")" ]; then
  pass=true score=1
else
  pass=false score=0
fi
printf '{"pass": %s, "score": %s, "reason": %s}\n' "$pass" "$score" \
  "$(quote "$field: got $got, expected $want")"
