#include "harness/cli/inputs.h"

#include "harness/core/suite_loader.h"

namespace taskcost {
namespace {
std::string Pick(const std::string& flag, const std::string& from_suite, const char* fallback) {
  if (!flag.empty()) return flag;
  if (!from_suite.empty()) return from_suite;
  return fallback;
}
}  // namespace

Result<LoadedInputs> LoadInputs(const std::string& suite_path,
                                const std::string& providers_override,
                                const std::string& prices_override) {
  Result<Suite> suite = LoadSuite(suite_path);
  if (!suite.ok()) return suite.errors();
  LoadedInputs inputs;
  inputs.suite = std::move(suite).value();
  inputs.suite.providers_file =
      Pick(providers_override, inputs.suite.providers_file, "configs/providers.yaml");
  inputs.suite.prices_file = Pick(prices_override, inputs.suite.prices_file, "configs/prices.yaml");

  Errors errors;
  Result<ProviderCatalog> providers = LoadProviderCatalog(inputs.suite.providers_file);
  if (providers.ok()) {
    inputs.providers = std::move(providers).value();
  } else {
    errors.insert(errors.end(), providers.errors().begin(), providers.errors().end());
  }
  Result<PriceCatalog> prices = LoadPriceCatalog(inputs.suite.prices_file);
  if (prices.ok()) {
    inputs.prices = std::move(prices).value();
  } else {
    errors.insert(errors.end(), prices.errors().begin(), prices.errors().end());
  }
  if (!errors.empty()) return errors;
  Status checked = CheckSuiteAgainstCatalogs(inputs.suite, inputs.providers, inputs.prices);
  if (!checked.ok()) return checked.errors();
  return inputs;
}

}  // namespace taskcost
