// taskcost prices import-litellm FILE: LiteLLM's shared price registry into our prices.yaml
// format, exact to the picodollar, with what changed against the current catalog.
#include <cstdio>
#include <ctime>

#include "harness/cli/cli.h"
#include "harness/cli/config_files.h"
#include "harness/cli/options.h"
#include "harness/cli/output_files.h"
#include "harness/core/prices/catalog_writer.h"
#include "harness/core/prices/litellm_import.h"
#include "harness/core/formats/user_files.h"

namespace taskcost {
namespace {

constexpr const char* kSynopsis = "FILE [--prices CURRENT] [-o OUT] [options]";
constexpr const char* kDefaultSource =
    "https://github.com/BerriAI/litellm/blob/main/model_prices_and_context_window.json";

struct ImportArgs {
  std::string file, current, out;
  ImportOptions options;
};

std::optional<int> ParseImportArgs(const std::vector<std::string>& args, ImportArgs* a) {
  po::options_description options("prices import-litellm options");
  options.add_options()
      ("file", po::value(&a->file)->required(), "LiteLLM's model_prices_and_context_window.json")
      ("prices", po::value(&a->current), "the current catalog to compare with and update "
       "(default: configs/prices.yaml in the working directory or above, the install's, the "
       "source tree's)")
      ("output,o", po::value(&a->out), "write the updated catalog here (default: only report)")
      ("add", po::value(&a->options.add)->composing(),
       "also import this model, which the current catalog lacks (repeatable)")
      ("batch", po::bool_switch(&a->options.batch),
       "price input and output at LiteLLM's batch rates (*_cost_per_token_batches)")
      ("as-of", po::value(&a->options.as_of), "as_of date of new and changed entries "
       "(default: today, UTC)")
      ("source", po::value(&a->options.source)->default_value(kDefaultSource),
       "source URL of new and changed entries");
  po::positional_options_description positional;
  positional.add("file", 1);
  return ParseVerbArgs("prices import-litellm", kSynopsis, args, options, positional).exit_code;
}

std::string TodayUtc() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", &utc);
  return text;
}

int ImportLiteLlmVerb(const std::vector<std::string>& args) {
  ImportArgs a;
  if (std::optional<int> exit_code = ParseImportArgs(args, &a)) return *exit_code;
  if (a.options.as_of.empty()) a.options.as_of = TodayUtc();
  if (a.current.empty()) a.current = DefaultConfigPath("prices.yaml", "");
  Result<std::string> text = ReadUserFile(a.file);
  Result<LiteLlmFile> file =
      text.ok() ? ParseLiteLlm(*text, a.file) : Result<LiteLlmFile>(text.errors());
  Result<PriceCatalog> current = LoadPriceCatalog(a.current);
  if (!file.ok()) PrintErrors(file.errors());
  if (!current.ok()) PrintErrors(current.errors());
  if (!file.ok() || !current.ok()) return kExitBadInput;
  Result<ImportResult> imported = ImportLiteLlm(*file, *current, a.options);
  if (!imported.ok()) {
    PrintErrors(imported.errors());
    return kExitBadInput;
  }
  std::fputs(RenderImport(*imported, a.file).c_str(), stdout);
  const std::string comment = "USD per 1M tokens, exact decimals. Written by `taskcost prices "
                              "import-litellm` from " + a.file +
                              (a.options.batch ? " (batch tier)" : "") + " and " + a.current +
                              "; fields: docs/configs.md.";
  const std::string yaml = PriceCatalogToYaml(imported->catalog, comment);
  Result<PriceCatalog> check = ParsePriceCatalog(yaml, a.out.empty() ? "(catalog)" : a.out);
  if (!check.ok()) {  // --as-of or --source not in the catalog's format
    for (const Error& e : check.errors()) PrintError(e.path + ": " + e.message);
    return kExitBadInput;
  }
  if (a.out.empty()) {
    std::printf("nothing written; pass -o FILE to write the updated catalog\n");
    return kExitOk;
  }
  Status wrote = WriteOutputFile(a.out, yaml);
  if (!wrote.ok()) {
    PrintErrors(wrote.errors());
    return kExitBadInput;
  }
  std::printf("catalog with %zu models written to %s (comments of %s are not carried over)\n",
              imported->catalog.models.size(), a.out.c_str(), a.current.c_str());
  return kExitOk;
}

}  // namespace

int PricesVerb(const std::vector<std::string>& args) {
  if (!args.empty() && args.front() == "import-litellm") {
    return ImportLiteLlmVerb(std::vector<std::string>(args.begin() + 1, args.end()));
  }
  if (!args.empty() && (args.front() == "--help" || args.front() == "-h")) {
    std::printf("Price catalogs (docs/configs.md). The one subcommand:\n"
                "  import-litellm  update prices.yaml from LiteLLM's price registry, exact to the "
                "picodollar,\n                  and show what changed\n\n");
    std::fflush(stdout);
    return ImportLiteLlmVerb({"--help"});
  }
  PrintError(std::string("usage: taskcost prices import-litellm ") + kSynopsis +
             " (the only subcommand is import-litellm; see 'taskcost prices --help')");
  return kExitBadInput;
}

}  // namespace taskcost
