#include "harness/edge/journal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <variant>

#include "harness/core/loading/run_manifest.h"
#include "harness/edge/journal_checks.h"

namespace taskcost {
namespace {

Error SystemError(const std::string& path, const std::string& what, int err) {
  return MakeError(what + ": " + std::strerror(err), "", SourceLocation{path, 0, 0});
}

std::string TornWarning(const std::string& path, const char* what, size_t bytes) {
  return path + ": ignored a torn " + what + " (" + std::to_string(bytes) + " bytes)";
}

Result<std::string> ReadFileBytes(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return SystemError(path, "cannot open", errno);
  std::string content;
  char buffer[1 << 16];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) content.append(buffer, n);
  const bool failed = std::ferror(file) != 0;
  const int err = errno;
  std::fclose(file);
  if (failed) return SystemError(path, "cannot read", err);
  return content;
}

// Reads a file one line at a time with a reused buffer; a line keeps its '\n', so the last one
// lacks it exactly when the file does not end with a newline (a torn write).
class LineReader {
 public:
  static Result<std::unique_ptr<LineReader>> Open(const std::string& path) {
    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (file == nullptr) return SystemError(path, "cannot open", errno);
    return std::unique_ptr<LineReader>(new LineReader(file));
  }
  ~LineReader() {
    std::free(buffer_);
    std::fclose(file_);
  }
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  /// The next line; valid until the next call. Unset at the end of the file or on an error.
  std::optional<std::string_view> Next() {
    const ssize_t n = ::getline(&buffer_, &capacity_, file_);
    if (n < 0) return std::nullopt;
    return std::string_view(buffer_, static_cast<size_t>(n));
  }
  bool failed() const { return std::ferror(file_) != 0; }

 private:
  explicit LineReader(std::FILE* file) : file_(file) {}
  std::FILE* file_;
  char* buffer_ = nullptr;
  size_t capacity_ = 0;
};

// The complete lines of a file (without their '\n') and whatever follows the last '\n'.
struct Lines {
  std::vector<std::string_view> complete;
  std::string_view torn;
};

Lines SplitLines(std::string_view text) {
  Lines out;
  size_t start = 0;
  for (size_t nl = text.find('\n'); nl != std::string_view::npos; nl = text.find('\n', start)) {
    out.complete.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  out.torn = text.substr(start);
  return out;
}

// fsyncs the directory holding `path`, so that a newly created file survives a crash.
void SyncParentDirectory(const std::string& path) {
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash == 0 ? 1 : slash);
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// Opens `path` for appending, unbuffered: each fwrite goes straight to the OS, so a failed
// write leaves nothing behind in a stdio buffer to be flushed later.
Result<std::FILE*> OpenForAppend(const std::string& path, int extra_flags) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC | extra_flags, 0644);
  if (fd < 0) return SystemError(path, "cannot open for writing", errno);
  std::FILE* file = ::fdopen(fd, "a");
  if (file == nullptr) {
    int err = errno;
    ::close(fd);
    return SystemError(path, "cannot open for writing", err);
  }
  std::setvbuf(file, nullptr, _IONBF, 0);
  return file;
}

// Writes the header line of a new (or empty) journal and makes it durable.
Status WriteHeader(std::FILE* file, const std::string& path, const std::string& run_id) {
  const std::string line = JournalHeaderLine(run_id) + "\n";
  if (std::fwrite(line.data(), 1, line.size(), file) != line.size() || std::fflush(file) != 0 ||
      ::fsync(::fileno(file)) != 0) {
    return SystemError(path, "cannot write the journal header", errno);
  }
  SyncParentDirectory(path);
  return OkStatus();
}

// An existing journal as JournalWriter::Open finds it.
struct Existing {
  size_t keep = 0;     // bytes to keep: a torn final line is cut off
  std::string header;  // its header line, without the newline ("" when it is started again)
  std::string run_id;  // the header's
  int version = 0;     // the header's format version
};

