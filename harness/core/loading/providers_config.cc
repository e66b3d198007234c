#include "harness/core/loading/providers_config.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "harness/core/formats/error_text.h"
#include "harness/core/formats/user_files.h"
#include "harness/core/formats/yaml_util.h"

namespace taskcost {
namespace {

constexpr std::array<std::pair<ProviderKind, std::string_view>, 4> kKinds{{
    {ProviderKind::kOpenAi, "openai"},
    {ProviderKind::kAnthropic, "anthropic"},
    {ProviderKind::kOpenAiCompatible, "openai-compatible"},
    {ProviderKind::kAzureOpenAi, "azure-openai"},
}};

constexpr const char* kAnthropicDefaultVersion = "2023-06-01";
// The GA Azure OpenAI data-plane version that accepts response_format json_schema.
constexpr const char* kAzureDefaultVersion = "2024-10-21";
constexpr const char* kKeyAdvice =
    "keep API keys out of this file: put the key in an environment variable and write the "
    "variable's NAME in api_key_env (e.g. OPENAI_API_KEY)";

const std::vector<std::string> kProviderKeys = {
    "kind",      "base_url",        "api_key_env",         "headers",          "api_version",
    "timeout_s", "max_concurrency", "requests_per_minute", "tokens_per_minute",
    "max_reply_bytes"};

std::vector<std::string> KindNames() {
  std::vector<std::string> names;
  for (const auto& [kind, name] : kKinds) names.emplace_back(name);
  return names;
}

bool IsEnvVarName(const std::string& text) {
  if (text.empty() || std::isdigit(static_cast<unsigned char>(text[0]))) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// Whether a value written where a variable NAME belongs is probably a key itself.
bool LooksLikeKey(const std::string& text) {
  for (const char* prefix : {"sk-", "sk_", "xai-", "gsk_", "AIza"}) {
    if (text.rfind(prefix, 0) == 0) return true;
  }
  auto has = [&](int (*test)(int)) {
    return std::any_of(text.begin(), text.end(),
                       [&](char c) { return test(static_cast<unsigned char>(c)) != 0; });
  };
  return text.size() >= 32 || (text.size() >= 20 && has(islower) && (has(isupper) || has(isdigit)));
}

bool IsCredentialHeader(std::string name) {
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name == "authorization" || name == "x-api-key" || name == "api-key" ||
         name == "proxy-authorization";
}

bool IsHeaderName(const std::string& name) {
  static const std::string kTokenPunctuation = "!#$%&'*+-.^_`|~";
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           kTokenPunctuation.find(c) != std::string::npos;
  });
}

void ReadKind(YamlReader& reader, const YamlField& entry, ProviderConfig& config) {
  YamlField field = reader.Child(entry, "kind");
  if (!reader.Require(field)) return;
  std::optional<std::string> text = reader.String(field);
  if (!text) return;
  for (const auto& [kind, name] : kKinds) {
    if (name == *text) {
      config.kind = kind;
      return;
    }
  }
  std::string suggestion = DidYouMean(*text, KindNames());
  reader.Fail(field, "unknown kind " + Quoted(*text) +
                         (suggestion.empty() ? "; expected one of: " + JoinNames(KindNames())
                                             : suggestion));
}

void ReadBaseUrl(YamlReader& reader, const YamlField& entry, ProviderConfig& config) {
  YamlField field = reader.Child(entry, "base_url");
  if (!reader.Require(field)) return;
  std::optional<std::string> url = reader.String(field);
  if (!url) return;
  const size_t scheme = url->rfind("https://", 0) == 0 ? 8 : url->rfind("http://", 0) == 0 ? 7 : 0;
  if (scheme == 0 || url->find_first_not_of('/', scheme) == std::string::npos) {
    reader.Fail(field,
                "expected an http:// or https:// URL such as https://api.openai.com/v1, "
                "got " +
                    Quoted(*url));
    return;
  }
  while (url->back() == '/') url->pop_back();
  config.base_url = *url;
}

void ReadApiKeyEnv(YamlReader& reader, const YamlField& entry, ProviderConfig& config) {
  YamlField field = reader.Child(entry, "api_key_env");
  if (!field.present) {
    if (config.kind != ProviderKind::kOpenAiCompatible) {
      reader.Add(
          MakeError("missing required key \"api_key_env\": the NAME of the environment "
                    "variable that holds the key, e.g. OPENAI_API_KEY",
                    field.parent_path, field.where));
    }
    return;
  }
  std::optional<std::string> name = reader.String(field);
  if (!name) return;
  if (IsEnvVarName(*name)) {
    config.api_key_env = *name;
  } else if (name->size() > 1 && name->front() == '$') {
    reader.Fail(field, "write the variable's bare NAME, without $ or braces");
  } else if (LooksLikeKey(*name)) {
    reader.Fail(field, std::string("this looks like an API key, not a variable name; ") +
                           kKeyAdvice);  // never echo the value
  } else {
    reader.Fail(field, Quoted(*name) +
                           " is not an environment variable name; expected "
                           "upper-case letters, digits and _ such as OPENAI_API_KEY");
  }
}

void ReadHeaders(YamlReader& reader, const YamlField& entry, ProviderConfig& config) {
  YamlField headers = reader.Child(entry, "headers");
  if (!headers.present) return;
  for (const YamlField& header : reader.Entries(headers)) {
    if (IsCredentialHeader(header.key)) {
      reader.Add(MakeError("the " + header.key + " header carries a key; " + kKeyAdvice,
                           header.path, header.key_where));  // never echo the value
    } else if (!IsHeaderName(header.key)) {
      reader.Add(MakeError(Quoted(header.key) + " is not a valid HTTP header name", header.path,
                           header.key_where));
    } else if (std::optional<std::string> value = reader.String(header)) {
      config.headers.push_back(HttpHeader{header.key, *value});
    }
  }
}

void ReadVersion(YamlReader& reader, const YamlField& entry, ProviderConfig& config) {
  YamlField field = reader.Child(entry, "api_version");
  if (std::optional<std::string> version = reader.String(field)) config.api_version = *version;
  if (config.kind == ProviderKind::kAnthropic && config.api_version.empty()) {
    config.api_version = kAnthropicDefaultVersion;
  }
  if (config.kind == ProviderKind::kAzureOpenAi && !field.present) {
    config.api_version = kAzureDefaultVersion;  // docs/providers.md: the default when omitted
  }
}

void ReadLimits(YamlReader& reader, const YamlField& entry, ProviderConfig& config) {
  YamlField timeout = reader.Child(entry, "timeout_s");
  if (std::optional<int64_t> millis = reader.Decimal(timeout, 3)) {
    if (*millis == 0) {
      reader.Fail(timeout, "must be greater than 0");
    } else {
      config.timeout = std::chrono::milliseconds(*millis);
    }
  }
  constexpr int64_t kIntMax = std::numeric_limits<int>::max();
  auto read_int = [&](const char* key, int64_t min, int& out) {
    if (auto value = reader.Integer(reader.Child(entry, key), min, kIntMax)) {
      out = static_cast<int>(*value);
    }
  };
  read_int("max_concurrency", 1, config.max_concurrency);
  read_int("requests_per_minute", 0, config.requests_per_minute);
  read_int("tokens_per_minute", 0, config.tokens_per_minute);
  if (auto bytes = reader.Integer(reader.Child(entry, "max_reply_bytes"), 1024, int64_t{1} << 32)) {
    config.max_reply_bytes = static_cast<size_t>(*bytes);
  }
}

ProviderConfig ReadProvider(YamlReader& reader, const YamlField& entry) {
  ProviderConfig config;
  config.name = entry.key;
  config.where = entry.key_where;
  if (!reader.IsMap(entry)) return config;
  std::vector<std::string> known = kProviderKeys;
  YamlField api_key = reader.Child(entry, "api_key");
  if (api_key.present) {
    reader.Fail(api_key, kKeyAdvice);  // never echo the value
    known.push_back("api_key");
  }
  reader.CheckKeys(entry, known);
  ReadKind(reader, entry, config);
  ReadBaseUrl(reader, entry, config);
  ReadApiKeyEnv(reader, entry, config);
  ReadHeaders(reader, entry, config);
  ReadVersion(reader, entry, config);
  ReadLimits(reader, entry, config);
  return config;
}

}  // namespace

