#include "harness/core/formats/user_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace taskcost {
namespace {

// What a file that is not a regular file is, for the refusal.
const char* KindOf(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

std::string TooLarge(const std::string& size, size_t max_bytes) {
  const bool mebibytes = max_bytes % (size_t{1} << 20) == 0;
  return "the file is " + size + " bytes; at most " + std::to_string(max_bytes) +
         (mebibytes ? " (" + std::to_string(max_bytes >> 20) + " MiB)" : "") + " are read";
}

// Closes a descriptor on every path out.
class Descriptor {
 public:
  explicit Descriptor(int fd) : fd_(fd) {}
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

Result<std::string> ReadUserFile(const std::string& path, size_t max_bytes) {
  const SourceLocation where{path, 0, 0};
  // O_NONBLOCK: opening a FIFO without a writer returns at once instead of waiting for one.
  Descriptor fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) {
    if (errno == EISDIR) return MakeError("cannot read file (it is a directory)", "", where);
    return MakeError(std::string("cannot read file (") + std::strerror(errno) + ")", "", where);
  }
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) {
    return MakeError(std::string("cannot read file (") + std::strerror(errno) + ")", "", where);
  }
  if (S_ISDIR(info.st_mode)) return MakeError("cannot read file (it is a directory)", "", where);
  if (!S_ISREG(info.st_mode)) {
    return MakeError(
        std::string("cannot read file (it is ") + KindOf(info.st_mode) + ", not a regular file)",
        "", where);
  }
  if (static_cast<uint64_t>(info.st_size) > max_bytes) {
    return MakeError(TooLarge(std::to_string(info.st_size), max_bytes), "", where);
  }
  std::string bytes(static_cast<size_t>(info.st_size), '\0');
  size_t filled = 0;
  while (true) {  // the size may change while it is read: never past max_bytes
    if (filled == bytes.size()) bytes.resize(std::min(max_bytes + 1, bytes.size() + 65536));
    const ssize_t got = ::read(fd.get(), bytes.data() + filled, bytes.size() - filled);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      return MakeError(std::string("cannot read file (") + std::strerror(errno) + ")", "", where);
    }
    if (got == 0) break;
    filled += static_cast<size_t>(got);
    if (filled > max_bytes) {
      return MakeError(TooLarge("more than " + std::to_string(max_bytes), max_bytes), "", where);
    }
  }
  bytes.resize(filled);
  return bytes;
}

std::string DirectoryOf(const std::string& file_path) {
  return std::filesystem::path(file_path).parent_path().string();
}

std::string ResolvePath(const std::string& base_dir, const std::string& written) {
  std::filesystem::path path(written);
  if (path.is_absolute() || base_dir.empty()) return path.lexically_normal().string();
  return (std::filesystem::path(base_dir) / path).lexically_normal().string();
}

std::string AbsolutePath(const std::string& path) {
  if (path.empty()) return path;
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(path, ec);
  if (ec) return path;
  return absolute.lexically_normal().string();
}

SourceLocation LocationAt(std::string_view text, size_t offset, const SourceLocation& start) {
  SourceLocation where = start;
  if (start.line == 0) return where;
  offset = std::min(offset, text.size());
  const std::string_view before = text.substr(0, offset);
  const size_t newlines = static_cast<size_t>(std::count(before.begin(), before.end(), '\n'));
  const size_t last = before.rfind('\n');
  where.line = start.line + static_cast<int>(newlines);
  if (last == std::string_view::npos) {
    where.column = std::max(start.column, 1) + static_cast<int>(offset);
  } else {
    where.column = static_cast<int>(offset - last);
  }
  return where;
}

}  // namespace taskcost
