#include "harness/core/formats/csv.h"

namespace taskcost {
namespace {

class CsvParser {
 public:
  CsvParser(std::string_view text, const std::string& file, size_t max_fields)
      : text_(text), file_(file), max_fields_(max_fields) {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
  }

  Status Parse(const std::function<bool(CsvRecord&&)>& each) {
    while (pos_ < text_.size()) {
      if (AtLineEnd()) {  // blank line
        ConsumeLineEnd();
        continue;
      }
      CsvRecord record{line_, {}};
      if (!ParseRecord(record.fields)) return error_;
      if (!each(std::move(record))) break;
    }
    return OkStatus();
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
      if (fields.size() == max_fields_) {
        return Fail(record_line, "line " + std::to_string(record_line) + " has more than " +
                                     std::to_string(max_fields_) + " fields");
      }
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
  size_t max_fields_;
  size_t pos_ = 0;
  int line_ = 1;
  Error error_;
};

}  // namespace

Result<std::vector<CsvRecord>> ParseCsv(std::string_view text, const std::string& file) {
  std::vector<CsvRecord> records;
  Status parsed =
      ForEachCsvRecord(text, file, std::numeric_limits<size_t>::max(), [&](CsvRecord&& record) {
        records.push_back(std::move(record));
        return true;
      });
  if (!parsed.ok()) return parsed.errors();
  return records;
}

Status ForEachCsvRecord(std::string_view text, const std::string& file, size_t max_fields,
                        const std::function<bool(CsvRecord&&)>& each) {
  return CsvParser(text, file, max_fields).Parse(each);
}

}  // namespace taskcost
