#!/bin/sh
# length_score.sh MAX_WORDS [FIELD]: a quality scorer for free text. Counts the words (runs of
# non-space characters) of the answer's FIELD, or of the whole answer text when FIELD is left
# out. Score 1 up to MAX_WORDS words, then falling in a straight line to 0 at twice MAX_WORDS:
# score = max(0, 1 - (words - MAX_WORDS) / MAX_WORDS), three decimals. Passes at MAX_WORDS or
# fewer. (The built-in max_words only passes or fails: this one says how far over it is.)
#
# In a suite under suites/, scoring the one-sentence reason the support-triage prompt asks for:
#   quality:
#     - command: ["sh", "../../scorers/examples/length_score.sh", "30", "reason"]
#
# Answers {"pass": true|false, "score": 0..1, "reason": "reason: 36 words, at most 30"}. An
# answer without FIELD scores 0. MAX_WORDS must be a whole number from 1 (else exit 2: a
# scorer error).
set -u
LC_ALL=C
export LC_ALL
json="$(dirname "$0")/json.awk"
max="${1:?usage: length_score.sh MAX_WORDS [FIELD]}"
field="${2:-}"
case "$max" in
  '' | *[!0-9]* | 0) echo "length_score.sh: MAX_WORDS must be a whole number from 1, not $max" >&2; exit 2 ;;
esac
request="$(cat)"
get() { printf '%s' "$request" | awk -v get="$1" -f "$json"; }
quote() { printf '%s' "$1" | awk -v quote=1 -v max=300 -f "$json"; }  # reasons up to 300 bytes

if [ -z "$field" ]; then
  field="the answer"
  text="$(get output_text)" || exit 2
elif ! text="$(get "output.$field")"; then
  printf '{"pass": false, "score": 0, "reason": %s}\n' "$(quote "$field is missing")"
  exit 0
fi
words="$(printf '%s\n' "$text" | wc -w | tr -d ' ')"
printf '%s %s\n' "$words" "$max" | awk '{
  over = $1 - $2; score = over <= 0 ? 1 : (over >= $2 ? 0 : 1 - over / $2)
  printf "{\"pass\": %s, \"score\": %.3f, ", (over <= 0 ? "true" : "false"), score
}'
printf '"reason": %s}\n' "$(quote "$field: $words words, at most $max")"
