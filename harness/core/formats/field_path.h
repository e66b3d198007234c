// Field paths into a JSON answer, as suites write them: "total", "vendor.name",
// "line_items[0].sku" or "line_items.0.sku". Pure; no JSON library here.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace taskcost {

/// The steps of a path: "items[0].sku" and "items.0.sku" both give {"items", "0", "sku"}.
/// Returns nullopt for a malformed path: an empty step ("a..b", ".a", "a."), an unclosed or
/// non-numeric index ("a[", "a[x]"). "" gives no steps (the whole answer).
std::optional<std::vector<std::string>> SplitFieldPath(std::string_view path);

/// "0", "12": the array index a step names, or nullopt.
std::optional<size_t> StepIndex(std::string_view step);

}  // namespace taskcost
