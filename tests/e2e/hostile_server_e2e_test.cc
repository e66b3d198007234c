// End to end against a hostile OpenAI-format server (tests/edge/scripted_server.h) on
// 127.0.0.1: one that echoes the API key back in every way it can, and one whose replies never
// end. The real binary runs each; what it leaves behind is checked as a user would check it:
// every file of the run and every stream it printed, and the peak memory the kernel measured.
//
// Reply shapes follow OpenAI's API reference: the chat completion object
// (https://platform.openai.com/docs/api-reference/chat/object) and the error object of a 401
// (https://platform.openai.com/docs/guides/error-codes).
#include <doctest/doctest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/e2e/cli_process.h"
#include "tests/e2e/sim_suite.h"
#include "tests/edge/scripted_server.h"

namespace taskcost::hostile_server_e2e_test {
namespace {

namespace fs = std::filesystem;
using testing::ReceivedRequest;
using testing::Reply;
using testing::ScriptedServer;

// A chat completion whose answer is `content` (JSON text, written into the body as a string).
std::string Completion(const std::string& content) {
  return R"({"id":"chatcmpl-1","object":"chat.completion","model":"m-small","choices":[{"index":0,)"
         R"("message":{"role":"assistant","content":)" +
         nlohmann::json(content).dump() +
         R"(},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":5,)"
         R"("total_tokens":15}})";
}

// The suite of sim_suite.h (four tickets) against the scripted server as provider "echo".
void WriteSuite(const TempDir& dir, const ScriptedServer& server, const std::string& samples,
                const std::string& policy) {
  dir.Write("samples.jsonl", samples);
  dir.Write("schema.json", kTicketSchema);
  dir.Write("prices.yaml", kSimPrices);
  dir.Write("providers.yaml", "providers:\n  echo: {kind: openai, base_url: \"" +
                                  server.Url("/v1") +
                                  "\", api_key_env: ECHO_KEY, max_concurrency: 64}\n");
  dir.Write("suite.yaml",
            TicketSuite("hostile", policy + "\ncandidates:\n  - {id: echo, provider: echo, "
                                            "model: m-small, price: m-small}\n"));
}

// Every regular file under `root`, with its text.
std::vector<std::pair<std::string, std::string>> FilesUnder(const std::string& root) {
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file())
      files.emplace_back(entry.path().string(), ReadFileText(entry.path()));
  }
  return files;
}

size_t Count(const std::string& text, const std::string& word) {
  size_t n = 0;
  for (size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) ++n;
  return n;
}

constexpr const char* kKey = "sk-echo-e2e-0123456789abcdefABCDEF";

// The server repeats the key it was sent: in headers (x-request-id, which the journal keeps, and
// "Bearer <key>"), in an answer, in an answer whose JSON spells it with \u escapes (decoded only
// when the answer is parsed), and in a 401's message, as OpenAI's own 401 names the key it got.
Reply Echo(const ReceivedRequest& request) {
  const std::string key = kKey;
  if (request.body.find("my invoice is wrong") != std::string::npos) {
    return Reply::Respond(200, Completion(R"({"category":"billing"})"),
                          {{"x-request-id", "req-" + key}, {"x-echo", "Bearer " + key}});
  }
  if (request.body.find("the app crashes") != std::string::npos) {
    return Reply::Respond(200, Completion(R"({"category":")" + key + R"("})"));
  }
  if (request.body.find("please bill me") != std::string::npos) {
    std::string escaped;  // "sk-..." as "\u0073\u006b-..."
    for (char c : key.substr(0, 2)) escaped += "\\u00" + std::string(c == 's' ? "73" : "6b");
    return Reply::Respond(200, Completion(R"({"category":")" + escaped + key.substr(2) + R"("})"));
  }
  return Reply::Respond(
      401, R"({"error":{"message":"Incorrect API key provided: )" + key +
               R"(. You can find your API key at https://platform.openai.com/account/api-keys.",)"
               R"("type":"invalid_request_error","param":null,"code":"invalid_api_key"}})");
}

