// The `prompt.messages:` form of a suite's prompt (docs/suite-format.md, "messages"): message
// templates, inserts of a sample field's list of messages, and the cacheable-prefix marker.
#include <optional>
#include <string>
#include <vector>

#include "harness/core/formats/error_text.h"
#include "harness/core/loading/prompt_template.h"
#include "harness/core/loading/samples.h"
#include "harness/core/loading/suite_parts.h"

namespace taskcost {
namespace {

bool IsRole(const std::string& role) {
  return role == "system" || role == "user" || role == "assistant";
}

// One entry: {role, content[, cache_prefix_end]} or {insert}. Returns whether it is marked.
bool ReadEntry(SuiteContext& context, const YamlField& item, PromptMessage& out) {
  YamlReader& reader = context.reader;
  out.where = item.where;
  if (!reader.IsMap(item)) return false;
  reader.CheckKeys(item, {"role", "content", "insert", "cache_prefix_end"});
  YamlField marker = reader.Child(item, "cache_prefix_end");
  const bool marked = reader.Bool(marker).value_or(false);
  YamlField insert = reader.Child(item, "insert");
  if (insert.present) {
    out.insert = reader.String(insert).value_or("");
    if (out.insert.empty()) reader.Fail(insert, "must name a sample field");
    for (const char* key : {"role", "content"}) {
      YamlField given = reader.Child(item, key);
      if (given.present) {
        reader.Fail(given,
                    std::string("an insert takes its messages from the sample; remove ") + key);
      }
    }
    if (marked) {
      reader.Fail(marker,
                  "an inserted list differs from sample to sample, so it cannot end the "
                  "cacheable prefix; mark a fixed message before it");
    }
    return false;
  }
  YamlField role = reader.Child(item, "role");
  if (reader.Require(role)) {
    out.role = reader.String(role).value_or("");
    if (!out.role.empty() && !IsRole(out.role)) {
      reader.Fail(role, "role " + Quoted(out.role) +
                            " is not one of \"system\", \"user\", \"assistant\"" +
                            DidYouMean(out.role, {"system", "user", "assistant"}));
    }
  }
  YamlField content = reader.Child(item, "content");
  if (reader.Require(content)) out.content = ReadTemplate(context, content).value_or("");
  return marked;
}

// The marker ends a prefix that must be the same for every sample: no {{field}}, no insert.
void CheckMarker(SuiteContext& context, const std::vector<YamlField>& items,
                 const std::vector<PromptMessage>& entries, size_t marked) {
  for (size_t i = 0; i <= marked; ++i) {
    const PromptMessage& m = entries[i];
    std::string why;
    if (!m.insert.empty()) {
      why = "inserts the sample field " + Quoted(m.insert);
    } else if (std::vector<std::string> fields = TemplateFields(m.content); !fields.empty()) {
      why = "is templated ({{" + fields.front() + "}})";
    }
    if (why.empty()) continue;
    context.reader.Fail(context.reader.Child(items[marked], "cache_prefix_end"),
                        "the cacheable prefix must be the same for every sample, but " +
                            items[i].path + " " + why +
                            "; end the prefix before it, or move the fixed messages first");
    return;
  }
}

// System messages first (Anthropic sends them apart from the conversation).
void CheckSystemFirst(SuiteContext& context, const std::vector<YamlField>& items,
                      const std::vector<PromptMessage>& entries) {
  bool conversation = false;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].role != "system") {
      conversation = conversation || !entries[i].role.empty() || !entries[i].insert.empty();
      continue;
    }
    if (conversation) {
      context.reader.Fail(items[i],
                          "a system message must come before every user and assistant "
                          "message and insert");
    }
  }
}

// What is wrong with a conversation's roles (system messages left out); "" when nothing.
std::string ConversationProblem(const std::vector<std::string>& roles) {
  if (roles.empty()) return "has no user message";
  if (roles.front() != "user") return "starts with an " + roles.front() + " message";
  if (roles.back() != "user") return "ends with an " + roles.back() + " message";
  return "";
}

constexpr const char* kConversationRule =
    " (the conversation must start with a user message, as Anthropic requires, and end with "
    "one, which the answer follows)";

}  // namespace

void ReadPromptMessages(SuiteContext& context, const YamlField& prompt, const YamlField& list,
                        PromptTemplate& out) {
  YamlReader& reader = context.reader;
  for (const char* key : {"system", "user"}) {
    YamlField other = reader.Child(prompt, key);
    if (other.present) {
      reader.Fail(other, std::string("give either messages or system and user, not both: "
                                     "move this text into a message of ") +
                             list.path);
    }
  }
  if (!reader.IsList(list)) return;
  const std::vector<YamlField> items = reader.Items(list);
  if (items.empty()) reader.Fail(list, "the list holds no messages");
  std::optional<size_t> marked;
  for (size_t i = 0; i < items.size(); ++i) {
    PromptMessage& entry = out.messages.emplace_back();
    if (!ReadEntry(context, items[i], entry)) continue;
    if (marked) {
      reader.Fail(reader.Child(items[i], "cache_prefix_end"),
                  "only one message may end the cacheable prefix; " + items[*marked].path +
                      " already does");
      continue;
    }
    marked = i;
  }
  CheckSystemFirst(context, items, out.messages);
  if (!marked) return;
  CheckMarker(context, items, out.messages, *marked);
  out.cache_prefix_messages = static_cast<int>(*marked + 1);
}

void CheckPromptMessages(SuiteContext& context, const PromptTemplate& prompt, const YamlField& list,
                         const std::vector<Sample>& samples) {
  if (!prompt.UsesMessages()) return;
  // Entries with a wrong role were reported where they are written; the order is not checked.
  for (const PromptMessage& m : prompt.messages) {
    if (m.insert.empty() && !IsRole(m.role)) return;
  }
  std::vector<std::string> fixed;  // the roles when there is no insert
  bool inserts = false;
  for (const PromptMessage& m : prompt.messages) {
    inserts = inserts || !m.insert.empty();
    if (m.insert.empty() && m.role != "system") fixed.push_back(m.role);
  }
  if (!inserts) {
    std::string problem = ConversationProblem(fixed);
    if (!problem.empty())
      context.reader.Fail(list, "the conversation " + problem + kConversationRule);
    return;
  }
  size_t listed = 0;  // errors listed over all samples, at most kMaxListedSampleErrors
  auto add = [&](Error error) {
    if (listed++ < kMaxListedSampleErrors) context.reader.Add(std::move(error));
  };
  for (const Sample& sample : samples) {
    std::vector<std::string> roles;
    bool readable = true;
    for (size_t i = 0; i < prompt.messages.size() && readable; ++i) {
      const PromptMessage& m = prompt.messages[i];
      if (m.insert.empty()) {
        if (m.role != "system") roles.push_back(m.role);
        continue;
      }
      Result<std::vector<ChatMessage>> inserted = InsertedMessages(sample, m.insert);
      readable = inserted.ok();
      if (!readable) {
        for (Error e : inserted.errors()) {
          e.path = list.path + "[" + std::to_string(i) + "].insert";
          add(std::move(e));
        }
        continue;
      }
      for (const ChatMessage& message : *inserted) roles.push_back(message.role);
    }
    std::string problem = readable ? ConversationProblem(roles) : "";
    if (problem.empty()) continue;
    add(MakeError(
        "sample " + Quoted(sample.id) + ": the conversation " + problem + kConversationRule,
        list.path, sample.where));
  }
}

}  // namespace taskcost
