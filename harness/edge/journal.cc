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

#include "harness/core/run_manifest.h"

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

// How many bytes at the end of a journal are a torn final line: bytes after the last newline,
// or else a last attempt line that does not parse. 0 when the tail is intact.
size_t TornTailBytes(const Lines& lines) {
  if (!lines.torn.empty()) return lines.torn.size();
  if (lines.complete.size() > 1 && !JournalRecordFromJsonLine(lines.complete.back()).ok()) {
    return lines.complete.back().size() + 1;
  }
  return 0;
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

// Checks an existing journal before appending to it and returns how many of its bytes to keep
// (a torn final line is cut off, with a warning).
Result<size_t> CheckExisting(const std::string& path, const std::string& run_id,
                             std::vector<std::string>* warnings) {
  Result<std::string> content = ReadFileBytes(path);
  if (!content.ok()) return content.errors();
  const std::string& text = content.value();
  const Lines lines = SplitLines(text);
  if (lines.complete.empty()) {
    // Only a torn header line (a crash while creating the file): start it again.
    if ((JournalHeaderLine(run_id) + "\n").starts_with(text)) {
      if (!text.empty()) warnings->push_back(TornWarning(path, "header line", text.size()));
      return size_t{0};
    }
    return ReadJournalHeader(text, path).errors();
  }
  Result<std::string> header_run = ReadJournalHeader(lines.complete.front(), path);
  if (!header_run.ok()) return header_run.errors();
  if (!run_id.empty() && header_run.value() != run_id) {
    return MakeError("this journal belongs to run \"" + header_run.value() + "\", not \"" +
                         run_id + "\"",
                     "", SourceLocation{path, 1, 0});
  }
  const size_t torn = TornTailBytes(lines);
  if (torn > 0) warnings->push_back(TornWarning(path, "final line", torn));
  return text.size() - torn;
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
  /// Attaches `call` to its attempt; false when no held attempt is its. Sets `done` to the
  /// attempt once no check of it is pending.
  bool Attach(JudgeCall call, std::optional<Attempt>& done) {
    auto it =
        index_.find(KeyOf(call.sample_id, call.candidate_id, call.repeat, call.step, call.attempt));
    if (it == index_.end()) return false;  // an attempt handed over leaves the index
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
    Result<size_t> checked = CheckExisting(path, run_id, warnings);
    if (!checked.ok()) return checked.errors();
    keep = checked.value();
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

Status JournalWriter::AppendLine(std::string line) {
  if (failed_) {
    return MakeError("an earlier write failed; the journal takes no more lines", "",
                     SourceLocation{path_, 0, 0});
  }
  if (const int err = syncer_->TakeError(); err != 0) {
    return SystemError(path_, "cannot sync the journal", err);
  }
  line += '\n';
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() ||
      std::fflush(file_) != 0) {
    const int err = errno;
    failed_ = true;
    // Cut off whatever part of the line reached the file, so the journal stays readable.
    std::clearerr(file_);
    if (::ftruncate(::fileno(file_), static_cast<off_t>(good_size_)) == 0) {
      ::fsync(::fileno(file_));
    }
    return SystemError(path_, "cannot append to the journal", err);
  }
  good_size_ += static_cast<int64_t>(line.size());
  if (++lines_since_sync_ >= sync_every_) {
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

Result<JournalContents> ReadJournal(const std::string& path) {
  JournalContents out;
  Result<JournalSummary> summary =
      ReadJournalEach(path, [&out](Attempt&& a) { out.attempts.push_back(std::move(a)); });
  if (!summary.ok()) return summary.errors();
  out.run_id = std::move(summary->run_id);
  out.dropped_bytes = summary->dropped_bytes;
  out.warnings = std::move(summary->warnings);
  return out;
}

Result<JournalSummary> ReadJournalEach(const std::string& path,
                                       const std::function<void(Attempt&&)>& visit) {
  Result<std::unique_ptr<LineReader>> opened = LineReader::Open(path);
  if (!opened.ok()) return opened.errors();
  LineReader& reader = **opened;
  std::optional<std::string_view> header = reader.Next();
  if (!header || !header->ends_with('\n')) {  // no complete line: a torn or missing header
    Result<std::string> run_id = ReadJournalHeader(header.value_or(""), path);
    if (!run_id.ok()) return run_id.errors();
    return JournalSummary{run_id.value()};
  }
  Result<std::string> run_id = ReadJournalHeader(header->substr(0, header->size() - 1), path);
  if (!run_id.ok()) return run_id.errors();
  JournalSummary out{run_id.value()};
  // A line that does not parse is a torn write only when it is the last one; it waits here
  // until the next line (damage) or the end of the file (torn) decides.
  std::optional<Error> bad_line;
  size_t bad_line_bytes = 0;
  int line_number = 1;
  AwaitingJudges awaiting;
  auto hand_over = [&](Attempt&& attempt) {
    ++out.attempts;
    visit(std::move(attempt));
  };
  while (std::optional<std::string_view> line = reader.Next()) {
    ++line_number;
    if (bad_line) return *bad_line;
    if (!line->ends_with('\n')) {  // bytes after the last newline
      bad_line_bytes = line->size();
      break;
    }
    Result<JournalRecord> record = JournalRecordFromJsonLine(line->substr(0, line->size() - 1));
    if (!record.ok()) {
      bad_line = record.error();
      bad_line->where = SourceLocation{path, line_number, 0};
      bad_line_bytes = line->size();
      continue;
    }
    if (Attempt* attempt = std::get_if<Attempt>(&record.value())) {
      if (AwaitingJudge(*attempt)) {
        awaiting.Hold(std::move(*attempt));
      } else {
        hand_over(std::move(*attempt));
      }
      continue;
    }
    JudgeCall& call = std::get<JudgeCall>(record.value());
    std::optional<Attempt> judged;
    if (!awaiting.Attach(std::move(call), judged)) {
      out.warnings.push_back(path + ":" + std::to_string(line_number) +
                             ": a judge call for an attempt that awaits no verdict; ignored");
    }
    if (judged) hand_over(std::move(*judged));
  }
  // Attempts whose judge never answered read as unjudged (their pending checks say so).
  for (Attempt& attempt : awaiting.Release()) hand_over(std::move(attempt));
  if (reader.failed()) return SystemError(path, "cannot read", errno);
  if (bad_line_bytes > 0) {
    out.dropped_bytes = static_cast<int64_t>(bad_line_bytes);
    out.warnings.push_back(TornWarning(path, "final line", bad_line_bytes));
  }
  return out;
}

}  // namespace taskcost
