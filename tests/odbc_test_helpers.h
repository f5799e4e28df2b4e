// Small helpers shared by the ODBC tests.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "odbc/connection.h"

namespace backflow::test {

// Resident set size of this process in KiB (VmRSS, or VmHWM for the peak).
inline std::int64_t proc_status_kib(const std::string& key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) == 0) return std::stoll(line.substr(key.size() + 1));
  }
  return -1;
}

// Every row of a query (for small results).
inline std::vector<Row> read_all(odbc::Connection& conn, const std::string& sql,
                                 const std::vector<Value>& params = {}) {
  auto reader = conn.query(sql, params);
  std::vector<Row> rows;
  Row row;
  while (reader.next(row)) rows.push_back(row);
  return rows;
}

// The single value of a one-row, one-column query.
inline Value read_one(odbc::Connection& conn, const std::string& sql, const std::vector<Value>& params = {}) {
  auto rows = read_all(conn, sql, params);
  if (rows.size() != 1 || rows[0].size() != 1) throw std::runtime_error("expected one value from: " + sql);
  return rows[0][0];
}

// A UTF-8 string of about `bytes` bytes mixing ASCII, accents, CJK and
// emoji (surrogate pairs in UTF-16), so piecewise reads can split anywhere.
inline std::string mixed_utf8_text(std::size_t bytes) {
  const std::string pattern = "abc é 漢字 😀 xyz 0123456789 ";
  std::string out;
  out.reserve(bytes + pattern.size());
  while (out.size() < bytes) out += pattern;
  return out;
}

}  // namespace backflow::test
