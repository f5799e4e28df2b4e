// The CSV dialect of Salesforce Bulk API 2.0 (RFC 4180, LF line endings):
// writing upload rows and reading result files.
#pragma once

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

}  // namespace backflow::destinations
