// Loading what a verb needs from the user's files: the suite and the provider and price catalogs
// it resolves to (flag, then the suite's own `providers:`/`prices:`, then the default search of
// config_files.h, which does not depend on the working directory). Every problem in every file is
// collected in one round: a suite with errors is still checked against the catalogs. Not
// synchronised.
#pragma once

#include <string>
#include <vector>

#include "harness/core/prices/pricing.h"
#include "harness/core/loading/providers_config.h"
#include "harness/core/model/result.h"
#include "harness/core/model/suite.h"

namespace taskcost {

struct LoadedInputs {
  Suite suite;
  ProviderCatalog providers;
  PriceCatalog prices;
};

/// `warnings` (may be null) gets one line per API key variable that the suite's candidates and
/// judges need and that is not set in the environment, errors or not: `run` without --simulate
/// would refuse to start. E.g. "environment variable OPENAI_API_KEY is not set (needed by
/// gpt-4.1, gpt-4.1-mini); run refuses to start without it (--simulate needs no key)".
Result<LoadedInputs> LoadInputs(const std::string& suite_path,
                                const std::string& providers_override,
                                const std::string& prices_override,
                                std::vector<std::string>* warnings = nullptr);

}  // namespace taskcost
