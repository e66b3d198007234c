// Internal to the suite loader (suite_loader.cc): readers for the sections of suite.yaml. Each
// reads one section, records every problem in the context's YamlReader and returns what it
// could read. Not synchronised.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/core/model/suite.h"
#include "harness/core/formats/user_files.h"
#include "harness/core/formats/yaml_util.h"

namespace taskcost {

/// A {{template}} of the suite, checked against every sample once all are read.
struct TemplateUse {
  std::string path;  // "prompt.user", "success[0].field_equals.expected"
  SourceLocation where;
  std::string text;
};

/// State shared while one suite.yaml is read.
struct SuiteContext {
  YamlReader reader;
  std::string dir;            // suite.yaml's directory; relative paths resolve against it
  std::string samples_bytes;  // the samples file, for the content hash ("" when inline)
  std::string schema_bytes;   // the schema file, for the content hash ("" when inline)
  std::vector<std::string> step_schema_bytes;  // chain steps' schema files, in suite order
  std::vector<TemplateUse> templates;
  std::vector<Candidate> judges;  // the LLM judges' models, as success:/quality: name them
};

/// Whether `text` is non-empty and made only of ASCII letters, digits and `punctuation`.
bool IsNameOf(std::string_view text, std::string_view punctuation);

/// The path a field names, resolved against the suite's directory, when that file exists; else
/// records `file "x.jsonl" not found (looked for suites/s/x.jsonl)` at the field.
std::optional<std::string> ResolveReferencedPath(SuiteContext& context, const YamlField& field);

/// Reads the file a field names, resolved against the suite's directory. On failure records
/// `file "x.jsonl" not found (looked for suites/s/x.jsonl)` at the field and returns nullopt.
std::optional<std::string> ReadReferencedFile(SuiteContext& context, const YamlField& field,
                                              std::string* resolved,
                                              size_t max_bytes = kMaxConfigFileBytes);

/// A string field that is a {{template}}; recorded for CheckTemplateFields.
std::optional<std::string> ReadTemplate(SuiteContext& context, const YamlField& field);

/// A JSON Schema written at `field` (a file name or an inline mapping) as compact JSON, checked
/// to compile; a file's bytes go to `file_bytes` (for the content hash). "" after an error, which
/// is recorded at the field (inline schemas located at the bad keyword).
std::string ReadUsableSchema(SuiteContext& context, const YamlField& field,
                             std::string* file_bytes);
PromptTemplate ReadPrompt(SuiteContext& context, const YamlField& prompt);
/// The `messages:` list of `prompt` into out.messages and out.cache_prefix_messages
/// (suite_messages.cc); `system:` or `user:` beside it is an error.
void ReadPromptMessages(SuiteContext& context, const YamlField& prompt, const YamlField& list,
                        PromptTemplate& out);
/// Once the samples are read: every insert of `prompt` holds a readable list of messages in
/// every sample, and each sample's conversation starts and ends with a user message. `list` is
/// the prompt's `messages:` field. Does nothing when an entry's role is missing or wrong.
/// The `cache:` key of `prompt` into out.cache_ttl_seconds and out.cache_prefix_hash
/// (suite_cache.cc), once the rest of the prompt is read: the prefix must exist and be fixed text.
void ReadPromptCache(SuiteContext& context, const YamlField& prompt, PromptTemplate& out);
void CheckPromptMessages(SuiteContext& context, const PromptTemplate& prompt, const YamlField& list,
                         const std::vector<Sample>& samples);
OutputSpec ReadOutput(SuiteContext& context, const YamlField& output);
/// The success: (quality false) or quality: list (suite_scorers.cc). `schema_json` (may be "")
/// lets field paths be checked against the schema.
std::vector<SuccessCriterion> ReadScorers(SuiteContext& context, const YamlField& list,
                                          const std::string& schema_json, bool quality);
/// A `tags:` mapping: names of letters, digits, '_', '.', '-'; values non-empty scalars.
Tags ReadTags(YamlReader& reader, const YamlField& tags);
HumanAlternative ReadHuman(SuiteContext& context, const YamlField& human);
RetryPolicy ReadPolicy(SuiteContext& context, const YamlField& policy);
/// A single model's provider, model, price and params keys of `item` (a candidate's, or an LLM
/// judge's): required provider and model, price defaulting to the model.
void ReadModelFields(YamlReader& reader, const YamlField& item, Candidate& candidate);
std::vector<Candidate> ReadCandidates(SuiteContext& context, const YamlField& candidates);
/// The `gate:` block; `candidates` (already read) checks the ids it names.
GateSpec ReadGate(SuiteContext& context, const YamlField& gate,
                  const std::vector<Candidate>& candidates);
/// The `review:` block (suite_review.cc).
ReviewSpec ReadReview(SuiteContext& context, const YamlField& review);
std::vector<Sample> ReadSamples(SuiteContext& context, const YamlField& samples);
/// Template syntax, and every {{field}} present in every sample.
void CheckTemplateFields(SuiteContext& context, const std::vector<Sample>& samples);

}  // namespace taskcost
