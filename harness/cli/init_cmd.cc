// taskcost init DIR: writes a new suite to fill in (docs/init.md): suite.yaml with every key
// commented, schema.json, and a samples file, whose candidates are models of the default
// catalogs, so that `validate` passes on it as written and `run --simulate` runs it. With
// --from-csv FILE the samples are a spreadsheet export's rows, the prompt names its columns.
// Refuses a DIR that exists and is not empty unless --force. Not synchronised (one thread).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "harness/cli/cli.h"
#include "harness/cli/inputs.h"
#include "harness/cli/options.h"
#include "harness/cli/output_files.h"
#include "harness/core/formats/csv.h"
#include "harness/core/formats/error_text.h"
#include "harness/core/formats/user_files.h"
#include "harness/core/formats/utf8.h"
#include "harness/core/loading/samples.h"

namespace taskcost {
namespace {

namespace fs = std::filesystem;

// The longest column name --from-csv puts in a template: a header cell longer than this is a
// sign of a file that is not a CSV with a header (a 10 MB line, a binary file).
constexpr size_t kMaxColumnNameBytes = 100;
// The prefix of a column holding the right answer, offered as a success criterion.
constexpr std::string_view kExpectedPrefix = "expected_";

// What the new suite is made of, apart from the skeleton every suite shares.
struct SuiteParts {
  std::string name;  // the suite's name, from DIR
  std::string unit = "task";
  std::string description;      // one line
  std::string samples_file;     // "samples.jsonl" or "samples.csv"
  std::string samples_text;     // the samples file's bytes
  std::string samples_comment;  // lines (each "# ...\n") above `samples:`
  std::string system;           // the system prompt (one line)
  std::string user;             // the user template, YAML double-quoted
  std::string prompt_comment;   // "\n  # ..." lines between the user message's comment and it
  std::string schema_json;      // schema.json's text
  std::string success;          // the success block: "success:\n  - ...\n", or commented
  std::string quality_field;    // a property of the schema, for the commented quality example
};

constexpr const char* kDefaultSamples =
    R"({"id": "m-1", "text": "I was charged twice for my March invoice, please refund one.", "expected_category": "billing"}
{"id": "m-2", "text": "The app crashes every time I open the reports page on my tablet.", "expected_category": "technical"}
{"id": "m-3", "text": "Do you have a discount for non-profit organisations?", "expected_category": "other"}
)";

constexpr const char* kDefaultSchema = R"({
  "description": "The answer for one message: where it goes, and why.",
  "type": "object",
  "properties": {
    "category": {"type": "string", "enum": ["billing", "technical", "other"],
                 "description": "The team that should answer the message."},
    "reason": {"type": "string", "description": "One short sentence explaining the choice."}
  },
  "required": ["category", "reason"],
  "additionalProperties": false
}
)";

// The suite's name from the directory's: [A-Za-z0-9_.-]+, other characters as '-'.
std::string SuiteNameOf(const std::string& dir) {
  fs::path path = fs::path(AbsolutePath(dir));
  if (path.filename().empty()) path = path.parent_path();  // "suites/new/"
  std::string base = path.filename().string();
  std::string name;
  for (char c : base.substr(0, 64)) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '_' || c == '.' || c == '-';
    name += plain ? c : '-';
  }
  return name.empty() || name == "." || name == ".." ? "my-suite" : name;
}

// `text` as a YAML double-quoted scalar: backslashes and quotes escaped, line feeds as \n.
std::string YamlQuoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '\\' || c == '"') out += '\\';
    out += c == '\n' ? std::string("\\n") : std::string(1, c);
  }
  return out + "\"";
}

SuiteParts DefaultParts(const std::string& name) {
  SuiteParts parts;
  parts.name = name;
  parts.unit = "message routed";
  parts.description = "Route a customer message to the team that should answer it.";
  parts.samples_file = "samples.jsonl";
  parts.samples_text = kDefaultSamples;
  parts.samples_comment =
      "# Three made-up rows to show the shape: replace them with about a hundred real inputs.\n";
  parts.system =
      "You route customer messages. Choose the one category that fits best and give "
      "a one-sentence reason. Reply only with the JSON object the schema requires.";
  parts.user = YamlQuoted("Message {{id}}:\n{{text}}");
  parts.schema_json = kDefaultSchema;
  parts.success =
      "success:\n  - field_equals: {field: category, expected: \"{{expected_category}}\"}\n";
  parts.quality_field = "reason";
  return parts;
}

