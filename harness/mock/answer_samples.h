// Reading the simulator's answers file (internal): JSONL rows reduced to their key text and the
// expected values of the mapped fields. Pure apart from reading the one file. Not synchronised.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "harness/core/model/result.h"
#include "harness/mock/simulator.h"

namespace taskcost::mock {

/// Reads `path` (JSONL, one object per non-blank line). `shown_path` names the file in errors.
/// A file that cannot be opened gives one Error with an empty `where`; bad rows give errors
/// located at "shown_path:line". `fields` maps output fields to sample fields.
Result<std::vector<AnswerSample>> ReadAnswerSamples(
    const std::string& path, const std::string& shown_path, const std::string& key_field,
    const std::map<std::string, std::string>& fields);

}  // namespace taskcost::mock
