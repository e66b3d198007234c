// HTML building blocks shared by the self-contained pages (report, history, summary): escaping,
// the page shell (CSP that forbids every network request, inline CSS, system fonts, print and
// phone layouts) and tables. Every piece of text passes through EscapeHtml: model outputs and
// sample inputs are untrusted. Pure functions; not synchronised.
#pragma once

#include <string>
#include <string_view>

#include "harness/core/render/report_tables.h"

namespace taskcost {

/// Text safe in element content and in double- or single-quoted attribute values:
/// & < > " ' become entities. "<script>" -> "&lt;script&gt;".
std::string EscapeHtml(std::string_view text);

/// A whole page: doctype, charset, viewport, the Content-Security-Policy
/// "default-src 'none'; style-src 'unsafe-inline'; img-src data:" (no script runs, nothing is
/// fetched), the title (escaped) and the shared stylesheet, then `body_html` (already HTML).
std::string HtmlPage(std::string_view title, std::string_view body_html);

/// A table in a horizontally scrolling wrapper; right-aligned columns get class "num".
/// `id` (may be empty) names the table for tests and links.
std::string HtmlTable(const ReportTable& table, std::string_view id);

/// <section id="..."><h2>heading</h2> + inner </section>.
std::string HtmlSection(std::string_view id, std::string_view heading, std::string_view inner);

/// <p class="cls">escaped text</p>.
std::string HtmlParagraph(std::string_view text, std::string_view cls = "");

}  // namespace taskcost