// suite.yaml: every key with its comment; @name@ marks a part of SuiteParts.
constexpr std::string_view kSkeleton =
    R"(# A new suite written by `taskcost init`: a model-downgrade test to fill in. Every key is
# described in docs/suite-format.md. Check it with `taskcost validate suite.yaml`; run it
# offline with `taskcost run suite.yaml --simulate` (no key needed), then for real.

# The suite's name ([A-Za-z0-9_.-]+): it names the results directory.
suite: @name@
# What one task is called in reports.
unit: @unit@
# Free text for people; ignored by the harness.
description: @description@
# The inputs, relative to this file: JSON objects one per line (.jsonl), a CSV with a header
# row (.csv), or a list written here. Each needs a unique "id"; the prompt reads the other
# fields as {{field}}.
@samples_comment@samples: @samples_file@
# The prompt: {{field}} is replaced by the sample's field of that name.
prompt:
  # The system prompt (optional).
  system: @system@
  # The user message (required).@prompt_comment@
  user: @user@
# The answer: a JSON Schema it must meet (docs/schema-support.md).
output:
  schema: schema.json
  # The answer's name: the response format's name (OpenAI) or the tool's (Anthropic).
  name: answer
  # native: the provider's structured output; prompt: the schema stated in the prompt.
  mode: native
# Scorers that must all pass for a task to succeed, beyond the schema (docs/scorers.md).
@success@# Scorers giving each answer a 0-1 quality score, averaged in the report; they never
# decide success.
# quality:
#   - max_words: {field: @quality_field@, max: 30}
# The human alternative, for the ROI columns: minutes a person needs per task, their fully
# loaded hourly rate in USD, and minutes of review per AI task. Put in your own figures.
human: {minutes_per_task: 1, hourly_rate: 40, review_minutes_per_task: 0.1}
# Tasks per month, for the monthly projections.
volume_per_month: 10000
# Retries and timeouts: attempts per task, the failures retried, seconds per attempt, the
# backoff between retries, and the longest wait a provider may ask for.
policy:
  max_attempts: 3
  retry_on: [rate_limit, server, timeout, network, invalid_output]
  timeout_s: 60
  backoff_initial_ms: 500
  backoff_max_ms: 30000
  max_wait_s: 120
# The most the whole run may spend, USD (docs/plan.md).
budget_usd: 1.00
# Labels recorded in run.json; `taskcost summary` groups runs by feature.
# tags: {team: support, feature: routing}
# The catalogs. Without these keys they are found as docs/configs.md says: configs/ beside
# this file or above it, else the installed defaults (validate prints which it used).
# providers: configs/providers.yaml
# prices: configs/prices.yaml
# The limits `taskcost gate` checks a run against a baseline with (docs/ci.md).
# gate: {max_cost_increase_pct: 10, max_success_drop_pp: 5}
# The rubric of expert scoring (docs/review.md).
# review: {scale: [1, 5], tolerance: 0.5}
# The models under test, each with a provider in providers.yaml and a price in prices.yaml
# (these are in the default catalogs); exactly one is the baseline, the incumbent the others
# are compared with. Keys: docs/suite-format.md, "candidates".
candidates:
  - {id: gpt-4.1, provider: openai, model: gpt-4.1, baseline: true, params: {temperature: 0, max_tokens: 300}}
  - {id: gpt-4.1-mini, provider: openai, model: gpt-4.1-mini, params: {temperature: 0, max_tokens: 300}}
  # - {id: claude-haiku-4-5, provider: anthropic, model: claude-haiku-4-5, params: {temperature: 0, max_tokens: 300}}
)";

// kSkeleton with each @key@ replaced, in one pass (a value is never scanned again).
std::string SuiteText(const SuiteParts& p) {
  const std::string unit = YamlQuoted(p.unit), description = YamlQuoted(p.description),
                    system = YamlQuoted(p.system);
  const std::pair<std::string_view, const std::string*> values[] = {
      {"name", &p.name},
      {"unit", &unit},
      {"description", &description},
      {"samples_comment", &p.samples_comment},
      {"samples_file", &p.samples_file},
      {"system", &system},
      {"prompt_comment", &p.prompt_comment},
      {"user", &p.user},
      {"success", &p.success},
      {"quality_field", &p.quality_field}};
  std::string out;
  size_t at = 0;
  for (size_t open; (open = kSkeleton.find('@', at)) != std::string_view::npos;) {
    const size_t close = kSkeleton.find('@', open + 1);
    const std::string_view key = kSkeleton.substr(open + 1, close - open - 1);
    out.append(kSkeleton.substr(at, open - at));
    for (const auto& [name, value] : values) {
      if (name == key) out += *value;
    }
    at = close + 1;
  }
  return out.append(kSkeleton.substr(at));
}

