#include "harness/cli/inputs.h"

#include <algorithm>
#include <cstdlib>
#include <map>

#include "harness/cli/config_files.h"
#include "harness/core/formats/error_text.h"
#include "harness/core/loading/suite_loader.h"

namespace taskcost {
namespace {

std::vector<std::string> MissingKeyWarnings(const Suite& suite, const ProviderCatalog& providers);

bool HasErrorAt(const Errors& errors, const std::string& path) {
  return std::any_of(errors.begin(), errors.end(), [&](const Error& e) { return e.path == path; });
}

// The catalog file: the flag, the suite's own key, else the default search. "" when the suite's
// key was written but is wrong (its error is already listed; no other file stands in for it).
std::string PickCatalog(const std::string& flag, const SuiteRead& read, const std::string& key,
                        const std::string& from_suite, const std::string& suite_path,
                        Errors& errors) {
  if (!flag.empty()) return flag;
  if (!from_suite.empty()) return from_suite;
  if (HasErrorAt(read.errors, key)) return "";
  const std::string name = key + ".yaml";
  ConfigSearch search = FindDefaultConfig(name, suite_path);
  if (!search.found.empty()) return search.found;
  errors.push_back(MakeError("no " + name + " found; looked for " + JoinNames(search.looked) +
                             ". Pass --" + key + " FILE or name it in the suite (" + key +
                             ": FILE)"));
  return "";
}

template <class Catalog, class Load>
void LoadCatalog(const std::string& path, Load load, Catalog& out, bool& loaded, Errors& errors) {
  if (path.empty()) return;
  Result<Catalog> catalog = load(path);
  if (!catalog.ok()) {
    errors.insert(errors.end(), catalog.errors().begin(), catalog.errors().end());
    return;
  }
  out = std::move(catalog).value();
  loaded = true;
}

}  // namespace

Result<LoadedInputs> LoadInputs(const std::string& suite_path,
                                const std::string& providers_override,
                                const std::string& prices_override,
                                std::vector<std::string>* warnings) {
  SuiteRead read = ReadSuiteFile(suite_path);
  Errors errors = read.errors;
  LoadedInputs inputs;
  inputs.suite = std::move(read.suite);
  Suite& suite = inputs.suite;
  suite.providers_file =
      PickCatalog(providers_override, read, "providers", suite.providers_file, suite_path, errors);
  suite.prices_file =
      PickCatalog(prices_override, read, "prices", suite.prices_file, suite_path, errors);
  bool providers_loaded = false, prices_loaded = false;
  LoadCatalog(suite.providers_file, LoadProviderCatalog, inputs.providers, providers_loaded,
              errors);
  LoadCatalog(suite.prices_file, LoadPriceCatalog, inputs.prices, prices_loaded, errors);
  // Unknown providers and missing prices are listed with the suite's own problems, not after
  // they are fixed. Against a catalog that could not be read, nothing is checked.
  Status checked =
      CheckSuiteAgainstCatalogs(suite, providers_loaded ? inputs.providers : ProviderCatalog{},
                                prices_loaded ? inputs.prices : PriceCatalog{});
  if (!checked.ok()) {
    for (const Error& e : checked.errors()) {
      const bool provider = e.path.ends_with(".provider");
      if (provider ? providers_loaded : prices_loaded) errors.push_back(e);
    }
  }
  if (warnings != nullptr) *warnings = MissingKeyWarnings(suite, inputs.providers);
  if (!errors.empty()) return errors;
  return inputs;
}

namespace {

std::vector<std::string> MissingKeyWarnings(const Suite& suite, const ProviderCatalog& providers) {
  std::map<std::string, std::vector<std::string>> needed;  // variable -> ids needing it
  std::vector<const Candidate*> models;
  for (const Candidate& c : suite.candidates) {
    if (!c.IsComposite()) models.push_back(&c);
  }
  for (const Candidate& judge : suite.judges) models.push_back(&judge);
  for (const Candidate* model : models) {
    const ProviderConfig* provider = providers.Find(model->provider);
    if (provider == nullptr || provider->api_key_env.empty()) continue;
    const char* value = std::getenv(provider->api_key_env.c_str());
    if (value != nullptr && *value != '\0') continue;
    needed[provider->api_key_env].push_back(model->id);
  }
  std::vector<std::string> warnings;
  for (const auto& [variable, ids] : needed) {
    warnings.push_back("environment variable " + variable + " is not set (needed by " +
                       JoinNames(ids) +
                       "); run refuses to start without it (--simulate needs no key)");
  }
  return warnings;
}

}  // namespace

}  // namespace taskcost
