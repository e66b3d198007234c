// Content hashes that identify exactly which files a run used (Suite::content_hash).
// Pure functions over bytes; safe to call from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace taskcost {

/// "sha256:" + lower-case hex SHA-256 of the parts' bytes concatenated in order.
std::string ContentHash(const std::vector<std::string_view>& parts);

}  // namespace taskcost
