// The candidates section of suite.yaml: ids, providers, models, prices, params and the baseline.
#include <algorithm>
#include <map>

#include "harness/core/formats/error_text.h"
#include "harness/core/loading/suite_parts.h"

namespace taskcost {
namespace {

const std::vector<std::string> kCandidateKeys = {"id",     "provider", "model",   "price",
                                                 "baseline", "params", "tags",    "cascade",
                                                 "chain"};

std::optional<std::string> RequiredString(YamlReader& reader, const YamlField& field) {
  if (!reader.Require(field)) return std::nullopt;
  std::optional<std::string> text = reader.String(field);
  if (text && text->empty()) {
    reader.Fail(field, "must not be empty");
    return std::nullopt;
  }
  return text;
}

// cascade: [id, id, ...]: at least two candidate ids; nothing else but id and baseline.
void ReadCascade(YamlReader& reader, const YamlField& item, const YamlField& list,
                 Candidate& candidate) {
  for (const char* key : {"provider", "model", "price", "params"}) {
    YamlField given = reader.Child(item, key);
    if (given.present) {
      reader.Fail(given, std::string("a cascade takes its models from its steps; remove ") + key);
    }
  }
  for (const YamlField& step : reader.Items(list)) {
    std::optional<std::string> id = RequiredString(reader, step);
    if (id) candidate.cascade.push_back(*id);
  }
  if (list.node.IsSequence() && list.node.size() < 2) {
    reader.Fail(list, "a cascade needs at least two steps, e.g. [gpt-4.1-nano, gpt-4.1]");
  }
}

// A chain step's prompt: templates over the sample and {{steps.<earlier id>.output}}. The
// sample fields are checked like the suite's prompt (the steps.* placeholders taken out).
PromptTemplate ReadChainPrompt(SuiteContext& context, const YamlField& prompt,
                               const std::vector<std::string>& earlier) {
  YamlReader& reader = context.reader;
  PromptTemplate out;
  if (!reader.IsMap(prompt)) return out;
  reader.CheckKeys(prompt, {"system", "user"});
  for (const char* key : {"system", "user"}) {
    YamlField field = reader.Child(prompt, key);
    std::optional<std::string> text = reader.String(field);
    if (!text) continue;
    (std::string(key) == "user" ? out.user : out.system) = *text;
    std::string sample_part;
    size_t pos = 0;
    for (size_t open; (open = text->find("{{", pos)) != std::string::npos;) {
      const size_t close = text->find("}}", open);
      if (close == std::string::npos) break;
      std::string name = text->substr(open + 2, close - open - 2);
      name.erase(0, name.find_first_not_of(' '));
      name.erase(name.find_last_not_of(' ') + 1);
      sample_part += text->substr(pos, open - pos);
      if (name.rfind("steps.", 0) == 0) {
        const size_t dot = name.rfind(".output");
        const std::string id = name.substr(6, dot == std::string::npos ? 0 : dot - 6);
        if (dot == std::string::npos || dot + 7 != name.size() ||
            std::find(earlier.begin(), earlier.end(), id) == earlier.end()) {
          reader.Fail(field, "{{" + name + "}} must name an earlier step's output: " +
                                 (earlier.empty() ? std::string("the first step has none")
                                                  : "{{steps." + earlier.back() + ".output}}"));
        }
      } else {
        sample_part += text->substr(open, close + 2 - open);
      }
      pos = close + 2;
    }
    sample_part += text->substr(pos);
    context.templates.push_back(TemplateUse{field.path, field.where, sample_part});
  }
  return out;
}

// A step's own answer: `schema:` (a file or an inline mapping, as the suite's output.schema) or
// `output: text`; neither keeps the suite's schema (unset).
void ReadStepOutput(SuiteContext& context, const YamlField& step, ChainStep& out) {
  YamlReader& reader = context.reader;
  YamlField schema = reader.Child(step, "schema");
  YamlField output = reader.Child(step, "output");
  if (schema.present && output.present) {
    reader.Fail(output, "give the step either output: text or a schema:, not both");
    return;
  }
  if (output.present) {
    std::optional<std::string> kind = reader.String(output);
    if (kind && *kind != "text") {
      reader.Fail(output, "unknown output " + Quoted(*kind) +
                              "; expected text (a free-text answer), or give the step a schema:");
      return;
    }
    if (kind) out.schema_json = "";
  }
  if (schema.present) {
    std::string bytes;
    std::string json = ReadUsableSchema(context, schema, &bytes);
    if (!bytes.empty()) context.step_schema_bytes.push_back(std::move(bytes));
    if (!json.empty()) out.schema_json = std::move(json);
  }
}

// The last step's answer is the task's: validated against the suite's schema and scored.
void CheckLastStepOutput(YamlReader& reader, const YamlField& step) {
  for (const char* key : {"output", "schema"}) {
    YamlField given = reader.Child(step, key);
    if (!given.present) continue;
    reader.Fail(given, std::string("the last step's answer is the task's: it is validated against "
                                   "the suite's output.schema and scored; remove ") +
                           key + " (only earlier steps may answer in another shape)");
  }
}

// chain: [{id, candidate, prompt: {system, user}, schema | output}, ...]
void ReadChain(SuiteContext& context, const YamlField& item, const YamlField& list,
               Candidate& candidate) {
  YamlReader& reader = context.reader;
  for (const char* key : {"provider", "model", "price", "params", "cascade"}) {
    YamlField given = reader.Child(item, key);
    if (given.present) {
      reader.Fail(given, std::string("a chain takes its models from its steps; remove ") + key);
    }
  }
  std::vector<std::string> ids;
  const std::vector<YamlField> steps = reader.Items(list);
  for (const YamlField& step : steps) {
    if (!reader.IsMap(step)) continue;
    reader.CheckKeys(step, {"id", "candidate", "prompt", "schema", "output"});
    ChainStep out;
    out.where = step.where;
    YamlField id = reader.Child(step, "id");
    out.id = RequiredString(reader, id).value_or("");
    if (!out.id.empty() && !IsNameOf(out.id, "_-")) {
      reader.Fail(id, Quoted(out.id) + " may contain only letters, digits, '_' and '-'");
    } else if (std::find(ids.begin(), ids.end(), out.id) != ids.end()) {
      reader.Fail(id, "duplicate step id " + Quoted(out.id));
    }
    out.candidate = RequiredString(reader, reader.Child(step, "candidate")).value_or("");
    YamlField prompt = reader.Child(step, "prompt");
    out.prompt = prompt.present ? ReadChainPrompt(context, prompt, ids) : PromptTemplate{};
    if (&step == &steps.back()) {
      CheckLastStepOutput(reader, step);
    } else {
      ReadStepOutput(context, step, out);
    }
    ids.push_back(out.id);
    candidate.chain.push_back(std::move(out));
  }
  if (list.node.IsSequence() && list.node.size() < 2) {
    reader.Fail(list, "a chain needs at least two steps, e.g. a draft and a refine step");
  }
}

// params: a mapping sent with every request; max_tokens moves to Candidate::max_tokens.
void ReadParams(YamlReader& reader, const YamlField& item, Candidate& candidate) {
  YamlField params = reader.Child(item, "params");
  if (!params.present || !reader.IsMap(params)) return;
  YAML::Node rest(YAML::NodeType::Map);
  for (auto it = params.node.begin(); it != params.node.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == "max_tokens") continue;
    rest[it->first] = it->second;
  }
  YamlField max_tokens = reader.Child(params, "max_tokens");
  if (auto value = reader.Integer(max_tokens, 1, std::numeric_limits<int>::max())) {
    candidate.max_tokens = static_cast<int>(*value);
  }
  YamlField others = params;
  others.node.reset(rest);  // rebind; operator= would write into the document
  if (std::optional<std::string> json = reader.JsonText(others)) candidate.params_json = *json;
}

Candidate ReadCandidate(SuiteContext& context, const YamlField& item) {
  YamlReader& reader = context.reader;
  Candidate candidate;
  candidate.where = item.where;
  if (!reader.IsMap(item)) return candidate;
  reader.CheckKeys(item, kCandidateKeys);
  YamlField id = reader.Child(item, "id");
  if (std::optional<std::string> text = RequiredString(reader, id)) {
    if (IsNameOf(*text, "_.:-")) {
      candidate.id = *text;
    } else {
      reader.Fail(id, Quoted(*text) + " may contain only letters, digits, '_', '.', ':' and '-'");
    }
  }
  candidate.baseline = reader.Bool(reader.Child(item, "baseline")).value_or(false);
  candidate.tags = ReadTags(reader, reader.Child(item, "tags"));
  if (YamlField cascade = reader.Child(item, "cascade"); cascade.present) {
    ReadCascade(reader, item, cascade, candidate);
    return candidate;
  }
  if (YamlField chain = reader.Child(item, "chain"); chain.present) {
    ReadChain(context, item, chain, candidate);
    return candidate;
  }
  ReadModelFields(reader, item, candidate);
  return candidate;
}

void CheckUniqueIds(YamlReader& reader, const std::vector<YamlField>& items,
                    const std::vector<Candidate>& candidates) {
  std::map<std::string, size_t> first;
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (candidates[i].id.empty()) continue;
    auto [it, inserted] = first.emplace(candidates[i].id, i);
    if (inserted) continue;
    reader.Fail(reader.Child(items[i], "id"),
                "duplicate candidate id " + Quoted(candidates[i].id) + " (first used at line " +
                    std::to_string(candidates[it->second].where.line) + ")");
  }
}

