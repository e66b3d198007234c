// ParseYaml: a user's YAML text checked before yaml-cpp builds its tree. The text must be UTF-8
// without control characters, one document, at most kMaxYamlDepth deep and at most
// kMaxYamlValues values counted after aliases are expanded (a "billion laughs" file is a few
// lines); a syntax error points at the line that causes it.
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <sstream>
#include <vector>

#include "harness/core/formats/user_files.h"
#include "harness/core/formats/utf8.h"
#include "harness/core/formats/yaml_util.h"

namespace taskcost {
namespace {

SourceLocation At(const std::string& file, const YAML::Mark& mark) {
  if (mark.is_null()) return {file, 0, 0};
  return {file, mark.line + 1, mark.column + 1};
}

// NUL and other control characters (tab, line feed and carriage return aside), and bytes that
// are not UTF-8: YAML is Unicode text, and yaml-cpp would read such bytes without a word.
std::optional<Error> CheckText(std::string_view text, const std::string& file) {
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", c);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      return MakeError(std::string(c == 0 ? "a NUL byte (0x00)" : "control character ") +
                           (c == 0 ? "" : hex) + " in the text; a YAML file holds text only",
                       "", LocationAt(text, i, {file, 1, 0}));
    }
    const size_t length = Utf8SequenceLength(text, i);
    if (length == 0) {
      return MakeError(std::string("not valid UTF-8 (byte ") + hex + "); save the file as UTF-8",
                       "", LocationAt(text, i, {file, 1, 0}));
    }
    i += length;
  }
  return std::nullopt;
}

struct ShapeProblem {
  Error error;
};

