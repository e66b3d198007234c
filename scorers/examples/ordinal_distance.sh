#!/bin/sh
# ordinal_distance.sh FIELD SAMPLE_FIELD LEVEL LEVEL...: a quality scorer for a field whose values
# are ordered (priorities, severities, ratings). Passes when the answer's FIELD is the sample's
# SAMPLE_FIELD; the score gives partial credit by how many levels apart they are:
# score = 1 - distance / (levels - 1), three decimals. With low normal high urgent, "high" for
# an "urgent" ticket scores 1 - 1/3 = 0.667 and "low" scores 0.
#
# In a suite under suites/, e.g. support-triage (where the success scorers already demand the
# exact priority, this says how far off the misses are):
#   quality:
#     - command: ["sh", "../../scorers/examples/ordinal_distance.sh", "priority",
#                 "expected_priority", "low", "normal", "high", "urgent"]
#
# Answers {"pass": ..., "score": ..., "reason": "priority: got high, expected urgent, 1 level
# apart"}. An answer that is missing the field or gives a value not among the levels scores 0;
# a sample value not among the levels, or fewer than two levels, is a scorer error (exit 3).
set -u
LC_ALL=C
export LC_ALL
json="$(dirname "$0")/json.awk"
[ $# -ge 4 ] || { echo "usage: ordinal_distance.sh FIELD SAMPLE_FIELD LEVEL LEVEL..." >&2; exit 3; }
field="$1"
sample_field="$2"
shift 2
request="$(cat)"
get() { printf '%s' "$request" | awk -v get="$1" -f "$json"; }
quote() { printf '%s' "$1" | awk -v quote=1 -v max=300 -f "$json"; }  # reasons up to 300 bytes
rank() {  # rank VALUE LEVEL...: the value's position among the levels (0 = first), or nothing
  value="$1" i=0
  shift
  for level in "$@"; do
    [ "$level" = "$value" ] && { echo "$i"; return; }
    i=$((i + 1))
  done
}

want="$(get "sample.$sample_field")" || want=""
want_rank="$(rank "$want" "$@")"
if [ -z "$want_rank" ]; then
  echo "ordinal_distance.sh: the sample's $sample_field is not one of: $*" >&2
  exit 3
fi
got="$(get "output.$field")" || got=""
got_rank="$(rank "$got" "$@")"
if [ -z "$got_rank" ]; then
  printf '{"pass": false, "score": 0, "reason": %s}\n' \
    "$(quote "$field: got \"$got\", not one of: $*")"
  exit 0
fi
distance=$((got_rank - want_rank))
[ "$distance" -lt 0 ] && distance=$((-distance))
[ "$distance" -eq 0 ] && pass=true || pass=false
printf '%s %s\n' "$distance" "$#" | awk '{ printf "{\"pass\": %s, \"score\": %.3f, ", "'"$pass"'", 1 - $1 / ($2 - 1) }'
printf '"reason": %s}\n' "$(quote "$field: got $got, expected $want, $distance level(s) apart")"
