// The CSV dialect of Salesforce Bulk API 2.0 (RFC 4180, LF line endings):
// writing upload rows and reading result files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace backflow::destinations {

// One field, quoted when it holds a comma, quote, CR or LF.
void append_csv_field(const std::string& value, std::string& out);

// A JSON field value as Bulk API CSV text: null as "#N/A" (clears the
// field), exact decimals digit for digit, strings as they are, others in
// their JSON spelling.
std::string bulk_csv_value(const nlohmann::json& value);

// Parses a whole CSV document into rows of fields (quoted fields may hold
// newlines). A trailing newline does not make an empty row.
std::vector<std::vector<std::string>> parse_csv(const std::string& text);

// Builds the CSV of one Bulk API upload from records whose field sets may
// differ, keeping its exact size known so the caller can stop before a
// limit. The header is the union of the records' field names: the key
// column first, the others in the order they first appear. A record lacking
// a column gets an empty field there (Salesforce leaves the field as it is).
// Rows are rendered as they are added, so a record's JSON is not needed
// afterwards; finish() pads the rows written before a later column appeared,
// in place. Memory: about size() bytes plus 16 per row. Not thread-safe.
class BulkCsvBuilder {
 public:
  explicit BulkCsvBuilder(std::string key_column);

  // Adds `fields` (a JSON object; anything else is a row of empty fields)
  // as one row and returns true when the upload then stays within `limit`
  // bytes; otherwise leaves the builder as it was and returns false.
  bool add(const nlohmann::json& fields, std::size_t limit);

  // Bytes finish() would return: header, rows, padding and line ends.
  std::size_t size() const;
  std::size_t rows() const { return rows_.size(); }

  // The upload (header line, then one line per row, LF-terminated), and
  // the builder empty again with only the key column.
  std::string finish();

 private:
  void reset();  // empty, with only the key column

  struct Row {
    std::size_t end = 0;          // where its text ends in text_
    std::uint32_t columns = 0;    // fields it was rendered with (the columns known then)
  };

  std::string key_column_;
  std::vector<std::string> columns_;
  std::map<std::string, std::size_t, std::less<>> column_at_;
  std::string header_;  // without its line end
  std::string text_;    // the rows' fields back to back, without padding or line ends
  std::vector<Row> rows_;
  std::uint64_t rendered_fields_ = 0;  // sum of Row::columns
};

}  // namespace backflow::destinations
