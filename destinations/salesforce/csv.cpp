#include "destinations/salesforce/csv.h"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "mappers/exact_number.h"
#include "mappers/json_writer.h"

namespace backflow::destinations {

void append_csv_field(const std::string& value, std::string& out) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) {
    out += value;
    return;
  }
  out += '"';
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

std::string bulk_csv_value(const nlohmann::json& value) {
  if (value.is_null()) return "#N/A";
  if (auto exact = mappers::exact_number_text(value)) return std::string(*exact);
  if (value.is_string()) return value.get<std::string>();
  std::string text;
  mappers::write_json(value, text);
  return text;
}

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  bool row_started = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      row_started = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      row_started = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (row_started || !field.empty()) {
        row.push_back(std::move(field));
        rows.push_back(std::move(row));
      }
      field.clear();
      row.clear();
      row_started = false;
    } else {
      field += c;
      row_started = true;
    }
  }
  if (row_started || !field.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

BulkCsvBuilder::BulkCsvBuilder(std::string key_column) : key_column_(std::move(key_column)) { reset(); }

bool BulkCsvBuilder::add(const nlohmann::json& fields, std::size_t limit) {
  std::vector<std::string> added;  // columns this record brings
  std::string added_header;
  if (fields.is_object()) {
    for (const auto& [name, value] : fields.items()) {
      (void)value;
      if (column_at_.find(name) != column_at_.end()) continue;
      added.push_back(name);
      added_header += ',';
      append_csv_field(name, added_header);
    }
  }
  const std::size_t width = columns_.size() + added.size();
  std::string row;
  for (std::size_t c = 0; c < width; ++c) {
    if (c != 0) row += ',';
    if (!fields.is_object()) continue;
    const std::string& name = c < columns_.size() ? columns_[c] : added[c - columns_.size()];
    if (auto it = fields.find(name); it != fields.end()) append_csv_field(bulk_csv_value(*it), row);
  }
  // The upload with this row: every row, this one included, padded to `width` fields.
  const std::size_t row_count = rows_.size() + 1;
  const std::size_t padding = rows_.size() * width - rendered_fields_;
  const std::size_t after =
      header_.size() + added_header.size() + 1 + text_.size() + row.size() + padding + row_count;
  if (after > limit) return false;

  for (auto& name : added) {
    column_at_.emplace(name, columns_.size());
    columns_.push_back(std::move(name));
  }
  header_ += added_header;
  text_ += row;
  rows_.push_back(Row{text_.size(), static_cast<std::uint32_t>(width)});
  rendered_fields_ += width;
  return true;
}

std::size_t BulkCsvBuilder::size() const {
  const std::size_t padding = rows_.size() * columns_.size() - rendered_fields_;
  return header_.size() + 1 + text_.size() + padding + rows_.size();
}

std::string BulkCsvBuilder::finish() {
  const std::size_t width = columns_.size();
  const std::size_t total = size();
  std::string out = std::move(text_);
  out.resize(total);
  // Each row moves towards the end (the header and the padding of the rows
  // before it only add bytes), so moving from the last row to the first
  // never overwrites text that has not moved yet. No second copy of the
  // upload is needed.
  std::size_t write_end = total;
  for (std::size_t r = rows_.size(); r-- > 0;) {
    const std::size_t begin = r == 0 ? 0 : rows_[r - 1].end;
    const std::size_t length = rows_[r].end - begin;
    const std::size_t padding = width - rows_[r].columns;
    write_end -= length + padding + 1;
    std::memmove(out.data() + write_end, out.data() + begin, length);
    std::fill_n(out.begin() + static_cast<std::ptrdiff_t>(write_end + length), padding, ',');
    out[write_end + length + padding] = '\n';
  }
  assert(write_end == header_.size() + 1);
  std::copy(header_.begin(), header_.end(), out.begin());
  out[header_.size()] = '\n';
  reset();
  return out;
}

void BulkCsvBuilder::reset() {
  columns_.assign(1, key_column_);
  column_at_.clear();
  column_at_.emplace(key_column_, 0);
  header_.clear();
  append_csv_field(key_column_, header_);
  text_.clear();
  rows_.clear();
  rendered_fields_ = 0;
}

}  // namespace backflow::destinations
