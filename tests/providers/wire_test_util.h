// Helpers the codec tests share: read a built request back, script a response. Test-only.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "harness/core/loading/providers_config.h"
#include "harness/core/model/http.h"

namespace taskcost::testing {

/// The request body, parsed, so tests check fields rather than bytes.
inline nlohmann::json Body(const HttpRequest& request) {
  return nlohmann::json::parse(request.body);
}

/// The header's value, or "<absent>".
inline std::string Header(const HttpRequest& request, const std::string& name) {
  auto value = FindHeader(request.headers, name);
  return value ? std::string(*value) : "<absent>";
}

/// A provider named "p" of `kind` at a placeholder base URL (Anthropic's own for kAnthropic).
inline ProviderConfig WireProvider(ProviderKind kind) {
  ProviderConfig p;
  p.name = "p";
  p.kind = kind;
  p.base_url = kind == ProviderKind::kAnthropic ? "https://api.anthropic.com" : "https://x.test/v1";
  return p;
}

inline HttpResponse Response(int status, std::string body, std::vector<HttpHeader> headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

}  // namespace taskcost::testing