std::string_view ProviderKindName(ProviderKind kind) {
  for (const auto& [value, name] : kKinds) {
    if (value == kind) return name;
  }
  return "unknown";
}

const ProviderConfig* ProviderCatalog::Find(const std::string& name) const {
  for (const ProviderConfig& provider : providers) {
    if (provider.name == name) return &provider;
  }
  return nullptr;
}

std::vector<std::string> ProviderCatalog::Names() const {
  std::vector<std::string> names;
  for (const ProviderConfig& provider : providers) names.push_back(provider.name);
  return names;
}

Result<ProviderCatalog> LoadProviderCatalog(const std::string& path) {
  Result<std::string> text = ReadUserFile(path);
  if (!text.ok()) return text.errors();
  return ParseProviderCatalog(text.value(), path);
}

Result<ProviderCatalog> ParseProviderCatalog(const std::string& yaml_text,
                                             const std::string& file) {
  ProviderCatalog catalog{file, {}};
  Status status = ReadYamlDocument(
      yaml_text, file, {"providers"}, [&](YamlReader& reader, const YamlField& root) {
        YamlField providers = reader.Child(root, "providers");
        if (!reader.Require(providers)) return;
        for (const YamlField& entry : reader.Entries(providers)) {
          catalog.providers.push_back(ReadProvider(reader, entry));
        }
      });
  if (!status.ok()) return status.errors();
  return catalog;
}

}  // namespace taskcost
