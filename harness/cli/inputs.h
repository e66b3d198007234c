// Loading what a verb needs from the user's files: the suite and the provider and price catalogs
// it resolves to (flag, then the suite's own `providers:`/`prices:`, then configs/ in the working
// directory). Every problem in every file is collected. Not synchronised.
#pragma once

#include <string>

#include "harness/core/pricing.h"
#include "harness/core/providers_config.h"
#include "harness/core/result.h"
#include "harness/core/suite.h"

namespace taskcost {

struct LoadedInputs {
  Suite suite;
  ProviderCatalog providers;
  PriceCatalog prices;
};

Result<LoadedInputs> LoadInputs(const std::string& suite_path,
                                const std::string& providers_override,
                                const std::string& prices_override);

}  // namespace taskcost
