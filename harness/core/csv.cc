#include "harness/core/csv.h"

namespace taskcost {
namespace {

class CsvParser {
 public:
  CsvParser(std::string_view text, const std::string& file) : text_(text), file_(file) {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
  }

  Result<std::vector<CsvRecord>> Parse() {
    std::vector<CsvRecord> records;
    while (pos_ < text_.size()) {
      if (AtLineEnd()) {  // blank line
        ConsumeLineEnd();
        continue;
      }
      CsvRecord record{line_, {}};
      if (!ParseRecord(record.fields)) return error_;
      records.push_back(std::move(record));
    }
    return records;
  }

 private:
  bool AtLineEnd() const {
    return text_[pos_] == '\n' ||
           (text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n');
  }

  void ConsumeLineEnd() {
    pos_ += text_[pos_] == '\r' ? 2 : 1;
    ++line_;
  }

  bool ParseRecord(std::vector<std::string>& fields) {
    const int record_line = line_;
    while (true) {
      std::string field;
      if (pos_ < text_.size() && text_[pos_] == '"') {
        if (!ParseQuoted(field, record_line)) return false;
      } else {
        ParseUnquoted(field);
      }
      fields.push_back(std::move(field));
      if (pos_ < text_.size() && text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < text_.size()) ConsumeLineEnd();
      return true;
    }
  }

  void ParseUnquoted(std::string& field) {
    while (pos_ < text_.size() && text_[pos_] != ',' && !AtLineEnd()) field += text_[pos_++];
  }

  bool ParseQuoted(std::string& field, int record_line) {
    const int opened_on = line_;
    ++pos_;  // opening quote
    while (true) {
      if (pos_ >= text_.size()) {
        return Fail(record_line, "the quoted field opened on line " + std::to_string(opened_on) +
                                     " is never closed");
      }
      char c = text_[pos_++];
      if (c == '"') {
        if (pos_ < text_.size() && text_[pos_] == '"') {
          field += '"';
          ++pos_;
          continue;
        }
        break;
      }
      if (c == '\n') ++line_;
      field += c;
    }
    if (pos_ < text_.size() && text_[pos_] != ',' && !AtLineEnd()) {
      return Fail(line_,
                  "unexpected text after a closing quote (write a quote inside a quoted "
                  "field as \"\")");
    }
    return true;
  }

  bool Fail(int line, std::string message) {
    error_ = MakeError(std::move(message), "", {file_, line, 0});
    return false;
  }

  std::string_view text_;
  const std::string& file_;
  size_t pos_ = 0;
  int line_ = 1;
  Error error_;
};

}  // namespace

Result<std::vector<CsvRecord>> ParseCsv(std::string_view text, const std::string& file) {
  return CsvParser(text, file).Parse();
}

}  // namespace taskcost