// Checks an existing journal before appending to it: its header, and its last complete line,
// which must read (only bytes after the last newline are a torn write, cut off with a warning).
Result<Existing> CheckExisting(const std::string& path, const std::string& run_id,
                               std::vector<std::string>* warnings) {
  Result<std::string> content = ReadFileBytes(path);
  if (!content.ok()) return content.errors();
  const std::string& text = content.value();
  const Lines lines = SplitLines(text);
  Existing existing;
  if (lines.complete.empty()) {
    // Only a torn header line (a crash while creating the file): start it again.
    if ((JournalHeaderLine(run_id) + "\n").starts_with(text)) {
      if (!text.empty()) warnings->push_back(TornWarning(path, "header line", text.size()));
      return existing;
    }
    return ReadJournalHeader(text, path).errors();
  }
  existing.header = lines.complete.front();
  Result<std::string> header_run = ReadJournalHeader(existing.header, path, &existing.version);
  if (!header_run.ok()) return header_run.errors();
  if (!run_id.empty() && header_run.value() != run_id) {
    return MakeError("this journal belongs to run \"" + header_run.value() + "\", not \"" +
                         run_id + "\"",
                     "", SourceLocation{path, 1, 0});
  }
  existing.run_id = header_run.value();
  if (lines.complete.size() > 1) {
    Result<JournalRecord> last = JournalRecordFromJsonLine(lines.complete.back());
    if (!last.ok()) {
      Error damaged = last.error();
      damaged.where = SourceLocation{path, static_cast<int>(lines.complete.size()), 0};
      return damaged;
    }
  }
  if (!lines.torn.empty()) warnings->push_back(TornWarning(path, "final line", lines.torn.size()));
  existing.keep = text.size() - lines.torn.size();
  return existing;
}

// Rewrites an older version's header in place with this build's (same length: only the version
// digit differs), so that the lines this build appends (`sent` lines, version 3) are never read
// under a header that does not announce them. A header of another shape is left alone.
Status UpgradeHeader(const std::string& path, const Existing& existing) {
  if (existing.version >= kJournalFormatVersion) return OkStatus();
  if (existing.header != JournalHeaderLine(existing.run_id, existing.version)) return OkStatus();
  const std::string header = JournalHeaderLine(existing.run_id);
  if (header.size() != existing.header.size()) return OkStatus();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return SystemError(path, "cannot open for writing", errno);
  const bool written =
      ::pwrite(fd, header.data(), header.size(), 0) == static_cast<ssize_t>(header.size()) &&
      ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  if (!written) return SystemError(path, "cannot rewrite the journal header", err);
  return OkStatus();
}

// Attempts with a pending judge check, held by the reader until the judge lines that decide
// them arrive; the rest, in journal order, at the end of the file.
class AwaitingJudges {
 public:
  void Hold(Attempt attempt) {
    index_[KeyOf(attempt.sample_id, attempt.candidate_id, attempt.repeat, attempt.step,
                 attempt.attempt)] = held_.size();
    held_.push_back(std::move(attempt));
  }
  /// Whether a held attempt waits for the verdict of its check `check`.
  bool Waits(const std::string& sample, const std::string& candidate, int repeat,
             const std::string& step, int attempt, int check) const {
    auto it = index_.find(KeyOf(sample, candidate, repeat, step, attempt));
    if (it == index_.end()) return false;  // an attempt handed over leaves the index
    const std::vector<CheckResult>& checks = held_[it->second]->checks;
    return check >= 0 && static_cast<size_t>(check) < checks.size() &&
           checks[static_cast<size_t>(check)].pending;
  }
  /// Attaches `call` to its attempt; false when no held attempt waits for its check. Sets
  /// `done` to the attempt once no check of it is pending.
  bool Attach(JudgeCall call, std::optional<Attempt>& done) {
    if (!Waits(call.sample_id, call.candidate_id, call.repeat, call.step, call.attempt,
               call.check)) {
      return false;
    }
    auto it =
        index_.find(KeyOf(call.sample_id, call.candidate_id, call.repeat, call.step, call.attempt));
    Attempt& attempt = *held_[it->second];
    if (call.verdict) ApplyJudgeVerdict(attempt, call.check, *call.verdict);
    attempt.judge_calls.push_back(std::move(call));
    if (AwaitingJudge(attempt)) return true;
    done = std::move(held_[it->second]);
    held_[it->second].reset();
    index_.erase(it);
    return true;
  }
  std::vector<Attempt> Release() {
    std::vector<Attempt> out;
    for (std::optional<Attempt>& attempt : held_) {
      if (attempt) out.push_back(std::move(*attempt));
    }
    held_.clear();
    index_.clear();
    return out;
  }

