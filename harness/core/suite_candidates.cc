// The candidates section of suite.yaml: ids, providers, models, prices, params and the baseline.
#include <map>

#include "harness/core/error_text.h"
#include "harness/core/suite_parts.h"

namespace taskcost {
namespace {

const std::vector<std::string> kCandidateKeys = {"id",       "provider", "model", "price",
                                                 "baseline", "params",   "tags"};

std::optional<std::string> RequiredString(YamlReader& reader, const YamlField& field) {
  if (!reader.Require(field)) return std::nullopt;
  std::optional<std::string> text = reader.String(field);
  if (text && text->empty()) {
    reader.Fail(field, "must not be empty");
    return std::nullopt;
  }
  return text;
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

Candidate ReadCandidate(YamlReader& reader, const YamlField& item) {
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
  YamlField provider = reader.Child(item, "provider");
  candidate.provider = RequiredString(reader, provider).value_or("");
  candidate.provider_where = provider.where;
  YamlField model = reader.Child(item, "model");
  candidate.model = RequiredString(reader, model).value_or("");
  YamlField price = reader.Child(item, "price");
  candidate.price_given = price.present;
  candidate.price = price.present ? RequiredString(reader, price).value_or("") : candidate.model;
  candidate.price_where = price.present ? price.where : model.where;
  candidate.baseline = reader.Bool(reader.Child(item, "baseline")).value_or(false);
  ReadParams(reader, item, candidate);
  candidate.tags = ReadTags(reader, reader.Child(item, "tags"));
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

}  // namespace

std::vector<Candidate> ReadCandidates(SuiteContext& context, const YamlField& list) {
  YamlReader& reader = context.reader;
  std::vector<YamlField> items = reader.Items(list);
  std::vector<Candidate> candidates;
  for (const YamlField& item : items) candidates.push_back(ReadCandidate(reader, item));
  if (list.present && list.node.IsSequence() && candidates.empty()) {
    reader.Fail(list,
                "needs at least one candidate, e.g. {id: gpt-4.1, provider: openai, "
                "model: gpt-4.1}");
  }
  if (candidates.empty()) return candidates;
  CheckUniqueIds(reader, items, candidates);
  CheckBaseline(reader, list, items, candidates);
  return candidates;
}

}  // namespace taskcost