// yaml-cpp's parse events, counted: depth, values with every alias expanded, documents. Throws
// ShapeProblem at the first limit passed. Also keeps the open flow collections, so that "end of
// ... flow not found" can point at the bracket that is never closed.
class ShapeCheck : public YAML::EventHandler {
 public:
  explicit ShapeCheck(std::string file) : file_(std::move(file)) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ == 2) {
      Stop(mark,
           "a second YAML document starts here; the file must hold one document (remove "
           "the --- line or what follows it)");
    }
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { Leaf(mark, anchor); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                const std::string&) override {
    Leaf(mark, anchor);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    for (const Frame& frame : frames_) {
      if (frame.anchor == anchor && anchor != YAML::NullAnchor) {
        Stop(mark, "this alias refers to a value that contains it");
      }
    }
    auto size = sizes_.find(anchor);
    Add(mark, size == sizes_.end() ? 1 : size->second);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override {
    Open(mark, anchor, style == YAML::EmitterStyle::Flow ? '[' : 0);
  }
  void OnSequenceEnd() override { Close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override {
    Open(mark, anchor, style == YAML::EmitterStyle::Flow ? '{' : 0);
  }
  void OnMapEnd() override { Close(); }

  /// The innermost flow collection still open ('[' or '{'), and where it opened.
  std::optional<std::pair<char, YAML::Mark>> OpenFlow() const {
    for (auto it = frames_.rbegin(); it != frames_.rend(); ++it) {
      if (it->bracket != 0) return std::pair{it->bracket, it->mark};
    }
    return std::nullopt;
  }

 private:
  struct Frame {
    YAML::Mark mark;
    YAML::anchor_t anchor;
    char bracket;       // '[' or '{' for a flow collection, else 0
    size_t values = 1;  // the collection itself and everything in it, aliases expanded
  };

  [[noreturn]] void Stop(const YAML::Mark& mark, std::string message) {
    throw ShapeProblem{MakeError(std::move(message), "", At(file_, mark))};
  }
  void Add(const YAML::Mark& mark, size_t values) {
    if (!frames_.empty()) frames_.back().values += values;
    total_ += values;
    if (total_ > kMaxYamlValues) {
      Stop(mark, "the file holds more than " + std::to_string(kMaxYamlValues) +
                     " values (aliases counted at every use)");
    }
  }
  void Leaf(const YAML::Mark& mark, YAML::anchor_t anchor) {
    Add(mark, 1);
    if (anchor != YAML::NullAnchor) sizes_[anchor] = 1;
  }
  void Open(const YAML::Mark& mark, YAML::anchor_t anchor, char bracket) {
    if (frames_.size() >= static_cast<size_t>(kMaxYamlDepth)) {
      Stop(mark, "nested more than " + std::to_string(kMaxYamlDepth) + " levels deep");
    }
    Add(mark, 1);
    frames_.push_back(Frame{mark, anchor, bracket});
  }
  void Close() {
    const Frame done = frames_.back();
    frames_.pop_back();
    if (done.anchor != YAML::NullAnchor) sizes_[done.anchor] = done.values;
    if (!frames_.empty()) frames_.back().values += done.values - 1;  // the 1 was added at Open
  }

  std::string file_;
  int documents_ = 0;
  size_t total_ = 0;
  std::vector<Frame> frames_;
  std::map<YAML::anchor_t, size_t> sizes_;
};

std::string_view LineOf(std::string_view text, int line) {  // 1-based; "" past the end
  size_t start = 0;
  for (int i = 1; i < line; ++i) {
    start = text.find('\n', start);
    if (start == std::string_view::npos) return {};
    ++start;
  }
  return text.substr(start, text.find('\n', start) - start);
}

size_t Indent(std::string_view line) { return std::min(line.find_first_not_of(' '), line.size()); }

// "illegal map value" at a key whose line follows lines without a colon at the same indentation:
// yaml-cpp read those lines and this key as one multi-line plain text, so the line at fault is
// the first of them ("unit task" where "unit: task" was meant).
std::optional<int> LineMissingColon(std::string_view text, int error_line) {
  const std::string_view at = LineOf(text, error_line);
  int found = 0;
  for (int line = error_line - 1; line >= 1; --line) {
    const std::string_view before = LineOf(text, line);
    const std::string_view content = before.substr(Indent(before));
    if (content.empty() || content.front() == '#') continue;
    if (Indent(before) != Indent(at) || content.find(':') != std::string_view::npos ||
        content.front() == '-' || content.front() == '[' || content.front() == '{') {
      break;
    }
    found = line;
  }
  if (found == 0) return std::nullopt;
  return found;
}

// yaml-cpp's syntax error, pointed at its cause where yaml-cpp's mark is later than it.
Error SyntaxError(const YAML::Exception& e, const ShapeCheck& shape, std::string_view text,
                  const std::string& file) {
  Error error = LibraryError(e, file);
  const std::string stopped = " (yaml-cpp: " + e.msg + " at line " +
                              std::to_string(error.where.line) + ", column " +
                              std::to_string(error.where.column) + ")";
  if (e.msg == YAML::ErrorMsg::END_OF_MAP_FLOW || e.msg == YAML::ErrorMsg::END_OF_SEQ_FLOW) {
    if (auto open = shape.OpenFlow()) {
      return MakeError(std::string("this ") + open->first + " is never closed" + stopped, "",
                       At(file, open->second));
    }
  }
  if (e.msg == YAML::ErrorMsg::MAP_VALUE && !e.mark.is_null()) {
    if (std::optional<int> line = LineMissingColon(text, e.mark.line + 1)) {
      const std::string_view content = LineOf(text, *line);
      return MakeError(
          "expected \"key: value\", but this line has no colon, so the lines after "
          "it were read as part of it" +
              stopped,
          "", {file, *line, static_cast<int>(Indent(content)) + 1});
    }
  }
  return error;
}

}  // namespace

Error LibraryError(const YAML::Exception& e, const std::string& file) {
  const SourceLocation where = At(file, e.mark);
  if (dynamic_cast<const YAML::DeepRecursion*>(&e) != nullptr) {
    return MakeError("nested too deeply to read", "", where);  // yaml-cpp says "bad file"
  }
  return MakeError(e.msg, "", where);
}

Result<YAML::Node> ParseYaml(const std::string& text, const std::string& file) {
  if (std::optional<Error> bad = CheckText(text, file)) return *bad;
  ShapeCheck shape(file);
  try {
    std::istringstream in(text);
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(shape)) {
    }
  } catch (const ShapeProblem& problem) {
    return problem.error;
  } catch (const YAML::Exception& e) {
    return SyntaxError(e, shape, text, file);
  }
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return LibraryError(e, file);
  }
}

}  // namespace taskcost