TEST_CASE("hostile server: a key the server echoes is in no file or stream of the run") {
  ScriptedServer server(Echo);
  TempDir dir;
  // One attempt at a time, so the three answers come before the 401 stops the candidate.
  WriteSuite(dir, server, kTicketSamples, "policy: {max_attempts: 1}");
  const std::map<std::string, std::string> env = {{"ECHO_KEY", kKey}};
  CliOutcome run =
      RunCli({"run", "suite.yaml", "--out", "run", "--concurrency", "1"}, dir.path(), env);
  CHECK(run.exit_code == 3);  // the candidate stopped on auth
  CliOutcome report = RunCli({"report", "run"}, dir.path(), env);
  REQUIRE(server.requests().size() == 4);
  // The key did go out, in the header.
  CHECK(FindHeader(server.requests()[0].headers, "authorization") == "Bearer " + std::string(kKey));

  // Nowhere: not in the run directory, the response cache, or anything printed.
  std::string everything = run.out + run.err + report.out + report.err;
  for (const auto& [path, text] : FilesUnder(dir.path())) {
    CAPTURE(path);
    CHECK(text.find(kKey) == std::string::npos);
    CHECK(text.find("\\u0073\\u006b-echo") == std::string::npos);
    if (path.ends_with("attempts.jsonl")) everything += text;
  }
  CHECK(everything.find(kKey) == std::string::npos);
  // The echoes did happen and were replaced: in the request id, the two answers, and the 401's
  // message.
  const std::string journal = ReadFileText(dir.path() + "/run/attempts.jsonl");
  CHECK(Count(journal, "\"request_id\":\"req-[redacted]\"") == 1);
  CHECK(Count(journal, "Incorrect API key provided: [redacted]. You can find") == 1);
  CHECK(Count(journal, R"(\"category\":\"[redacted]\")") == 2);
  CHECK(Count(run.err, "Incorrect API key provided: [redacted]") >= 1);
}

TEST_CASE("hostile server: 64 endless replies at once end as too large, in bounded memory") {
  // Every reply is held until all 64 requests are in, then streams a chunked body without end.
  ScriptedServer server([](const ReceivedRequest&) {
    Reply r;
    r.action = Reply::Action::kEndless;
    r.body = std::string(64 * 1024, 'x');
    r.after_requests = 64;
    return r;
  });
  TempDir dir;
  std::string samples;
  for (int i = 0; i < 64; ++i) {
    samples += R"({"id":"E)" + std::to_string(i) + R"(","text":"ticket )" + std::to_string(i) +
               R"(","expected":"billing"})" + "\n";
  }
  WriteSuite(dir, server, samples, "policy: {max_attempts: 1, timeout_s: 120}");
  CliOutcome run = RunCli({"run", "suite.yaml", "--out", "run", "--concurrency", "64", "--quiet"},
                          dir.path(), {{"ECHO_KEY", kKey}});
  CHECK(run.exit_code == 0);
  CHECK(server.requests().size() == 64);
  // Each attempt: invalid_output, and what it keeps of the body is 200 bytes in its message.
  std::istringstream journal(ReadFileText(dir.path() + "/run/attempts.jsonl"));
  int too_large = 0;
  for (std::string line; std::getline(journal, line);) {
    const nlohmann::json record = nlohmann::json::parse(line);
    if (record.value("type", "") != "attempt") continue;
    CHECK(record.at("error") == "invalid_output");
    CHECK(record.at("error_message") ==
          "the reply body is larger than max_reply_bytes (4000000 bytes); it began: " +
              std::string(200, 'x'));
    CHECK(line.size() < 4096);
    ++too_large;
  }
  CHECK(too_large == 64);
  // 64 bodies of at most 4,000,000 bytes each = 256,000,000 bytes (244 MiB) at the very worst,
  // plus the process itself: under 300 MB (292,968 KiB).
  MESSAGE("peak resident memory of 64 endless replies: " << run.peak_rss_kb << " KiB");
  CHECK(run.peak_rss_kb < 292'968);
}

}  // namespace
}  // namespace taskcost::hostile_server_e2e_test
