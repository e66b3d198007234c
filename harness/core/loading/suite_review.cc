// The review: block of suite.yaml: the rubric of expert scoring (docs/suite-format.md).
#include "harness/core/formats/error_text.h"
#include "harness/core/loading/suite_parts.h"

namespace taskcost {
namespace {

constexpr int64_t kMaxScale = 100;

void ReadScale(YamlReader& reader, const YamlField& review, ReviewSpec& spec) {
  YamlField scale = reader.Child(review, "scale");
  if (!scale.present || !reader.IsList(scale)) return;
  std::vector<YamlField> ends = reader.Items(scale);
  if (ends.size() != 2) {
    reader.Fail(scale, "expected [lowest, highest], two whole numbers such as [1, 5]");
    return;
  }
  std::optional<int64_t> low = reader.Integer(ends[0], 0, kMaxScale);
  std::optional<int64_t> high = reader.Integer(ends[1], 0, kMaxScale);
  if (!low || !high) return;
  if (*low >= *high) {
    reader.Fail(scale, "the lowest score must be below the highest, got [" + std::to_string(*low) +
                           ", " + std::to_string(*high) + "]");
    return;
  }
  spec.scale_min = static_cast<int>(*low);
  spec.scale_max = static_cast<int>(*high);
}

void ReadLabels(YamlReader& reader, const YamlField& review, ReviewSpec& spec) {
  YamlField labels = reader.Child(review, "labels");
  if (!labels.present) return;
  const std::string scale = std::to_string(spec.scale_min) + "-" + std::to_string(spec.scale_max);
  for (const YamlField& entry : reader.Entries(labels)) {
    const std::string& key = entry.key;
    YamlField at = entry;
    at.where = entry.key_where;
    if (key.empty() || key.size() > 3 || key.find_first_not_of("0123456789") != std::string::npos) {
      reader.Fail(at, "expected a whole score as the key, got " + Quoted(key));
      continue;
    }
    const int score = std::stoi(key);
    if (score < spec.scale_min || score > spec.scale_max) {
      reader.Fail(at, "score " + key + " is outside the scale " + scale);
      continue;
    }
    std::optional<std::string> text = reader.String(entry);
    if (text && text->empty()) reader.Fail(entry, "must say what the score means");
    if (text && !text->empty()) spec.labels[score] = *text;
  }
}

void ReadTolerance(YamlReader& reader, const YamlField& review, ReviewSpec& spec) {
  YamlField tolerance = reader.Child(review, "tolerance");
  std::optional<int64_t> milli = reader.Decimal(tolerance, 3);
  if (!milli) return;
  const int64_t span = (spec.scale_max - spec.scale_min) * int64_t{1000};
  if (*milli >= span) {
    reader.Fail(tolerance, "must be below the width of the scale (" +
                               std::to_string(spec.scale_max - spec.scale_min) + "), got " +
                               tolerance.node.Scalar());
    return;
  }
  spec.tolerance_milli = *milli;
}

}  // namespace

ReviewSpec ReadReview(SuiteContext& context, const YamlField& review) {
  ReviewSpec spec;
  YamlReader& reader = context.reader;
  if (!review.present || !reader.IsMap(review)) return spec;
  reader.CheckKeys(review, {"scale", "labels", "tolerance", "instructions"});
  spec.where = review.key_where;
  ReadScale(reader, review, spec);
  ReadLabels(reader, review, spec);
  ReadTolerance(reader, review, spec);
  spec.instructions = reader.String(reader.Child(review, "instructions")).value_or("");
  return spec;
}

}  // namespace taskcost