 private:
  static std::string KeyOf(const std::string& sample, const std::string& candidate, int repeat,
                           const std::string& step, int attempt) {
    return sample + '\x1f' + candidate + '\x1f' + std::to_string(repeat) + '\x1f' + step + '\x1f' +
           std::to_string(attempt);
  }
  std::vector<std::optional<Attempt>> held_;
  std::unordered_map<std::string, size_t> index_;
};

}  // namespace

// fsyncs a file descriptor on its own thread when asked; requests made while one runs are
// merged into the next. The first failure is kept for the writer to report.
struct JournalWriter::Syncer {
  explicit Syncer(int fd) : fd(fd), thread([this] { Loop(); }) {}
  ~Syncer() {
    {
      std::lock_guard<std::mutex> lock(mu);
      stopping = true;
    }
    wake.notify_one();
    thread.join();
  }
  void Request() {
    {
      std::lock_guard<std::mutex> lock(mu);
      requested = true;
    }
    wake.notify_one();
  }
  int TakeError() {
    std::lock_guard<std::mutex> lock(mu);
    return std::exchange(error, 0);
  }
  void Loop() {
    std::unique_lock<std::mutex> lock(mu);
    while (true) {
      wake.wait(lock, [this] { return requested || stopping; });
      if (!requested) return;
      requested = false;
      lock.unlock();
      const int err = ::fsync(fd) == 0 ? 0 : errno;
      lock.lock();
      if (error == 0) error = err;
    }
  }

  const int fd;
  std::mutex mu;
  std::condition_variable wake;
  bool requested = false;  // guarded by mu
  bool stopping = false;   // guarded by mu
  int error = 0;           // guarded by mu: errno of the first failed background fsync
  std::thread thread;      // last: starts once the fields above are ready
};

JournalWriter::JournalWriter(std::FILE* file, std::string path)
    : file_(file), syncer_(std::make_unique<Syncer>(::fileno(file))), path_(std::move(path)) {}

Result<std::unique_ptr<JournalWriter>> JournalWriter::Open(const std::string& path,
                                                           const std::string& run_id,
                                                           std::vector<std::string>* warnings,
                                                           int64_t sync_every) {
  std::vector<std::string> ignored;
  if (warnings == nullptr) warnings = &ignored;
  struct stat st;
  const bool exists = ::stat(path.c_str(), &st) == 0;
  size_t keep = 0;
  if (exists) {
    Result<Existing> checked = CheckExisting(path, run_id, warnings);
    if (!checked.ok()) return checked.errors();
    keep = checked->keep;
    Status upgraded = UpgradeHeader(path, *checked);
    if (!upgraded.ok()) return upgraded.errors();
    if (keep < static_cast<size_t>(st.st_size) &&
        ::truncate(path.c_str(), static_cast<off_t>(keep)) != 0) {
      return SystemError(path, "cannot cut off the torn final line", errno);
    }
  }
  Result<std::FILE*> file = OpenForAppend(path, exists ? 0 : O_CREAT | O_EXCL);
  if (!file.ok()) return file.errors();
  std::unique_ptr<JournalWriter> writer(new JournalWriter(file.value(), path));
  writer->sync_every_ = sync_every < 1 ? 1 : sync_every;
  writer->good_size_ = static_cast<int64_t>(keep);
  if (keep == 0) {
    Status header = WriteHeader(writer->file_, path, run_id);
    if (!header.ok()) return header.errors();
    writer->good_size_ = static_cast<int64_t>(JournalHeaderLine(run_id).size() + 1);
  } else if (exists && keep < static_cast<size_t>(st.st_size)) {
    Status synced = writer->Sync();
    if (!synced.ok()) return synced.errors();
  }
  return writer;
}

