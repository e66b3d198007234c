// Reading XLSX: libzip opens the archive, libxml2 parses the SpreadsheetML parts. Only what the
// importer needs: the workbook's sheet list, the shared strings and each sheet's cells.
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <zip.h>

#include <charconv>
#include <limits>
#include <map>
#include <memory>
#include <optional>

#include "harness/core/formats/csv.h"
#include "harness/review/sheet_table.h"

namespace taskcost {
namespace {

constexpr zip_uint64_t kMaxPartBytes = 256ULL << 20;  // a larger part is refused (zip bomb)
constexpr int kMaxRow = 1'048'576;  // a spreadsheet's last row (Excel, LibreOffice)
constexpr int kMaxColumn = 16'383;  // 0-based: column XFD

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct DocFreer {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
using ZipPtr = std::unique_ptr<zip_t, ZipCloser>;
using DocPtr = std::unique_ptr<xmlDoc, DocFreer>;

// The bytes of one archive member; nullopt when absent or unreadable.
std::optional<std::string> ReadPart(zip_t* zip, const std::string& name) {
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_stat(zip, name.c_str(), 0, &stat) != 0 || !(stat.valid & ZIP_STAT_SIZE) ||
      stat.size > kMaxPartBytes) {
    return std::nullopt;
  }
  zip_file_t* file = zip_fopen(zip, name.c_str(), 0);
  if (file == nullptr) return std::nullopt;
  std::string bytes(stat.size, '\0');
  const zip_int64_t read = zip_fread(file, bytes.data(), stat.size);
  zip_fclose(file);
  if (read < 0 || static_cast<zip_uint64_t>(read) != stat.size) return std::nullopt;
  return bytes;
}

DocPtr ParseXml(const std::string& bytes) {
  return DocPtr(xmlReadMemory(bytes.data(), static_cast<int>(bytes.size()), "part.xml", nullptr,
                              XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR));
}

bool Is(const xmlNode* node, const char* name) {
  return node->type == XML_ELEMENT_NODE && xmlStrcmp(node->name, BAD_CAST name) == 0;
}

std::string Attribute(const xmlNode* node, const char* name) {
  xmlChar* value = xmlGetProp(node, BAD_CAST name);
  if (value == nullptr) return "";
  std::string out = reinterpret_cast<const char*>(value);
  xmlFree(value);
  return out;
}

std::string Content(const xmlNode* node) {
  xmlChar* value = xmlNodeGetContent(node);
  if (value == nullptr) return "";
  std::string out = reinterpret_cast<const char*>(value);
  xmlFree(value);
  return out;
}

void AppendUtf8(std::string& out, unsigned code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

// SpreadsheetML escapes characters XML cannot carry (a CR, control characters) as _xHHHH_.
std::string Unescape(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '_' && i + 6 < text.size() && text[i + 1] == 'x' && text[i + 6] == '_' &&
        text.substr(i + 2, 4).find_first_not_of("0123456789abcdefABCDEF") == std::string::npos) {
      AppendUtf8(out, static_cast<unsigned>(std::stoul(text.substr(i + 2, 4), nullptr, 16)));
      i += 6;
      continue;
    }
    out += text[i];
  }
  return out;
}

// The text of a string item (<si> or <is>): every <t>, in runs too, but not phonetic <rPh>.
std::string StringItem(const xmlNode* item) {
  std::string out;
  for (const xmlNode* child = item->children; child != nullptr; child = child->next) {
    if (Is(child, "t")) out += Unescape(Content(child));
    if (Is(child, "r")) out += StringItem(child);
  }
  return out;
}

std::vector<std::string> SharedStrings(zip_t* zip) {
  std::vector<std::string> strings;
  std::optional<std::string> bytes = ReadPart(zip, "xl/sharedStrings.xml");
  if (!bytes) return strings;
  DocPtr doc = ParseXml(*bytes);
  if (!doc) return strings;
  for (const xmlNode* si = xmlDocGetRootElement(doc.get())->children; si != nullptr;
       si = si->next) {
    if (Is(si, "si")) strings.push_back(StringItem(si));
  }
  return strings;
}

// 0-based column of a cell reference "AB12"; -1 when there are no letters; past kMaxColumn,
// kMaxColumn + 1.
int ColumnOf(const std::string& ref) {
  int column = 0;
  size_t i = 0;
  for (; i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z'; ++i) {
    column = column * 26 + (ref[i] - 'A' + 1);
    if (column > kMaxColumn + 1) return kMaxColumn + 1;
  }
  return i == 0 ? -1 : column - 1;
}

// A whole number of at most `max` written in decimal digits only; nullopt otherwise.
std::optional<int> Whole(const std::string& text, int max) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 0 ||
      value > max) {
    return std::nullopt;
  }
  return value;
}

std::string CellText(const xmlNode* cell, const std::vector<std::string>& shared) {
  const std::string type = Attribute(cell, "t");
  std::string value;
  for (const xmlNode* child = cell->children; child != nullptr; child = child->next) {
    if (Is(child, "v")) value = Content(child);
    if (Is(child, "is")) return StringItem(child);
  }
  if (type == "s") {  // an index past the shared strings (or past int) is an empty cell
    const std::optional<int> index = Whole(value, std::numeric_limits<int>::max());
    return index && static_cast<size_t>(*index) < shared.size() ? shared[*index] : "";
  }
  if (type == "b") return value == "1" ? "TRUE" : "FALSE";
  return value;  // n, str (a formula's text result), e (an error such as #N/A)
}

