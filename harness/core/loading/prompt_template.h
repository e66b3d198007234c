// {{field}} templating of prompts and expected values from a sample's fields.
// Pure functions; safe to call from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/core/model/result.h"
#include "harness/core/model/suite.h"

namespace taskcost {

/// Fills every {{name}} (whitespace inside the braces allowed) from sample.fields.
/// A missing field is an error naming the sample id, its location and the field.
Result<std::string> RenderTemplate(std::string_view text, const Sample& sample);

/// The field names a template uses, in order of first use.
std::vector<std::string> TemplateFields(std::string_view text);

/// Checks the template's syntax: every "{{" closed by "}}", no empty or braced names.
/// Errors carry only a message ("unclosed \"{{\" at \"{{ticket\""); callers add the location.
Status CheckTemplate(std::string_view text);

/// `sample "t-17" has no field "custmer", did you mean "customer"?` at the sample's location.
Error MissingFieldError(const Sample& sample, const std::string& field);

/// Limits of a list of messages a sample field holds (`{insert: field}` in prompt.messages):
/// messages in one list, and bytes of their contents together.
inline constexpr size_t kMaxInsertedMessages = 1'000;
inline constexpr size_t kMaxInsertedBytes = 4 * 1024 * 1024;

/// The messages sample field `field` holds: the JSON text of an array (a JSONL array, or a CSV
/// cell holding one) of {"role": "user" | "assistant", "content": "<text>"} objects, at most
/// kMaxInsertedMessages of them and kMaxInsertedBytes of content. Errors name the sample and
/// the field (`sample "t-1" field "thread": item 2: role "system" is not "user" or
/// "assistant"`) at the sample's location; the caller adds the path.
Result<std::vector<ChatMessage>> InsertedMessages(const Sample& sample, const std::string& field);

/// The conversation of a `messages:` prompt for `sample`: each template rendered, each insert
/// replaced by the field's messages (InsertedMessages), in order.
Result<std::vector<ChatMessage>> RenderMessages(const PromptTemplate& prompt, const Sample& sample);

/// The task as a person (an LLM judge, a reviewer) reads it: the rendered `user` template; for a
/// `messages:` prompt, its user and assistant messages (few-shot examples and inserts included),
/// each as "user: <text>" or "assistant: <text>", separated by blank lines.
Result<std::string> RenderTaskText(const PromptTemplate& prompt, const Sample& sample);

/// OpenAI's `prompt_cache_key` for a candidate whose prompt asks for caching
/// (docs/prompt-caching.md): "taskcost-" and the first 40 hex digits of the SHA-256 of the suite
/// name, a newline, the candidate id, a newline and the prompt's cache_prefix_hash; 49
/// characters, the same for every sample of the candidate and new when the prefix changes.
std::string PromptCacheKey(const std::string& suite_name, const std::string& candidate_id,
                           const std::string& prefix_hash);

}  // namespace taskcost