JournalWriter::~JournalWriter() {
  if (file_ == nullptr) return;
  syncer_.reset();  // waits for a background fsync in progress
  if (!failed_) static_cast<void>(Sync());  // a destructor has nowhere to report a failure
  std::fclose(file_);
}

Status JournalWriter::Append(const Attempt& attempt) {
  return AppendLine(AttemptToJsonLine(attempt));
}

Status JournalWriter::AppendJudgeCall(const JudgeCall& call) {
  return AppendLine(JudgeCallToJsonLine(call));
}

Status JournalWriter::AppendSent(const SentCall& call) {
  return AppendLine(SentCallToJsonLine(call));
}

Status JournalWriter::AppendSent(const std::vector<const SentCall*>& calls) {
  std::string text;
  for (const SentCall* call : calls) {
    text += SentCallToJsonLine(*call);
    text += '\n';
  }
  return AppendLines(text, static_cast<int64_t>(calls.size()));
}

Status JournalWriter::AppendLine(std::string line) {
  line += '\n';
  return AppendLines(line, 1);
}

Status JournalWriter::AppendLines(const std::string& text, int64_t lines) {
  if (failed_) {
    return MakeError("an earlier write failed; the journal takes no more lines", "",
                     SourceLocation{path_, 0, 0});
  }
  if (const int err = syncer_->TakeError(); err != 0) {
    return SystemError(path_, "cannot sync the journal", err);
  }
  if (text.empty()) return OkStatus();
  if (std::fwrite(text.data(), 1, text.size(), file_) != text.size() || std::fflush(file_) != 0) {
    const int err = errno;
    failed_ = true;
    // Cut off whatever part of the line reached the file, so the journal stays readable.
    std::clearerr(file_);
    if (::ftruncate(::fileno(file_), static_cast<off_t>(good_size_)) == 0) {
      ::fsync(::fileno(file_));
    }
    return SystemError(path_, "cannot append to the journal", err);
  }
  good_size_ += static_cast<int64_t>(text.size());
  lines_since_sync_ += lines;
  if (lines_since_sync_ >= sync_every_) {
    lines_since_sync_ = 0;
    syncer_->Request();
  }
  return OkStatus();
}

Status JournalWriter::Sync() {
  lines_since_sync_ = 0;
  if (std::fflush(file_) != 0 || ::fsync(::fileno(file_)) != 0) {
    return SystemError(path_, "cannot sync the journal", errno);
  }
  return OkStatus();
}

namespace {

Result<JournalSummary> ReadJournalLines(const std::string& path, const RunManifest* manifest,
                                        const std::function<void(Attempt&&)>& visit);

Result<JournalContents> ReadWholeJournal(const std::string& path, const RunManifest* manifest) {
  JournalContents out;
  Result<JournalSummary> summary = ReadJournalLines(
      path, manifest, [&out](Attempt&& a) { out.attempts.push_back(std::move(a)); });
  if (!summary.ok()) return summary.errors();
  out.run_id = std::move(summary->run_id);
  out.unanswered = std::move(summary->unanswered);
  out.dropped_bytes = summary->dropped_bytes;
  out.warnings = std::move(summary->warnings);
  return out;
}

// Reads records after the header, checking each (JournalChecker) and holding attempts that wait
// for their judges. Returns the error of the first record that cannot be.
class RecordReader {
 public:
  RecordReader(const std::string& path, const RunManifest* manifest, int version,
               const std::function<void(Attempt&&)>& visit, JournalSummary& out)
      : path_(path), checker_(manifest, version), visit_(visit), out_(out) {}