void CheckBaseline(YamlReader& reader, const YamlField& list, const std::vector<YamlField>& items,
                   std::vector<Candidate>& candidates) {
  if (candidates.size() == 1) {
    candidates[0].baseline = true;  // a lone candidate is its own baseline
    return;
  }
  const Candidate* first = nullptr;
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (!candidates[i].baseline) continue;
    if (first == nullptr) {
      first = &candidates[i];
      continue;
    }
    reader.Fail(reader.Child(items[i], "baseline"),
                "only one candidate may be the baseline, and " + Quoted(first->id) + " (line " +
                    std::to_string(first->where.line) + ") already is");
  }
  if (first == nullptr) {
    reader.Fail(list,
                "no candidate is the baseline; mark the incumbent model with "
                "baseline: true (e.g. on " +
                    Quoted(candidates[0].id) + ")");
  }
}

// Each step of a cascade names another candidate that is a single model.
void CheckCascades(YamlReader& reader, const std::vector<YamlField>& items,
                   const std::vector<Candidate>& candidates) {
  std::vector<std::string> models;
  for (const Candidate& c : candidates) {
    if (!c.IsComposite() && !c.id.empty()) models.push_back(c.id);
  }
  for (size_t i = 0; i < candidates.size(); ++i) {
    const bool chain = candidates[i].IsChain();
    const std::vector<YamlField> listed =
        reader.Items(reader.Child(items[i], chain ? "chain" : "cascade"));
    std::vector<std::string> ids = candidates[i].cascade;
    std::vector<YamlField> steps;  // built by copies: YamlField assignment writes the document
    for (size_t s = 0; s < listed.size(); ++s) {
      if (!chain) {
        steps.push_back(listed[s]);
      } else if (s < candidates[i].chain.size()) {
        ids.push_back(candidates[i].chain[s].candidate);
        steps.push_back(reader.Child(listed[s], "candidate"));
      }
    }
    for (size_t s = 0; s < ids.size() && s < steps.size(); ++s) {
      const std::string& id = ids[s];
      if (id.empty()) continue;
      if (std::find(models.begin(), models.end(), id) != models.end()) continue;
      std::string suggestion = DidYouMean(id, models);
      reader.Fail(steps[s], "unknown candidate " + Quoted(id) +
                                (suggestion.empty()
                                     ? "; a step names a single-model candidate of this suite: " +
                                           JoinNames(models)
                                     : suggestion));
    }
  }
}

}  // namespace

