#include "harness/core/render/html.h"

namespace taskcost {
namespace {

// System fonts only (nothing to fetch); tables scroll sideways on narrow screens; print drops
// colours that waste ink and keeps figures whole on a page.
constexpr const char* kStyle = R"css(
:root{--fg:#1d2433;--muted:#5b6475;--line:#d9dee7;--bg:#fff;--accent:#2f6fde;--base:#7a4fd6;
--good:#1f8a4c;--warn:#b7791f;--bad:#c53030;--soft:#f3f5f9}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,
"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif}
main{max-width:1100px;margin:0 auto;padding:16px}
h1{font-size:1.5rem;margin:.2em 0}
h2{font-size:1.2rem;margin:1.4em 0 .5em;border-bottom:1px solid var(--line)}
h3{font-size:1rem;margin:1em 0 .3em}
.meta,.note,figcaption{color:var(--muted)}
.verdict{border-left:6px solid var(--muted);background:var(--soft);padding:10px 14px;
margin:12px 0}
.verdict.switch{border-color:var(--good)}.verdict.keep{border-color:var(--accent)}
.verdict .overall{font-size:1.1rem;font-weight:600;margin:0 0 .4em}
.verdict ul{margin:0;padding-left:1.2em}
.warn{color:var(--bad);font-weight:600}
.table-wrap{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:.5em 0}
table{border-collapse:collapse;font-variant-numeric:tabular-nums;min-width:100%}
th,td{padding:4px 8px;border-bottom:1px solid var(--line);white-space:nowrap;text-align:left}
th{background:var(--soft);font-weight:600}td.num,th.num{text-align:right}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:16px;
align-items:start}
figure{margin:0;border:1px solid var(--line);border-radius:6px;padding:8px;break-inside:avoid}
figure svg{width:100%;height:auto;display:block}
svg text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:var(--fg)}
svg .axis{stroke:var(--line)}svg .grid{stroke:var(--line);stroke-dasharray:2 3}
svg .bar{fill:var(--accent)}svg .bar.baseline{fill:var(--base)}svg .bar.human{fill:#9aa3b2}
svg .bar.neg{fill:var(--bad)}svg .dot{fill:var(--accent);fill-opacity:.55}
svg .dot.outlier{fill:var(--bad);fill-opacity:1}svg .p50{stroke:var(--fg);stroke-width:2}
svg .p95{stroke:var(--warn);stroke-width:2}svg .front{fill:none;stroke:var(--good);stroke-width:2}
svg .pt{fill:var(--accent)}svg .pt.front{fill:var(--good);stroke:none}
svg .pt.baseline{fill:var(--base)}
svg text[class]{stroke:none}svg .muted{fill:var(--muted)}svg .value{font-weight:600}
svg .series{fill:none;stroke-width:2}
.s0{stroke:#2f6fde;fill:#2f6fde}.s1{stroke:#c05621;fill:#c05621}.s2{stroke:#2f855a;fill:#2f855a}
.s3{stroke:#7a4fd6;fill:#7a4fd6}.s4{stroke:#b83280;fill:#b83280}.s5{stroke:#2c7a7b;fill:#2c7a7b}
.s6{stroke:#975a16;fill:#975a16}.s7{stroke:#4a5568;fill:#4a5568}
svg .d1{stroke-dasharray:7 4}svg .d2{stroke-dasharray:2 3}svg .d3{stroke-dasharray:9 3 2 3}
svg .hollow{fill:var(--bg);stroke-width:1.5}
.c-ok{fill:#2f855a}.c-rate_limit{fill:#d69e2e}.c-server{fill:#dd6b20}.c-timeout{fill:#9c4221}
.c-network{fill:#718096}.c-auth,.c-bad_request,.c-quota{fill:#742a2a}
.c-invalid_output{fill:#c53030}
.c-truncated{fill:#b83280}.c-refusal{fill:#553c9a}.c-incorrect{fill:#e53e3e}
.legend{display:flex;flex-wrap:wrap;gap:4px 12px;font-size:12px;color:var(--muted);margin-top:4px}
.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:-1px}
.legend i.c-ok{background:#2f855a}.legend i.c-rate_limit{background:#d69e2e}
.legend i.c-server{background:#dd6b20}
.legend i.c-timeout{background:#9c4221}.legend i.c-network{background:#718096}
.legend i.c-auth,.legend i.c-bad_request,.legend i.c-quota{background:#742a2a}
.legend i.c-invalid_output{background:#c53030}.legend i.c-truncated{background:#b83280}
.legend i.c-refusal{background:#553c9a}.legend i.c-incorrect{background:#e53e3e}
.outlier{border:1px solid var(--line);border-radius:6px;padding:8px 12px;margin:10px 0;
break-inside:avoid}
.outlier h3{margin-top:0}
pre{white-space:pre-wrap;word-break:break-word;background:var(--soft);padding:8px;margin:.3em 0;
max-height:16em;overflow:auto;font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
footer{color:var(--muted);font-size:12px;margin:2em 0 1em}
@media (max-width:600px){main{padding:10px}body{font-size:14px}.charts{grid-template-columns:1fr}}
@media print{body{font-size:11px}main{max-width:none;padding:0}.table-wrap{overflow:visible}
th,td{white-space:normal}pre{max-height:none}.charts{grid-template-columns:1fr 1fr}
figure,tr,.verdict{break-inside:avoid}h2,h3{break-after:avoid}}
)css";

}  // namespace

std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

std::string HtmlPage(std::string_view title, std::string_view body_html) {
  std::string page =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'; img-src data:\">\n<title>";
  page += EscapeHtml(title);
  page += "</title>\n<style>";
  page += kStyle;
  page += "</style>\n</head>\n<body>\n<main>\n";
  page += body_html;
  page += "</main>\n</body>\n</html>\n";
  return page;
}

std::string HtmlTable(const ReportTable& table, std::string_view id) {
  auto cls = [&](size_t i) {
    return i < table.right_aligned.size() && table.right_aligned[i] ? " class=\"num\"" : "";
  };
  std::string out = "<div class=\"table-wrap\"><table";
  if (!id.empty()) out += " id=\"" + EscapeHtml(id) + "\"";
  out += ">\n<thead><tr>";
  for (size_t i = 0; i < table.header.size(); ++i) {
    out += std::string("<th") + cls(i) + " scope=\"col\">" + EscapeHtml(table.header[i]) + "</th>";
  }
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : table.rows) {
    out += "<tr>";
    for (size_t i = 0; i < row.size(); ++i) {
      out += std::string("<td") + cls(i) + ">" + EscapeHtml(row[i]) + "</td>";
    }
    out += "</tr>\n";
  }
  return out + "</tbody></table></div>\n";
}

std::string HtmlSection(std::string_view id, std::string_view heading, std::string_view inner) {
  return "<section id=\"" + EscapeHtml(id) + "\">\n<h2>" + EscapeHtml(heading) + "</h2>\n" +
         std::string(inner) + "</section>\n";
}

std::string HtmlParagraph(std::string_view text, std::string_view cls) {
  std::string out = "<p";
  if (!cls.empty()) out += " class=\"" + EscapeHtml(cls) + "\"";
  return out + ">" + EscapeHtml(text) + "</p>\n";
}

}  // namespace taskcost