// The worksheet's rows; fails (the problem) on a row number that is not one of a spreadsheet.
Result<SheetTable> ReadWorksheet(const xmlDoc* doc, const std::vector<std::string>& shared) {
  SheetTable table;
  const xmlNode* root = xmlDocGetRootElement(const_cast<xmlDoc*>(doc));
  int next_row = 1;
  for (const xmlNode* part = root->children; part != nullptr; part = part->next) {
    if (!Is(part, "sheetData")) continue;
    for (const xmlNode* row = part->children; row != nullptr; row = row->next) {
      if (!Is(row, "row")) continue;
      const std::string number = Attribute(row, "r");
      const std::optional<int> line = number.empty() ? next_row : Whole(number, kMaxRow);
      if (!line || *line < 1 || *line > kMaxRow) {
        return MakeError(
            "row " +
            (number.empty() ? "after " + std::to_string(kMaxRow) : "number \"" + number + "\"") +
            " is not a row of a spreadsheet (1 to " + std::to_string(kMaxRow) + ")");
      }
      TableRow out;
      out.line = *line;
      next_row = out.line + 1;
      int next_column = 0;
      for (const xmlNode* cell = row->children; cell != nullptr; cell = cell->next) {
        if (!Is(cell, "c")) continue;
        int column = ColumnOf(Attribute(cell, "r"));
        if (column < 0) column = next_column;
        next_column = column + 1;
        if (column > kMaxColumn) continue;
        if (out.cells.size() <= static_cast<size_t>(column)) out.cells.resize(column + 1);
        out.cells[column] = CellText(cell, shared);
      }
      table.rows.push_back(std::move(out));
    }
  }
  return table;
}

// Sheet names and their parts, in workbook order, through workbook.xml and its relationships.
std::vector<std::pair<std::string, std::string>> SheetParts(zip_t* zip) {
  std::vector<std::pair<std::string, std::string>> parts;
  std::optional<std::string> book = ReadPart(zip, "xl/workbook.xml");
  std::optional<std::string> rels = ReadPart(zip, "xl/_rels/workbook.xml.rels");
  if (!book || !rels) return parts;
  DocPtr book_doc = ParseXml(*book), rels_doc = ParseXml(*rels);
  if (!book_doc || !rels_doc) return parts;
  std::map<std::string, std::string> targets;
  for (const xmlNode* r = xmlDocGetRootElement(rels_doc.get())->children; r != nullptr;
       r = r->next) {
    if (!Is(r, "Relationship")) continue;
    std::string target = Attribute(r, "Target");
    target = target.rfind('/', 0) == 0 ? target.substr(1) : "xl/" + target;
    targets[Attribute(r, "Id")] = target;
  }
  for (const xmlNode* part = xmlDocGetRootElement(book_doc.get())->children; part != nullptr;
       part = part->next) {
    if (!Is(part, "sheets")) continue;
    for (const xmlNode* sheet = part->children; sheet != nullptr; sheet = sheet->next) {
      if (!Is(sheet, "sheet")) continue;
      xmlChar* id = xmlGetNsProp(
          sheet, BAD_CAST "id",
          BAD_CAST "http://schemas.openxmlformats.org/officeDocument/2006/relationships");
      if (id == nullptr) continue;
      auto target = targets.find(reinterpret_cast<const char*>(id));
      xmlFree(id);
      if (target != targets.end()) parts.emplace_back(Attribute(sheet, "name"), target->second);
    }
  }
  return parts;
}

}  // namespace

Result<std::vector<SheetTable>> ReadXlsxTables(const std::string& path) {
  int error = 0;
  ZipPtr zip(zip_open(path.c_str(), ZIP_RDONLY, &error));
  if (!zip) {
    zip_error_t z;
    zip_error_init_with_code(&z, error);
    std::string why = zip_error_strerror(&z);
    zip_error_fini(&z);
    return MakeError(path + ": not a readable XLSX file (" + why + ")");
  }
  const std::vector<std::string> shared = SharedStrings(zip.get());
  const auto parts = SheetParts(zip.get());
  if (parts.empty()) return MakeError(path + ": not an XLSX workbook (no worksheets found)");
  std::vector<SheetTable> tables;
  for (const auto& [name, part] : parts) {
    std::optional<std::string> bytes = ReadPart(zip.get(), part);
    DocPtr doc = bytes ? ParseXml(*bytes) : nullptr;
    if (!doc) return MakeError(path + ": worksheet \"" + name + "\" cannot be read");
    Result<SheetTable> table = ReadWorksheet(doc.get(), shared);
    if (!table.ok())
      return MakeError(path + ": worksheet \"" + name + "\": " + table.error().message);
    table->name = name;
    tables.push_back(std::move(table).value());
  }
  return tables;
}

Result<SheetTable> ReadCsvTable(const std::string& text, const std::string& file) {
  Result<std::vector<CsvRecord>> records = ParseCsv(text, file);
  if (!records.ok()) return records.errors();
  SheetTable table;
  for (const CsvRecord& record : *records)
    table.rows.push_back(TableRow{record.line, record.fields});
  return table;
}

}  // namespace taskcost
