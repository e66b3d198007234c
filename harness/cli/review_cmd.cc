// taskcost review export|import: blinded review sheets out to an expert, scored sheets back in
// (docs/review.md). The unblinding keys and every import stay in RUN_DIR/review/.
// Exit 0 when everything asked for was done, 2 on bad input (or a sheet with problems).
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "harness/cli/cli.h"
#include "harness/cli/options.h"
#include "harness/core/loading/suite_loader.h"
#include "harness/edge/run_dir.h"
#include "harness/review/review_import.h"
#include "harness/review/review_store.h"
#include "harness/review/sheet_build.h"
#include "harness/review/sheet_writers.h"

namespace taskcost {
namespace {

constexpr const char* kUsage =
    "usage: taskcost review export RUN_DIR [options]\n"
    "       taskcost review import RUN_DIR SHEET... [options]";

int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::vector<std::string> SplitCommas(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const std::string& value : values) {
    size_t start = 0;
    while (start <= value.size()) {
      size_t comma = std::min(value.find(',', start), value.size());
      if (comma > start) out.push_back(value.substr(start, comma - start));
      start = comma + 1;
    }
  }
  return out;
}

// The suite the run came from: --suite, else the file run.json names; it must be that suite.
Result<Suite> RunSuite(const RunManifest& manifest, const std::string& given) {
  const std::string path = given.empty() ? manifest.suite_file : given;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return MakeError("suite file " + path + " not found; pass --suite FILE (the sheet needs its "
                     "inputs and review: rubric)");
  }
  Result<Suite> suite = LoadSuite(path);
  if (!suite.ok()) return suite.errors();
  if (suite->name != manifest.suite_name) {
    return MakeError(path + " is suite \"" + suite->name + "\", but the run is of suite \"" +
                     manifest.suite_name + "\"; pass that suite's file with --suite");
  }
  if (suite->content_hash != manifest.suite_hash) {
    PrintWarning(path + " changed since the run; the sheet shows its current inputs and rubric");
  }
  return suite;
}

// A new sheet must use the scale of the sheets already exported: scores are pooled.
Status CheckScale(const std::vector<SheetKey>& keys, const ReviewSpec& rubric) {
  for (const SheetKey& key : keys) {
    if (key.rubric.scale_min != rubric.scale_min || key.rubric.scale_max != rubric.scale_max) {
      return MakeError("sheet " + key.sheet_id + " of this run uses the scale " +
                       std::to_string(key.rubric.scale_min) + "-" +
                       std::to_string(key.rubric.scale_max) + ", the suite now says " +
                       std::to_string(rubric.scale_min) + "-" + std::to_string(rubric.scale_max) +
                       "; scores on different scales cannot be pooled");
    }
  }
  return OkStatus();
}

struct ExportArgs {
  std::string dir, format = "xlsx", output, reviewer, suite, seed;
  std::vector<std::string> candidates;
  int64_t samples = 0;
  bool include_failed = false, exclude_failed = false;
};

