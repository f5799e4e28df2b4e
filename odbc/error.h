// The one exception type of the ODBC layer. It carries everything a caller
// needs to decide what to do and a user needs to fix it: the SQLSTATE, the
// driver's native code and full diagnostic text, which warehouse and query it
// came from, and whether retrying the run may succeed (transient()).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <sql.h>

namespace backflow::odbc {

// One diagnostic record of an ODBC handle (SQLGetDiagRec).
struct DiagnosticRecord {
  std::string sqlstate;  // five characters, e.g. "42P01"
  std::int32_t native_error = 0;
  std::string message;
};

class Error : public std::runtime_error {
 public:
  // `context` says where: "warehouse 'analytics': query 'select ...'".
  // `records` holds at least one record (the first is the primary one).
  Error(std::string context, std::vector<DiagnosticRecord> records);

  const std::string& sqlstate() const { return records_.front().sqlstate; }
  std::int32_t native_error() const { return records_.front().native_error; }
  // All diagnostic messages, joined with "; ".
  std::string driver_message() const;
  const std::string& context() const { return context_; }
  const std::vector<DiagnosticRecord>& records() const { return records_; }

  // True when the same operation may succeed later (lost connection, server
  // shutting down, timeout, serialization failure, too many connections);
  // false for errors that retrying cannot fix (syntax, permissions, data).
  bool transient() const { return transient_; }

 private:
  std::string context_;
  std::vector<DiagnosticRecord> records_;
  bool transient_;
};

// Classification behind Error::transient(), by SQLSTATE and, for the generic
// states drivers use for lost connections (HY000, 08S01), by message.
bool is_transient(std::string_view sqlstate, std::string_view message);

// Reads every diagnostic record of `handle` (none when it has none).
std::vector<DiagnosticRecord> read_diagnostics(SQLSMALLINT handle_type, SQLHANDLE handle);

// Builds the Error for a failed call on `handle`. When the handle has no
// diagnostics, `fallback_message` stands in (SQLSTATE HY000).
Error error_from_handle(SQLSMALLINT handle_type, SQLHANDLE handle, std::string context,
                        std::string_view fallback_message = "the ODBC call failed without diagnostics");

// A query shortened for error context: whitespace runs collapsed, cut at
// `max_chars` (on a UTF-8 boundary) with "..." appended.
std::string abbreviate_query(std::string_view sql, std::size_t max_chars = 200);

}  // namespace backflow::odbc
