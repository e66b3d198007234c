# json.awk: the JSON the example command scorers need, in POSIX awk (Debian's mawk, gawk, busybox
# awk); run it with LC_ALL=C so strings are bytes. Two uses:
#   awk -v get=output.category -f json.awk <request.json
#       prints the value at the path (object keys joined by ".", array items as [0]): a string
#       decoded (escapes and \uXXXX to UTF-8), anything else as its JSON text. Exit 1 when the
#       path is not there, 2 when the input is not JSON or nests deeper than 64.
#   awk -v quote=1 [-v max=N] -f json.awk <text
#       prints the text as a JSON string literal, for the scorer's "reason"; with max, text past
#       N bytes is cut (never inside a UTF-8 character) and ends in "...", so an answer echoed
#       into a reason stays short.
function bad(msg) { printf "json.awk: %s at byte %d\n", msg, p > "/dev/stderr"; failed = 1; exit 2 }
function ws() { while (p <= n && index(" \t\r\n", substr(s, p, 1)) > 0) p++ }
function hexval(h,   i, v, d) {
  v = 0
  for (i = 1; i <= 4; i++) {
    d = index("0123456789abcdef", tolower(substr(h, i, 1)))
    if (d == 0) bad("bad \\u escape")
    v = v * 16 + d - 1
  }
  return v
}
function utf8(cp) {
  if (cp < 128) return sprintf("%c", cp)
  if (cp < 2048) return sprintf("%c%c", 192 + int(cp / 64), 128 + cp % 64)
  if (cp < 65536) return sprintf("%c%c%c", 224 + int(cp / 4096), 128 + int(cp / 64) % 64, 128 + cp % 64)
  return sprintf("%c%c%c%c", 240 + int(cp / 262144), 128 + int(cp / 4096) % 64,
                 128 + int(cp / 64) % 64, 128 + cp % 64)
}
function str(   out, c, e, cp, lo) {  # at the opening quote; returns the decoded string
  out = ""
  p++
  while (p <= n) {
    if (match(substr(s, p), /^[^"\\]+/)) { out = out substr(s, p, RLENGTH); p += RLENGTH; continue }
    c = substr(s, p, 1)
    if (c == "\"") { p++; return out }
    e = substr(s, p + 1, 1)
    if (e == "u") {
      cp = hexval(substr(s, p + 2, 4)); p += 6
      if (cp >= 55296 && cp < 56320 && substr(s, p, 2) == "\\u") {  # a surrogate pair
        lo = hexval(substr(s, p + 2, 4))
        if (lo >= 56320 && lo < 57344) { cp = 65536 + (cp - 55296) * 1024 + lo - 56320; p += 6 }
      }
      if (cp >= 55296 && cp < 57344) cp = 65533  # a lone surrogate: U+FFFD, as a decoder does
      out = out utf8(cp)
      continue
    }
    if (e == "n") out = out "\n"; else if (e == "t") out = out "\t"; else if (e == "r") out = out "\r"
    else if (e == "b") out = out "\b"; else if (e == "f") out = out "\f"
    else if (e == "\"" || e == "\\" || e == "/") out = out e
    else bad("bad escape")
    p += 2
  }
  bad("unterminated string")
}
function value(path, depth,   c, start, k, i) {  # parses the value at p; keeps the one at `get`
  if (depth > 64) bad("nested deeper than 64")
  ws(); c = substr(s, p, 1); start = p
  if (c == "\"") { k = str(); if (path == want) { found = 1; result = k }; return }
  if (c == "{" || c == "[") {
    p++; ws(); i = 0
    if (substr(s, p, 1) == (c == "{" ? "}" : "]")) p++
    else while (1) {
      if (c == "{") {
        ws(); if (substr(s, p, 1) != "\"") bad("expected a key")
        k = str(); ws(); if (substr(s, p, 1) != ":") bad("expected ':'")
        p++; value(path "." k, depth + 1)
      } else value(path "[" i++ "]", depth + 1)
      ws(); k = substr(s, p, 1); p++
      if (k == (c == "{" ? "}" : "]")) break
      if (k != ",") bad("expected ',' or the end of a " (c == "{" ? "object" : "list"))
    }
  } else if (match(substr(s, p), /^(-?[0-9][-+.0-9eE]*|true|false|null)/)) p += RLENGTH
  else bad("not a JSON value")
  if (path == want) { found = 1; result = substr(s, start, p - start) }
}
function quoted(t,   out, c, i) {
  out = ""
  for (i = 1; i <= length(t); i++) {
    c = substr(t, i, 1)
    if (c == "\"" || c == "\\") out = out "\\" c
    else if (c == "\n") out = out "\\n"
    else if (c == "\t") out = out "\\t"
    else if (c < " ") out = out sprintf("\\u%04x", index(ctl, c))
    else out = out c
  }
  return "\"" out "\""
}
function cut(t, limit) {  # at most `limit` bytes of t, backing off a split UTF-8 character
  if (length(t) <= limit) return t
  while (limit > 0 && index(cont, substr(t, limit + 1, 1)) > 0) limit--
  return substr(t, 1, limit) "..."
}
BEGIN {
  for (i = 1; i < 32; i++) ctl = ctl sprintf("%c", i)
  for (i = 128; i < 192; i++) cont = cont sprintf("%c", i)  # UTF-8 continuation bytes
}
{ s = (NR == 1 ? $0 : s "\n" $0) }
END {
  if (failed) exit 2
  if (quote) { printf "%s", quoted(max > 0 ? cut(s, max) : s); exit 0 }
  n = length(s); p = 1; want = "." get
  value("", 0); ws()
  if (p <= n) bad("text after the JSON value")
  if (!found) exit 1
  printf "%s", result
}
