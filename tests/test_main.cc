// The main of every test executable: doctest's, except that a run asked for test cases by name
// (`--test-case=NAME`, as each ctest entry is) fails when no test case matches. doctest alone
// exits 0 having run nothing, so a name ctest cannot pass through intact (a semicolon, a
// wildcard character) would pass as a test without testing anything.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <atomic>
#include <cstdio>
#include <string_view>

namespace {

std::atomic<int> g_matched{0};
std::string_view g_name;  // the name given with --test-case=

// Counts the test cases the filters let through, and one skipped by its decorator when it is
// the one named (doctest reports every test case the filters leave out as skipped too).
struct MatchCounter : doctest::IReporter {
  explicit MatchCounter(const doctest::ContextOptions&) {}
  void report_query(const doctest::QueryData&) override {}
  void test_run_start() override {}
  void test_run_end(const doctest::TestRunStats&) override {}
  void test_case_start(const doctest::TestCaseData&) override { ++g_matched; }
  void test_case_reenter(const doctest::TestCaseData&) override {}
  void test_case_end(const doctest::CurrentTestCaseStats&) override {}
  void test_case_exception(const doctest::TestCaseException&) override {}
  void subcase_start(const doctest::SubcaseSignature&) override {}
  void subcase_end() override {}
  void log_assert(const doctest::AssertData&) override {}
  void log_message(const doctest::MessageData&) override {}
  void test_case_skipped(const doctest::TestCaseData& test) override {
    if (test.m_skip && g_name == test.m_name) ++g_matched;
  }
};

REGISTER_LISTENER("match_counter", 1, MatchCounter);

}  // namespace

int main(int argc, char** argv) {
  bool by_name = false;
  bool query = false;  // --list-test-cases, --help, ...: runs nothing by design
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    for (std::string_view flag : {"--test-case=", "-tc="}) {
      if (arg.starts_with(flag)) {
        by_name = true;
        g_name = arg.substr(flag.size());
      }
    }
    query = query || arg.starts_with("--list") || arg.starts_with("-l") || arg == "--help" ||
            arg == "-h" || arg == "-?" || arg == "--version" || arg == "-v" ||
            arg.starts_with("--count") || arg == "-c";
  }
  doctest::Context context(argc, argv);
  const int result = context.run();
  if (context.shouldExit() || query || !by_name || result != 0) return result;
  if (g_matched.load() == 0) {
    std::fprintf(stderr, "no test case matches the name given: nothing was tested\n");
    return 1;
  }
  return result;
}
