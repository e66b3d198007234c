// The two priced models of the runner tests on one fake OpenAI-style provider, and the replies
// they get, so that every cost can be worked out by hand:
//   big   (baseline): $5.00 in / $15.00 out per 1M -> 1,000 in + 200 out = $0.008 a call
//   small:            $0.80 in / $4.00 out per 1M  -> 1,000 in + 200 out = $0.0016 a call
// Header-only test helpers; not synchronised.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "harness/core/model/http.h"
#include "harness/core/prices/pricing.h"
#include "harness/core/loading/providers_config.h"
#include "harness/core/model/suite.h"

namespace taskcost::testing {

inline Money PerMillionUsd(const char* usd) {
  return Money::ParseUsd(usd).value().DividedBy(1'000'000);
}

/// Adds candidates big (baseline) and small, the provider "fake" and their prices.
inline void AddFakeModels(Suite& suite, ProviderCatalog& providers, PriceCatalog& prices) {
  suite.candidates.push_back(Candidate{"big", "fake", "m-big", "m-big", true});
  suite.candidates.push_back(Candidate{"small", "fake", "m-small", "m-small", false});
  ProviderConfig provider;
  provider.name = "fake";
  provider.kind = ProviderKind::kOpenAiCompatible;
  provider.base_url = "http://fake.invalid/v1";
  providers.providers.push_back(provider);
  prices.models.push_back(ModelPrice{"m-big", PerMillionUsd("5.00"), PerMillionUsd("15.00")});
  prices.models.push_back(ModelPrice{"m-small", PerMillionUsd("0.80"), PerMillionUsd("4.00")});
}

/// A Chat Completions reply with `content` and a usage of 1,000 prompt and 200 completion tokens.
inline HttpResponse FakeReply(int status, const std::string& content) {
  using nlohmann::json;
  json body = {{"id", "chatcmpl-1"},
               {"object", "chat.completion"},
               {"choices", json::array({{{"index", 0},
                                         {"message", {{"role", "assistant"},
                                                      {"content", content},
                                                      {"refusal", nullptr}}},
                                         {"finish_reason", "stop"}}})},
               {"usage", {{"prompt_tokens", 1000}, {"completion_tokens", 200},
                          {"total_tokens", 1200}}}};
  HttpResponse r;
  r.status = status;
  r.body = body.dump();
  return r;
}

}  // namespace taskcost::testing
