// libFuzzer target: suite.yaml through LoadSuite, as `taskcost validate` reads it, then the
// catalogs it names and the cross-check against them. The suite is written to a scratch
// directory next to the test fixture's samples, schema and catalogs (tests/data/config), so a
// suite may name samples.jsonl, schema.json, ../providers.yaml and ../prices.yaml.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <sstream>

#include "harness/core/prices/pricing.h"
#include "harness/core/loading/providers_config.h"
#include "harness/core/loading/suite_loader.h"
#include "tests/fuzz/fuzz_util.h"

namespace taskcost::fuzz {
namespace {

constexpr size_t kMaxSuiteBytes = 32 << 10;

std::string Fixture(const std::string& relative) {
  std::ifstream in(std::string(TASKCOST_SOURCE_DIR) + "/tests/data/config/" + relative,
                   std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The suite's path, with the fixture's files around it (written once).
const std::string& SuitePath() {
  static const std::string path = [] {
    for (const char* file : {"triage/samples.jsonl", "triage/schema.json"}) {
      WriteScratch(std::string("suite/") + (file + 7), Fixture(file));
    }
    WriteScratch("suite/samples.csv", "id,text,expected_category\nt-1,\"charged twice\",billing\n");
    WriteScratch("providers.yaml", Fixture("providers.yaml"));
    WriteScratch("prices.yaml", Fixture("prices.yaml"));
    return ScratchDir() + "/suite/suite.yaml";
  }();
  return path;
}

}  // namespace
}  // namespace taskcost::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace taskcost;
  if (size > fuzz::kMaxSuiteBytes) return -1;
  const std::string& path = fuzz::SuitePath();
  fuzz::WriteScratch("suite/suite.yaml", fuzz::Text(data, size));
  Result<Suite> suite = LoadSuite(path);
  if (!suite.ok() || suite->providers_file.empty() || suite->prices_file.empty()) return 0;
  Result<ProviderCatalog> providers = LoadProviderCatalog(suite->providers_file);
  Result<PriceCatalog> prices = LoadPriceCatalog(suite->prices_file);
  if (providers.ok() && prices.ok()) {
    (void)CheckSuiteAgainstCatalogs(suite.value(), providers.value(), prices.value());
  }
  return 0;
}