// `text` fit for a YAML comment: printable ASCII, anything else as '?', at most 200 bytes.
std::string PlainText(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 200)) out += c >= 0x20 && c < 0x7F ? c : '?';
  return out;
}

// --- --from-csv -------------------------------------------------------------------------------

// The offset of the first byte that is not part of UTF-8 text (a NUL counts), or npos.
size_t FirstNonText(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const size_t n = text[i] == '\0' ? 0 : Utf8SequenceLength(text, i);
    if (n == 0) return i;
    i += n;
  }
  return std::string_view::npos;
}

// A spreadsheet export is text: a NUL or bytes that are not UTF-8 mean another kind of file
// (or another encoding), named at the line they are on.
Status CheckText(std::string_view text, const std::string& file) {
  const size_t bad = FirstNonText(text);
  if (bad == std::string_view::npos) return OkStatus();
  char byte[8];
  std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(text[bad]));
  return MakeError(std::string("not UTF-8 text (byte ") + byte +
                       "); --from-csv reads a CSV export saved as UTF-8",
                   "", LocationAt(text, bad, {file, 1, 1}));
}

// Why a header cell cannot be named in a {{template}}, or "".
std::string ColumnNameProblem(const std::string& name) {
  if (name.empty()) return "";  // the samples reader names it ("has no name")
  if (name.size() > kMaxColumnNameBytes) {
    return "is " + std::to_string(name.size()) + " bytes long; a column name may have at most " +
           std::to_string(kMaxColumnNameBytes) + " (is the first line a header?)";
  }
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return "holds a control character";
  }
  if (name.find_first_of("{}") != std::string::npos) return "holds a brace: {{...}} cannot name it";
  if (name.front() == ' ' || name.back() == ' ') return "begins or ends with a space";
  return "";
}

// The CSV's header row, or a located error when it has none.
Result<std::vector<std::string>> ReadHeader(std::string_view text, const std::string& file) {
  std::vector<std::string> header;
  bool seen = false;
  Status read = ForEachCsvRecord(text, file, kMaxCsvColumns, [&](CsvRecord&& record) {
    header = std::move(record.fields);
    seen = true;
    return false;
  });
  if (!read.ok()) return read.errors();
  if (!seen) return MakeError("the file has no header row naming the columns", "", {file, 0, 0});
  return header;
}

Errors CheckColumnNames(const std::vector<std::string>& header, const std::string& file) {
  Errors errors;
  for (size_t i = 0; i < header.size(); ++i) {
    const std::string problem = ColumnNameProblem(header[i]);
    if (problem.empty()) continue;
    errors.push_back(MakeError(
        "column " + std::to_string(i + 1) + " of the header, " + Quoted(header[i]) + ", " + problem,
        "", {file, 1, 0}));
    if (errors.size() == 10) break;
  }
  return errors;
}

// The column that identifies each row: "id", else --id-column's. Located error otherwise.
Result<std::string> PickIdColumn(const std::vector<std::string>& header, const std::string& flag,
                                 const std::string& file) {
  const SourceLocation where{file, 1, 0};
  const bool has_id = std::find(header.begin(), header.end(), "id") != header.end();
  if (!flag.empty()) {
    if (std::find(header.begin(), header.end(), flag) == header.end()) {
      return MakeError("--id-column " + Quoted(flag) + ": the header has no such column" +
                           DidYouMean(flag, header),
                       "", where);
    }
    if (has_id && flag != "id") {
      return MakeError("--id-column " + Quoted(flag) +
                           ": the header already has an \"id\" "
                           "column; rename one of them",
                       "", where);
    }
    return flag;
  }
  if (has_id) return std::string("id");
  std::string guess;
  for (const std::string& name : header) {
    if (name.size() >= 2 && (name.ends_with("_id") || name.ends_with("ID") ||
                             name.ends_with("Id") || name == "ID" || name == "Id")) {
      guess = name;
      break;
    }
  }
  return MakeError(
      "the header has no \"id\" column; name the column that identifies each row "
      "with --id-column" +
          (guess.empty() ? std::string() : " (" + Quoted(guess) + "?)"),
      "", where);
}

