#include "harness/core/loading/providers_config.h"

#include <doctest/doctest.h>

#include "tests/core/config_test_util.h"

namespace taskcost::providers_config_test {
namespace {

std::string ParseErrors(const std::string& yaml) {
  Result<ProviderCatalog> r = ParseProviderCatalog(yaml, "providers.yaml");
  return r.ok() ? "ok" : FormatErrors(r.errors());
}

}  // namespace

TEST_CASE("providers_config: the catalog file loads with defaults filled in") {
  Result<ProviderCatalog> catalog = LoadProviderCatalog(testing::FixturePath("providers.yaml"));
  REQUIRE(catalog.ok());
  CHECK(catalog->Names() == std::vector<std::string>{"openai", "anthropic", "local", "azure"});
  const ProviderConfig* openai = catalog->Find("openai");
  REQUIRE(openai != nullptr);
  CHECK(openai->kind == ProviderKind::kOpenAi);
  CHECK(openai->base_url == "https://api.openai.com/v1");  // trailing slash removed
  CHECK(openai->api_key_env == "OPENAI_API_KEY");
  REQUIRE(openai->headers.size() == 1);
  CHECK(openai->headers[0].name == "OpenAI-Organization");
  CHECK(openai->headers[0].value == "org-123");
  CHECK(openai->timeout == std::chrono::seconds(30));
  CHECK(openai->max_concurrency == 32);
  CHECK(openai->requests_per_minute == 500);
  CHECK(openai->tokens_per_minute == 200000);
  CHECK(openai->where.line == 3);

  const ProviderConfig* anthropic = catalog->Find("anthropic");
  CHECK(anthropic->kind == ProviderKind::kAnthropic);
  CHECK(anthropic->api_version == "2023-06-01");  // the default anthropic-version
  CHECK(anthropic->timeout == std::chrono::seconds(60));
  CHECK(anthropic->max_concurrency == 16);
  CHECK(anthropic->requests_per_minute == 0);

  const ProviderConfig* local = catalog->Find("local");
  CHECK(local->kind == ProviderKind::kOpenAiCompatible);
  CHECK(local->api_key_env.empty());  // local servers need no key
  CHECK(catalog->Find("azure")->api_version == "2024-10-21");
  CHECK(catalog->Find("opnai") == nullptr);
}

TEST_CASE("providers_config: max_reply_bytes bounds a provider's reply body") {
  Result<ProviderCatalog> catalog = ParseProviderCatalog(
      "providers:\n"
      "  big: {kind: openai, base_url: https://x.test/v1, api_key_env: K, max_reply_bytes: 16000000}\n"
      "  plain: {kind: openai, base_url: https://x.test/v1, api_key_env: K}\n",
      "providers.yaml");
  REQUIRE(catalog.ok());
  CHECK(catalog->Find("big")->max_reply_bytes == 16'000'000);
  CHECK(catalog->Find("plain")->max_reply_bytes == 4'000'000);  // the default, "a few MB"
  CHECK(ParseErrors("providers:\n"
                    "  tiny: {kind: openai, base_url: https://x.test/v1, api_key_env: K,\n"
                    "         max_reply_bytes: 100}\n") ==
        "providers.yaml:3:27: providers.tiny.max_reply_bytes: must be between 1024 and "
        "4294967296, got 100");
}

TEST_CASE("providers_config: kind names round-trip") {
  CHECK(ProviderKindName(ProviderKind::kOpenAi) == "openai");
  CHECK(ProviderKindName(ProviderKind::kAnthropic) == "anthropic");
  CHECK(ProviderKindName(ProviderKind::kOpenAiCompatible) == "openai-compatible");
  CHECK(ProviderKindName(ProviderKind::kAzureOpenAi) == "azure-openai");
}

TEST_CASE("providers_config: every problem is reported at its place") {
  const std::string yaml =
      "providers:\n"
      "  a:\n"
      "    kind: opneai\n"
      "    base_url: api.openai.com/v1\n"
      "    api_key_env: openai key\n"
      "    max_concurency: 4\n"
      "  b:\n"
      "    kind: grpc\n"
      "    base_url: https://\n"
      "    timeout_s: 0\n"
      "    max_concurrency: 0\n"
      "    requests_per_minute: -5\n"
      "  c:\n"
      "    kind: azure-openai\n"
      "    base_url: https://x.openai.azure.com\n"
      "    api_key_env: AZURE_KEY\n"
      "    headers: {\"bad header\": x}\n";
  CHECK(ParseErrors(yaml) ==
        "providers.yaml:6:5: providers.a: unknown key \"max_concurency\", did you mean "
        "\"max_concurrency\"?\n"
        "providers.yaml:3:11: providers.a.kind: unknown kind \"opneai\", did you mean "
        "\"openai\"?\n"
        "providers.yaml:4:15: providers.a.base_url: expected an http:// or https:// URL such as "
        "https://api.openai.com/v1, got \"api.openai.com/v1\"\n"
        "providers.yaml:5:18: providers.a.api_key_env: \"openai key\" is not an environment "
        "variable name; expected upper-case letters, digits and _ such as OPENAI_API_KEY\n"
        "providers.yaml:8:11: providers.b.kind: unknown kind \"grpc\"; expected one of: openai, "
        "anthropic, openai-compatible, azure-openai\n"
        "providers.yaml:9:15: providers.b.base_url: expected an http:// or https:// URL such as "
        "https://api.openai.com/v1, got \"https://\"\n"
        "providers.yaml:7:3: providers.b: missing required key \"api_key_env\": the NAME of the "
        "environment variable that holds the key, e.g. OPENAI_API_KEY\n"
        "providers.yaml:10:16: providers.b.timeout_s: must be greater than 0\n"
        "providers.yaml:11:22: providers.b.max_concurrency: must be between 1 and 2147483647, "
        "got 0\n"
        "providers.yaml:12:26: providers.b.requests_per_minute: must be between 0 and "
        "2147483647, got -5\n"
        "providers.yaml:17:15: providers.c.headers.bad header: \"bad header\" is not a valid "
        "HTTP header name");
}

TEST_CASE("providers_config: Azure's api_version defaults to 2024-10-21 when omitted") {
  // As docs/providers.md says: the GA data-plane version that accepts json_schema.
  Result<ProviderCatalog> catalog = ParseProviderCatalog(
      "providers:\n  azure:\n    kind: azure-openai\n"
      "    base_url: https://x.openai.azure.com\n    api_key_env: AZURE_KEY\n",
      "providers.yaml");
  REQUIRE(catalog.ok());
  CHECK(catalog->Find("azure")->api_version == "2024-10-21");
}

TEST_CASE("providers_config: a key pasted into the file is refused without echoing it") {
  const std::string key = "sk-proj-Abc123Def456Ghi789Jkl012Mno345";
  const std::string advice =
      "keep API keys out of this file: put the key in an environment variable and write the "
      "variable's NAME in api_key_env (e.g. OPENAI_API_KEY)";
  SUBCASE("in api_key_env") {
    std::string errors = ParseErrors(
        "providers:\n  openai:\n    kind: openai\n"
        "    base_url: https://api.openai.com/v1\n"
        "    api_key_env: " +
        key + "\n");
    CHECK(errors ==
          "providers.yaml:5:18: providers.openai.api_key_env: this looks like an API "
          "key, not a variable name; " +
              advice);
  }
  SUBCASE("a long mixed-case value without a known prefix") {
    std::string errors = ParseErrors(
        "providers:\n  p:\n    kind: openai-compatible\n"
        "    base_url: http://localhost\n"
        "    api_key_env: Zx9QwErTy7UiOp3AsDfGh\n");
    CHECK(errors.find("this looks like an API key") != std::string::npos);
    CHECK(errors.find("Zx9QwErTy7UiOp3AsDfGh") == std::string::npos);
  }
  SUBCASE("in a header or an api_key entry") {
    std::string errors = ParseErrors(
        "providers:\n  openai:\n    kind: openai\n"
        "    base_url: https://api.openai.com/v1\n"
        "    api_key: " +
        key +
        "\n"
        "    headers: {Authorization: Bearer " +
        key + "}\n");
    CHECK(errors == "providers.yaml:5:14: providers.openai.api_key: " + advice + "\n" +
                        "providers.yaml:2:3: providers.openai: missing required key "
                        "\"api_key_env\": the NAME of the environment variable that holds the "
                        "key, e.g. OPENAI_API_KEY\n"
                        "providers.yaml:6:15: providers.openai.headers.Authorization: the "
                        "Authorization header carries a key; " +
                        advice);
    CHECK(errors.find(key) == std::string::npos);
  }
}

TEST_CASE("providers_config: api_key_env written as a shell expansion") {
  CHECK(ParseErrors("providers:\n  openai:\n    kind: openai\n"
                    "    base_url: https://api.openai.com/v1\n"
                    "    api_key_env: ${OPENAI_API_KEY}\n") ==
        "providers.yaml:5:18: providers.openai.api_key_env: write the variable's bare NAME, "
        "without $ or braces");
}

TEST_CASE("providers_config: file-level problems") {
  CHECK(ParseErrors("provider: {}\n") ==
        "providers.yaml:1:1: unknown key \"provider\", did you mean \"providers\"?\n"
        "providers.yaml:1:1: missing required key \"providers\"");
  CHECK(ParseErrors("providers:\n  openai: [1\n") ==
        "providers.yaml:2:11: this [ is never closed (yaml-cpp: end of sequence flow not found "
        "at line 3, column 1)");
}

}  // namespace taskcost::providers_config_test