void ReadModelFields(YamlReader& reader, const YamlField& item, Candidate& candidate) {
  YamlField provider = reader.Child(item, "provider");
  candidate.provider = RequiredString(reader, provider).value_or("");
  candidate.provider_where = provider.where;
  YamlField model = reader.Child(item, "model");
  candidate.model = RequiredString(reader, model).value_or("");
  YamlField price = reader.Child(item, "price");
  candidate.price_given = price.present;
  candidate.price = price.present ? RequiredString(reader, price).value_or("") : candidate.model;
  candidate.price_where = price.present ? price.where : model.where;
  ReadParams(reader, item, candidate);
}

std::vector<Candidate> ReadCandidates(SuiteContext& context, const YamlField& list) {
  YamlReader& reader = context.reader;
  std::vector<YamlField> items = reader.Items(list);
  std::vector<Candidate> candidates;
  for (const YamlField& item : items) candidates.push_back(ReadCandidate(context, item));
  if (list.present && list.node.IsSequence() && candidates.empty()) {
    reader.Fail(list,
                "needs at least one candidate, e.g. {id: gpt-4.1, provider: openai, "
                "model: gpt-4.1}");
  }
  if (candidates.empty()) return candidates;
  CheckUniqueIds(reader, items, candidates);
  CheckBaseline(reader, list, items, candidates);
  CheckCascades(reader, items, candidates);
  return candidates;
}

}  // namespace taskcost