  Status Read(std::string_view text, int line) {
    Result<JournalRecord> record = JournalRecordFromJsonLine(text);
    if (!record.ok()) return Located(record.error(), line);
    std::optional<std::string> bad;
    if (Attempt* attempt = std::get_if<Attempt>(&record.value())) {
      bad = checker_.Attempt(*attempt);
      if (!bad && AwaitingJudge(*attempt)) {
        awaiting_.Hold(std::move(*attempt));
      } else if (!bad) {
        HandOver(std::move(*attempt));
      }
    } else if (SentCall* sent = std::get_if<SentCall>(&record.value())) {
      const bool waits =
          sent->check && awaiting_.Waits(sent->sample_id, sent->candidate_id, sent->repeat,
                                         sent->step, sent->attempt, *sent->check);
      bad = checker_.Sent(*sent, waits, line);
    } else {
      JudgeCall& call = std::get<JudgeCall>(record.value());
      const bool waits = awaiting_.Waits(call.sample_id, call.candidate_id, call.repeat,
                                         call.step, call.attempt, call.check);
      bad = checker_.Judge(call, waits);
      std::optional<Attempt> judged;
      if (!bad) awaiting_.Attach(std::move(call), judged);
      if (judged) HandOver(std::move(*judged));
    }
    if (bad) return Located(MakeError(*bad), line);
    return OkStatus();
  }

  /// At the end of the file: attempts whose judge never answered read as unjudged (their
  /// pending checks say so); the calls sent without an answer are listed.
  void Finish() {
    for (Attempt& attempt : awaiting_.Release()) HandOver(std::move(attempt));
    out_.unanswered = checker_.TakeUnanswered();
  }

 private:
  Error Located(Error error, int line) const {
    error.where = SourceLocation{path_, line, 0};
    return error;
  }
  void HandOver(Attempt&& attempt) {
    ++out_.attempts;
    visit_(std::move(attempt));
  }

  const std::string& path_;
  JournalChecker checker_;
  const std::function<void(Attempt&&)>& visit_;
  JournalSummary& out_;
  AwaitingJudges awaiting_;
};

Result<JournalSummary> ReadJournalLines(const std::string& path, const RunManifest* manifest,
                                        const std::function<void(Attempt&&)>& visit) {
  Result<std::unique_ptr<LineReader>> opened = LineReader::Open(path);
  if (!opened.ok()) return opened.errors();
  LineReader& reader = **opened;
  std::optional<std::string_view> header = reader.Next();
  const bool complete = header && header->ends_with('\n');
  int version = 0;
  // No complete line: a torn or missing header, a journal with no attempts.
  Result<std::string> run_id = ReadJournalHeader(
      complete ? header->substr(0, header->size() - 1) : header.value_or(""), path, &version);
  if (!run_id.ok()) return run_id.errors();
  if (manifest != nullptr && run_id.value() != manifest->run_id) {
    return MakeError("this journal belongs to run \"" + run_id.value() +
                         "\", but run.json is run \"" + manifest->run_id + "\"",
                     "", SourceLocation{path, 1, 0});
  }
  JournalSummary out{run_id.value()};
  if (!complete) return out;
  RecordReader records(path, manifest, version, visit, out);
  int line_number = 1;
  size_t torn_bytes = 0;
  while (std::optional<std::string_view> line = reader.Next()) {
    ++line_number;
    if (!line->ends_with('\n')) {  // bytes after the last newline: a write a crash cut short
      torn_bytes = line->size();
      break;
    }
    Status read = records.Read(line->substr(0, line->size() - 1), line_number);
    if (!read.ok()) return read.errors();
  }
  records.Finish();
  if (reader.failed()) return SystemError(path, "cannot read", errno);
  if (torn_bytes > 0) {
    out.dropped_bytes = static_cast<int64_t>(torn_bytes);
    out.warnings.push_back(TornWarning(path, "final line", torn_bytes));
  }
  return out;
}

}  // namespace

Result<JournalContents> ReadJournal(const std::string& path) {
  return ReadWholeJournal(path, nullptr);
}

Result<JournalContents> ReadJournal(const std::string& path, const RunManifest& manifest) {
  return ReadWholeJournal(path, &manifest);
}

Result<JournalSummary> ReadJournalEach(const std::string& path,
                                       const std::function<void(Attempt&&)>& visit) {
  return ReadJournalLines(path, nullptr, visit);
}

Result<JournalSummary> ReadJournalEach(const std::string& path, const RunManifest& manifest,
                                       const std::function<void(Attempt&&)>& visit) {
  return ReadJournalLines(path, &manifest, visit);
}

}  // namespace taskcost
