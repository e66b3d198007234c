// Loading suite.yaml into a checked Suite. Every problem found is reported, each naming
// file:line:col and the field path, with a suggestion where one is obvious. Pure apart from
// reading the suite's own files (suite.yaml, samples, schema). Not synchronised.
#pragma once

#include <string>

#include "harness/core/prices/pricing.h"
#include "harness/core/loading/providers_config.h"
#include "harness/core/model/result.h"
#include "harness/core/model/suite.h"

namespace taskcost {

/// A suite as far as it could be read, and every problem found in it and in the files it names
/// (the suite is usable only when `errors` is empty).
struct SuiteRead {
  Suite suite;
  Errors errors;
};

/// Reads and checks a suite file; relative paths inside it resolve against its directory.
SuiteRead ReadSuiteFile(const std::string& path);

/// ReadSuiteFile's suite, or its errors.
Result<Suite> LoadSuite(const std::string& path);

/// Cross-checks a loaded suite against the provider and price catalogs: every candidate's
/// provider exists, every candidate's price key is in the catalog (never a silent $0). A suite
/// read with errors may be checked too: a candidate whose provider or model could not be read is
/// skipped.
Status CheckSuiteAgainstCatalogs(const Suite& suite, const ProviderCatalog& providers,
                                 const PriceCatalog& prices);

}  // namespace taskcost
