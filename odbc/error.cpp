#include "odbc/error.h"
#include "common/text.h"

#include <algorithm>
#include <array>
#include <cctype>

#include <sqlext.h>

namespace backflow::odbc {

namespace {

std::string format_what(const std::string& context, const std::vector<DiagnosticRecord>& records) {
  std::string out = context + ": ";
  bool first = true;
  for (const auto& r : records) {
    if (!first) out += "; ";
    first = false;
    out += "[SQLSTATE " + r.sqlstate + ", native " + std::to_string(r.native_error) + "] " + r.message;
  }
  return out;
}

bool any_transient(const std::vector<DiagnosticRecord>& records) {
  return std::any_of(records.begin(), records.end(),
                     [](const DiagnosticRecord& r) { return is_transient(r.sqlstate, r.message); });
}

}  // namespace

Error::Error(std::string context, std::vector<DiagnosticRecord> records)
    : std::runtime_error(format_what(context, records.empty()
                                                  ? std::vector<DiagnosticRecord>{{"HY000", 0, "unknown error"}}
                                                  : records)),
      context_(std::move(context)),
      records_(std::move(records)) {
  if (records_.empty()) records_.push_back({"HY000", 0, "unknown error"});
  transient_ = any_transient(records_);
}

std::string Error::driver_message() const {
  std::string out;
  for (const auto& r : records_) {
    if (!out.empty()) out += "; ";
    out += r.message;
  }
  return out;
}

bool is_transient(std::string_view sqlstate, std::string_view message) {
  if (sqlstate.size() >= 2 && sqlstate.substr(0, 2) == "08") {
    // Connection exceptions are transient, except the ones psqlODBC also
    // reports as 08001 that only a config change can fix.
    static constexpr std::array<std::string_view, 5> kMisconfigured{
        "does not exist",  // role or database
        "authentication failed", "no pg_hba.conf entry", "invalid port number", "invalid connection option",
    };
    return std::none_of(kMisconfigured.begin(), kMisconfigured.end(),
                        [&](std::string_view needle) { return text::icontains(message, needle); });
  }
  static constexpr std::array<std::string_view, 9> kTransientStates{
      "57P01", "57P02", "57P03",  // admin / crash shutdown, cannot connect now
      "57014",                    // statement cancelled (PostgreSQL's statement timeout)
      "40001", "40P01",           // serialization failure, deadlock
      "HYT00", "HYT01",           // timeouts
      "53300",                    // too many connections
  };
  if (std::find(kTransientStates.begin(), kTransientStates.end(), sqlstate) != kTransientStates.end()) {
    return true;
  }
  if (sqlstate == "HY000" || sqlstate == "08S01" || sqlstate.empty()) {
    // psqlODBC reports a dropped socket as HY000 with libpq's wording.
    static constexpr std::array<std::string_view, 9> kLostConnection{
        "could not send query",  "server closed the connection", "no connection to the server",
        "connection to server",  "terminating connection",       "could not receive data",
        "communication link",    "connection reset",             "broken pipe",
    };
    return std::any_of(kLostConnection.begin(), kLostConnection.end(),
                       [&](std::string_view needle) { return text::icontains(message, needle); });
  }
  return false;
}

std::vector<DiagnosticRecord> read_diagnostics(SQLSMALLINT handle_type, SQLHANDLE handle) {
  std::vector<DiagnosticRecord> records;
  if (handle == SQL_NULL_HANDLE) return records;
  for (SQLSMALLINT i = 1;; ++i) {
    SQLCHAR state[6] = {};
    SQLINTEGER native = 0;
    std::string message(1024, '\0');
    SQLSMALLINT length = 0;
    SQLRETURN rc = SQLGetDiagRec(handle_type, handle, i, state, &native,
                                 reinterpret_cast<SQLCHAR*>(message.data()),
                                 static_cast<SQLSMALLINT>(message.size()), &length);
    if (rc == SQL_SUCCESS_WITH_INFO && static_cast<std::size_t>(length) >= message.size()) {
      message.assign(static_cast<std::size_t>(length) + 1, '\0');
      rc = SQLGetDiagRec(handle_type, handle, i, state, &native, reinterpret_cast<SQLCHAR*>(message.data()),
                         static_cast<SQLSMALLINT>(message.size()), &length);
    }
    if (!SQL_SUCCEEDED(rc)) break;
    message.resize(std::min(static_cast<std::size_t>(length), message.size()));
    while (!message.empty() && (message.back() == '\n' || message.back() == '\0')) message.pop_back();
    records.push_back({reinterpret_cast<const char*>(state), static_cast<std::int32_t>(native), std::move(message)});
  }
  return records;
}

Error error_from_handle(SQLSMALLINT handle_type, SQLHANDLE handle, std::string context,
                        std::string_view fallback_message) {
  auto records = read_diagnostics(handle_type, handle);
  if (records.empty()) records.push_back({"HY000", 0, std::string(fallback_message)});
  return Error(std::move(context), std::move(records));
}

std::string abbreviate_query(std::string_view sql, std::size_t max_chars) {
  std::string out;
  bool in_space = false;
  for (char c : sql) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      in_space = true;
      continue;
    }
    if (in_space && !out.empty()) out += ' ';
    in_space = false;
    out += c;
  }
  if (out.size() <= max_chars) return out;
  std::size_t cut = max_chars;
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // UTF-8 boundary
  out.resize(cut);
  return out + "...";
}

}  // namespace backflow::odbc
