// The review_xlsx target's input format (docs/fuzzing.md): an XLSX workbook's parts written as
// text, zipped here. Header-only, so that a regression test builds the same archive from a
// finding's bytes. Test-only.
#pragma once

#include <zip.h>

#include <string>
#include <string_view>

namespace taskcost::fuzz {

/// The parts of an XLSX workbook written as text, separated by lines "@@part@@", in this order
/// (missing parts are empty).
inline constexpr const char* kXlsxParts[] = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                                             "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"};

/// Writes the workbook whose parts `text` holds (see kXlsxParts) as a zip archive at `path`,
/// each part stored uncompressed. False when the archive cannot be written.
inline bool WriteXlsxParts(std::string_view text, const std::string& path) {
  constexpr std::string_view kSeparator = "\n@@part@@\n";
  int error = 0;
  zip_t* zip = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  if (zip == nullptr) return false;
  for (const char* name : kXlsxParts) {
    const size_t end = text.find(kSeparator);
    const std::string_view part = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + kSeparator.size());
    zip_source_t* source = zip_source_buffer(zip, part.data(), part.size(), 0);
    const zip_int64_t index =
        source == nullptr ? -1 : zip_file_add(zip, name, source, ZIP_FL_OVERWRITE);
    if (index < 0) {
      zip_source_free(source);
      zip_discard(zip);
      return false;
    }
    zip_set_file_compression(zip, static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0);
  }
  if (zip_close(zip) != 0) {
    zip_discard(zip);
    return false;
  }
  return true;
}

}  // namespace taskcost::fuzz
