// Samples: a suite's inputs read from JSONL, CSV or inline objects, each with a string id,
// flattened fields for {{templates}} and its compact JSON (see Sample in suite.h). Every
// problem is reported at the row's file:line. Pure (callers read the file); the functions share
// no state and are safe to call from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "harness/core/model/result.h"
#include "harness/core/model/suite.h"

namespace taskcost {

/// At most this many problems are listed per samples file; the rest are counted in one line.
inline constexpr size_t kMaxListedSampleErrors = 20;
/// Limits of what a suite's samples may hold (docs/suite-format.md, "Limits"): samples, fields
/// over all samples (after flattening), columns of a CSV file, and the components of a dotted
/// field name (deeper objects are fields only as the JSON text of their ancestor).
inline constexpr size_t kMaxSamples = 100'000;
inline constexpr size_t kMaxSampleFields = 1'000'000;
inline constexpr size_t kMaxCsvColumns = 1'000;
inline constexpr int kMaxFieldNameDepth = 5;

/// What a samples file holds: every sample that could be read, and the problems of the rest
/// (at most kMaxListedSampleErrors listed, then one line counting the others). A file past a
/// limit stops being read at the row that passes it.
struct SamplesRead {
  std::vector<Sample> samples;
  Errors errors;
};

/// JSONL: one JSON object per non-blank line; Sample::where is file:line.
SamplesRead ReadJsonlSamples(std::string_view text, const std::string& file);
/// CSV (RFC 4180) with a header row naming the fields, one of them "id"; every value a string.
SamplesRead ReadCsvSamples(std::string_view text, const std::string& file);

/// JSONL: one JSON object per non-blank line; Sample::where is file:line. Errors such as
/// "samples.jsonl:17:9: not valid JSON: ..." or "samples.jsonl:4: sample has no \"id\" field".
Result<std::vector<Sample>> ParseJsonlSamples(std::string_view text, const std::string& file);

/// CSV (RFC 4180) with a header row naming the fields, one of them "id"; every value is a
/// string. Sample::where is the line the record starts on.
Result<std::vector<Sample>> ParseCsvSamples(std::string_view text, const std::string& file);

/// One sample from the text of a JSON object (an inline YAML sample converted to JSON).
/// Errors carry `where` and `path` ("samples[2]").
Result<Sample> SampleFromJson(std::string_view object_json, const SourceLocation& where,
                              const std::string& path);

/// One error per repeated id, at the repeat, naming the line of the first use.
Errors DuplicateSampleIds(const std::vector<Sample>& samples);

}  // namespace taskcost