int Export(const std::vector<std::string>& args) {
  ExportArgs a;
  po::options_description options("review export options");
  options.add_options()
      ("run-dir", po::value(&a.dir)->required(), "the run directory")
      ("format", po::value(&a.format), "xlsx (default) or csv")
      ("output,o", po::value(&a.output), "sheet file to write (default RUN_DIR/review/"
       "sheet-<id>[-<reviewer>].<format>)")
      ("candidates", po::value(&a.candidates)->composing(),
       "candidate ids to review, comma-separated or repeated (default: all)")
      ("samples", po::value(&a.samples), "review at most N samples, drawn with the seed")
      ("reviewer", po::value(&a.reviewer), "who will score the sheet (recorded with the key)")
      ("seed", po::value(&a.seed), "shuffle seed, an unsigned integer (default: from the clock; "
       "recorded in the key)")
      ("include-failed", po::bool_switch(&a.include_failed), "include outputs of failed tasks "
       "(the default)")
      ("exclude-failed", po::bool_switch(&a.exclude_failed), "leave failed tasks out")
      ("suite", po::value(&a.suite), "the run's suite.yaml (default: the file run.json names)");
  po::positional_options_description positional;
  positional.add("run-dir", 1);
  ParseOutcome parsed = ParseVerbArgs("review export", "RUN_DIR [options]", args, options,
                                      positional);
  if (parsed.exit_code) return *parsed.exit_code;
  Errors errors;
  if (a.format != "xlsx" && a.format != "csv") {
    errors.push_back(MakeError("--format: expected xlsx or csv, got \"" + a.format + "\""));
  }
  if (a.include_failed && a.exclude_failed) {
    errors.push_back(MakeError("--include-failed and --exclude-failed contradict each other"));
  }
  const int64_t now = NowMillis();
  uint64_t seed = static_cast<uint64_t>(now);
  if (!a.seed.empty()) {
    if (a.seed.find_first_not_of("0123456789") != std::string::npos || a.seed.size() > 19) {
      errors.push_back(MakeError("--seed: expected an unsigned integer, got \"" + a.seed + "\""));
    } else {
      seed = std::stoull(a.seed);
    }
  }
  if (!errors.empty()) {
    PrintErrors(errors);
    return kExitBadInput;
  }
  Result<LoadedRun> run = LoadRunDir(a.dir);
  if (!run.ok()) {
    PrintErrors(run.errors());
    return kExitBadInput;
  }
  for (const std::string& warning : run->warnings) PrintWarning(warning);
  Result<Suite> suite = RunSuite(run->manifest, a.suite);
  Result<std::vector<SheetKey>> keys = LoadSheetKeys(a.dir);
  for (const Errors* e : {suite.ok() ? nullptr : &suite.errors(),
                          keys.ok() ? nullptr : &keys.errors()}) {
    if (e != nullptr) PrintErrors(*e);
  }
  if (!suite.ok() || !keys.ok()) return kExitBadInput;
  SheetOptions sheet_options;
  sheet_options.candidates = SplitCommas(a.candidates);
  if (parsed.vars.count("samples") > 0) sheet_options.samples = a.samples;
  sheet_options.reviewer = a.reviewer;
  sheet_options.seed = seed;
  sheet_options.include_failed = !a.exclude_failed;
  sheet_options.format = a.format;
  sheet_options.now_unix_ms = now;
  Status scale = CheckScale(*keys, suite->review);
  Result<Sheet> sheet = scale.ok() ? BuildSheet(run->manifest, run->attempts, *suite, sheet_options)
                                   : Result<Sheet>(scale.errors());
  if (!sheet.ok()) {
    PrintErrors(sheet.errors());
    return kExitBadInput;
  }
  if (sheet->key.rows.empty()) {
    PrintError("nothing to review: no task of the chosen candidates has an answer to score");
    return kExitBadInput;
  }
  std::string path = a.output;
  if (path.empty()) {
    std::string who = a.reviewer;  // in a file name: letters, digits, '.', '_' and '-' only
    for (char& ch : who) {
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '_') ch = '-';
    }
    path = (std::filesystem::path(ReviewDir(a.dir)) /
            ("sheet-" + sheet->key.sheet_id + (who.empty() ? "" : "-" + who) + "." + a.format))
               .string();
  }
  sheet->key.file = path;
  Result<std::string> key_path = SaveSheetKey(a.dir, sheet->key);
  Status wrote = key_path.ok() ? (a.format == "csv" ? WriteFileAtomic(path, SheetToCsv(*sheet))
                                                    : WriteSheetXlsx(*sheet, path))
                               : Status(key_path.errors());
  if (!wrote.ok()) {
    if (key_path.ok()) std::filesystem::remove(*key_path);
    PrintErrors(wrote.errors());
    return kExitIncomplete;
  }
  const SheetKey& key = sheet->key;
  std::printf("wrote %s: %zu rows, shuffled with seed %llu; failed tasks %s", path.c_str(),
              key.rows.size(), static_cast<unsigned long long>(seed),
              key.failed_included ? "included" : "left out");
  if (!key.failed_included) std::printf(" (%lld)", static_cast<long long>(key.failed_left_out));
  if (key.no_output_left_out > 0) {
    std::printf("; %lld tasks without an answer left out",
                static_cast<long long>(key.no_output_left_out));
  }
  std::printf("\nunblinding key: %s (stays with the run; never send it to the reviewer)\n",
              key_path->c_str());
  return kExitOk;
}

