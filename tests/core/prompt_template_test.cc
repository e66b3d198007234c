#include "harness/core/loading/prompt_template.h"

#include <doctest/doctest.h>

namespace taskcost::prompt_template_test {
namespace {
Sample MakeSample() {
  Sample s;
  s.id = "t-17";
  s.fields = {{"text", "Charged twice"}, {"customer.name", "Ann"}, {"n", "3"}};
  s.where = {"suites/x/samples.jsonl", 17, 0};
  return s;
}
}  // namespace

TEST_CASE("prompt_template: fills every placeholder from the sample's fields") {
  Sample s = MakeSample();
  CHECK(RenderTemplate("Ticket from {{customer.name}}: {{ text }} ({{n}}, {{n}})", s).value() ==
        "Ticket from Ann: Charged twice (3, 3)");
  SUBCASE("text without placeholders, single braces and lone closers pass through") {
    CHECK(RenderTemplate("Answer as {\"a\": 1}}", s).value() == "Answer as {\"a\": 1}}");
    CHECK(RenderTemplate("", s).value() == "");
  }
  SUBCASE("values are inserted verbatim, never expanded again") {
    Sample tricky = s;
    tricky.fields["text"] = "{{n}}";
    CHECK(RenderTemplate("{{text}}", tricky).value() == "{{n}}");
  }
}

TEST_CASE("prompt_template: each missing field names the sample, its line and the field") {
  Result<std::string> r = RenderTemplate("{{custmer.name}} {{text}} {{missing}}", MakeSample());
  REQUIRE_FALSE(r.ok());
  CHECK(FormatErrors(r.errors()) ==
        "suites/x/samples.jsonl:17: sample \"t-17\" has no field \"custmer.name\", did you mean "
        "\"customer.name\"?\n"
        "suites/x/samples.jsonl:17: sample \"t-17\" has no field \"missing\"");
}

TEST_CASE("prompt_template: field names in order of first use") {
  CHECK(TemplateFields("{{b}} {{ a }} {{b}} {{c.d}}") == std::vector<std::string>{"b", "a", "c.d"});
  CHECK(TemplateFields("none here").empty());
}

TEST_CASE("prompt_template: syntax problems") {
  CHECK(CheckTemplate("fine {{x}}").ok());
  CHECK(CheckTemplate("Ticket: {{text").error().message == "unclosed \"{{\" at \"{{text\"");
  CHECK(CheckTemplate("a {{ }} b").error().message == "empty placeholder \"{{ }}\"");
  CHECK(CheckTemplate("{{{x}}}").error().message ==
        "placeholder \"{{{x}}\" may not contain braces");
  CHECK_FALSE(RenderTemplate("{{text", MakeSample()).ok());
}

}  // namespace taskcost::prompt_template_test