std::string CsvCell(const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// The CSV with its header's `id_column` named "id" (the suite format's id); the rows are kept
// byte for byte. The header is one line: its names were checked to hold no line break.
std::string WithIdColumn(std::string_view text, std::vector<std::string> header,
                         const std::string& id_column) {
  if (id_column == "id") return std::string(text);
  std::string out;
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == id_column) header[i] = "id";
    out += (i ? "," : "") + CsvCell(header[i]);
  }
  const size_t end = text.find('\n');
  return out + (end == std::string_view::npos ? "\n" : std::string(text.substr(end)));
}

// The schema and success block from the expected_* columns: a string property per column
// (expected_category -> category), offered as a commented field_equals each.
void PartsFromExpected(const std::vector<std::string>& expected, SuiteParts& parts) {
  nlohmann::ordered_json props = nlohmann::ordered_json::object();
  std::string offered;
  for (const std::string& column : expected) {
    const std::string field = column.substr(kExpectedPrefix.size());
    props[field] = {{"type", "string"}};
    offered += "#   - field_equals: {field: " + field + ", expected: \"{{" + column + "}}\"}\n";
  }
  if (props.empty()) props["answer"] = {{"type", "string"}};
  nlohmann::ordered_json required = nlohmann::ordered_json::array();
  for (const auto& item : props.items()) required.push_back(item.key());
  parts.quality_field = props.begin().key();
  nlohmann::ordered_json schema = {{"type", "object"},
                                   {"properties", props},
                                   {"required", required},
                                   {"additionalProperties", false}};
  parts.schema_json = schema.dump(2) + "\n";
  parts.success = offered.empty()
                      ? "# success:\n#   - field_equals: {field: answer, expected: \"{{...}}\"}\n"
                      : "# (offered from the expected_ columns: uncomment to score them)\n"
                        "# success:\n" +
                            offered;
}

// expected_<field> with a field a scorer's path can name.
bool IsExpectedColumn(const std::string& name) {
  if (!name.starts_with(kExpectedPrefix) || name.size() == kExpectedPrefix.size()) return false;
  for (char c : name.substr(kExpectedPrefix.size())) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '_' || c == '-';
    if (!plain) return false;
  }
  return true;
}

// The prompt, schema and success block from the CSV's columns: every column but the id and the
// expected_ ones is a line of the user message.
void PromptFromColumns(const std::vector<std::string>& header, const std::string& id_column,
                       SuiteParts& parts) {
  std::string user = "Row {{id}}:";
  std::vector<std::string> expected;
  for (const std::string& column : header) {
    if (column == id_column) continue;
    if (IsExpectedColumn(column)) {
      expected.push_back(column);  // the answer: never shown to the model
      continue;
    }
    user += "\n" + column + ": {{" + column + "}}";
  }
  parts.user = YamlQuoted(user);
  if (!expected.empty()) {
    parts.prompt_comment = "\n  # Left out: " + JoinNames(expected) +
                           " (the right answer, for the success criteria below).";
  }
  parts.system = "Answer for the row below with the JSON object the schema requires.";
  PartsFromExpected(expected, parts);
}

Result<SuiteParts> PartsFromCsv(const std::string& name, const std::string& csv_path,
                                const std::string& id_flag) {
  Result<std::string> text = ReadUserFile(csv_path, kMaxSamplesFileBytes);
  if (!text.ok()) return text.errors();
  if (Status is_text = CheckText(*text, csv_path); !is_text.ok()) return is_text.errors();
  Result<std::vector<std::string>> header = ReadHeader(*text, csv_path);
  if (!header.ok()) return header.errors();
  Errors errors = CheckColumnNames(*header, csv_path);
  if (!errors.empty()) return errors;
  Result<std::string> id_column = PickIdColumn(*header, id_flag, csv_path);
  if (!id_column.ok()) return id_column.errors();
  SuiteParts parts = DefaultParts(name);
  parts.unit = "task";
  parts.description = "Rows of a spreadsheet export.";
  parts.samples_file = "samples.csv";
  parts.samples_text = WithIdColumn(*text, *header, *id_column);
  SamplesRead read = ReadCsvSamples(parts.samples_text, csv_path);
  if (!read.errors.empty()) return read.errors;
  if (read.samples.empty())
    return MakeError("the file has no rows under its header", "", {csv_path, 0, 0});
  parts.samples_comment =
      "# Copied from " + PlainText(csv_path) + " (" + std::to_string(read.samples.size()) +
      " rows)" +
      (*id_column == "id" ? "" : "; its column " + Quoted(*id_column) + " is \"id\" here") + ".\n";
  PromptFromColumns(*header, *id_column, parts);
  return parts;
}