int Import(const std::vector<std::string>& args) {
  std::string dir, reviewer;
  std::vector<std::string> sheets;
  bool replace = false, skip_bad_rows = false;
  po::options_description options("review import options");
  options.add_options()
      ("run-dir", po::value(&dir)->required(), "the run directory")
      ("sheet", po::value(&sheets)->required()->composing(), "scored sheets (.xlsx or .csv)")
      ("reviewer", po::value(&reviewer), "who scored the sheets (default: the reviewer the sheet "
       "was exported for)")
      ("replace", po::bool_switch(&replace), "replace an earlier import of the same sheet by the "
       "same reviewer (the earlier record is kept, marked superseded)")
      ("skip-bad-rows", po::bool_switch(&skip_bad_rows), "record the good rows of a sheet with "
       "problems (default: record nothing from it)");
  po::positional_options_description positional;
  positional.add("run-dir", 1).add("sheet", -1);
  ParseOutcome parsed = ParseVerbArgs("review import", "RUN_DIR SHEET... [options]", args, options,
                                      positional);
  if (parsed.exit_code) return *parsed.exit_code;
  Result<RunManifest> manifest = LoadRunManifest(dir);
  if (!manifest.ok()) {
    PrintErrors(manifest.errors());
    return kExitBadInput;
  }
  int exit_code = kExitOk;
  for (const std::string& file : sheets) {
    Result<ImportOutcome> outcome = ImportSheet(
        {dir, manifest->run_id, file, reviewer, replace, skip_bad_rows, NowMillis()});
    if (!outcome.ok()) {
      PrintErrors(outcome.errors());
      exit_code = kExitBadInput;
      continue;
    }
    const ImportRecord& r = outcome->record;
    if (outcome->already_imported) {
      std::printf("%s: already imported as %s (sheet %s, reviewer %s); nothing recorded\n",
                  file.c_str(), outcome->record_path.c_str(), r.sheet_id.c_str(),
                  r.reviewer.c_str());
      continue;
    }
    // With --skip-bad-rows the rows with problems were skipped as asked: warnings, and the import
    // succeeds; without it nothing was recorded and they are errors.
    for (const RowProblem& p : outcome->problems) {
      if (outcome->recorded) {
        PrintWarning("skipped: " + p.ToString());
      } else {
        PrintError(p.ToString());
      }
    }
    const std::string counts = std::to_string(r.scores.size()) + " scores, " +
                               std::to_string(r.blank) + " blank, " +
                               std::to_string(outcome->problems.size()) + " rows with problems";
    if (!outcome->recorded) {
      PrintError(file + ": nothing recorded (" + counts + "); fix the rows above and import "
                 "again, or pass --skip-bad-rows to record the good rows");
      exit_code = kExitBadInput;
      continue;
    }
    std::printf("imported %s: sheet %s, reviewer %s: %s -> %s%s\n", file.c_str(),
                r.sheet_id.c_str(), r.reviewer.c_str(), counts.c_str(),
                outcome->record_path.c_str(),
                r.supersedes.empty() ? "" : (" (replaces " + r.supersedes + ")").c_str());
  }
  return exit_code;
}

}  // namespace

int ReviewVerb(const std::vector<std::string>& args) {
  if (!args.empty() && args.front() == "export") return Export({args.begin() + 1, args.end()});
  if (!args.empty() && args.front() == "import") return Import({args.begin() + 1, args.end()});
  if (!args.empty() && (args.front() == "--help" || args.front() == "-h")) {
    std::printf("Expert scoring (docs/review.md). The subcommands:\n"
                "  export  write a blinded, shuffled review sheet (XLSX or CSV) of a run's "
                "answers\n"
                "  import  record a scored sheet's scores with the run\n\n");
    std::fflush(stdout);
    const int exported = Export({"--help"});
    std::printf("\n");
    std::fflush(stdout);
    return std::max(exported, Import({"--help"}));
  }
  PrintError(std::string(kUsage) + "\n(the subcommands are export and import)");
  return kExitBadInput;
}

}  // namespace taskcost