// --- the directory ---------------------------------------------------------------------------

// DIR may be new, or an empty directory; anything else only with --force.
Status CheckTarget(const std::string& dir, bool force) {
  std::error_code ec;
  const fs::file_status status = fs::status(dir, ec);
  if (!fs::exists(status)) return OkStatus();
  const SourceLocation where{dir, 0, 0};
  if (!fs::is_directory(status)) {
    return MakeError("exists and is not a directory; init writes a new suite into a directory", "",
                     where);
  }
  if (force) return OkStatus();
  if (!fs::is_empty(dir, ec) || ec) {
    return MakeError(
        "the directory is not empty; init writes a new suite only into a new or "
        "empty directory (--force writes suite.yaml, schema.json and the samples "
        "file over what is there)",
        "", where);
  }
  return OkStatus();
}

Status WriteSuite(const std::string& dir, const SuiteParts& parts) {
  const fs::path root(dir);
  const std::string suite = SuiteText(parts);
  const std::pair<std::string, const std::string*> files[] = {
      {parts.samples_file, &parts.samples_text},
      {"schema.json", &parts.schema_json},
      {"suite.yaml", &suite}};
  for (const auto& [file, text] : files) {
    Status wrote = WriteOutputFile((root / file).string(), *text);
    if (!wrote.ok()) return wrote;
  }
  return OkStatus();
}

}  // namespace

int InitVerb(const std::vector<std::string>& args) {
  po::options_description options("init options");
  std::string dir, from_csv, id_column;
  bool force = false;
  options.add_options()("dir", po::value(&dir)->required(),
                        "directory to write the new suite into")(
      "from-csv", po::value(&from_csv),
      "take the samples and their columns from this CSV (a spreadsheet export with a header)")(
      "id-column", po::value(&id_column),
      "with --from-csv: the column that identifies each row (default: the column \"id\")")(
      "force", po::bool_switch(&force), "write into DIR even when it is not empty");
  po::positional_options_description positional;
  positional.add("dir", 1);
  ParseOutcome parsed = ParseVerbArgs("init", "DIR [options]", args, options, positional);
  if (parsed.exit_code) return *parsed.exit_code;
  if (dir.empty()) {
    PrintError("init needs a directory to write the suite into: taskcost init DIR");
    return kExitBadInput;
  }
  if (!id_column.empty() && from_csv.empty()) {
    PrintError("--id-column needs --from-csv");
    return kExitBadInput;
  }

  Status target = CheckTarget(dir, force);
  if (!target.ok()) {
    PrintErrors(target.errors());
    return kExitBadInput;
  }
  Result<SuiteParts> parts = from_csv.empty() ? Result<SuiteParts>(DefaultParts(SuiteNameOf(dir)))
                                              : PartsFromCsv(SuiteNameOf(dir), from_csv, id_column);
  if (!parts.ok()) {
    PrintErrors(parts.errors());
    return kExitBadInput;
  }
  Status wrote = WriteSuite(dir, *parts);
  if (!wrote.ok()) {
    PrintErrors(wrote.errors());
    return kExitIncomplete;
  }
  const std::string suite = (fs::path(dir) / "suite.yaml").string();
  std::printf("wrote %s, %s/schema.json and %s/%s\n", suite.c_str(), dir.c_str(), dir.c_str(),
              parts->samples_file.c_str());
  // What validate would say, at once: a suite that does not load is init's news too (the
  // default catalogs missing, say).
  Result<LoadedInputs> inputs = LoadInputs(suite, "", "", nullptr);
  if (!inputs.ok()) {
    PrintErrors(inputs.errors());
    return kExitBadInput;
  }
  std::printf("next: fill it in, then\n  taskcost validate %s\n  taskcost run %s --simulate\n",
              suite.c_str(), suite.c_str());
  return kExitOk;
}

}  // namespace taskcost
