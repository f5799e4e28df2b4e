#include "odbc/connection.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <string>

#include "odbc/connection_string.h"
#include "odbc/error.h"
#include "odbc/redact.h"
#include "common/text.h"

namespace backflow::odbc {

namespace {


std::string info_text(SQLHDBC dbc, SQLUSMALLINT info_type) {
  SQLCHAR text[256] = {};
  SQLSMALLINT length = 0;
  if (!SQL_SUCCEEDED(SQLGetInfo(dbc, info_type, text, sizeof text, &length))) return "";
  return std::string(reinterpret_cast<const char*>(text),
                     std::min<std::size_t>(static_cast<std::size_t>(std::max<SQLSMALLINT>(length, 0)), sizeof text - 1));
}

// Drivers whose SQLGetData on a positioned row of a block the suite proves
// with long values in several rows of one block (tests/odbc_long_values_test.cpp).
// Any other driver that advertises it is not taken at its word: MariaDB's
// Connector/ODBC 3.1 returns the block's first row's value for the
// positioned row, then SQL_NO_DATA, then ends the result early.
bool positioned_getdata_proven(const std::string& driver_file) {
  return text::lower(driver_file).find("psqlodbc") != std::string::npos;
}

SQLUINTEGER info_bits(SQLHDBC dbc, SQLUSMALLINT info_type) {
  SQLUINTEGER bits = 0;
  if (!SQL_SUCCEEDED(SQLGetInfo(dbc, info_type, &bits, sizeof bits, nullptr))) return 0;
  return bits;
}

// MariaDB Connector/ODBC option bit FOUND_ROWS (its OPTION attribute, 2):
// report matched, not changed, rows, so that an UPDATE to the values a row
// already holds counts it. (Its NO_CACHE bit, meant to stream forward-only
// results, changes nothing in 3.1.15: a 1M-row result is held in client
// memory either way, docs/warehouse-access.md.)
std::string with_mysql_options(std::string connection_string) {
  constexpr unsigned long long kFoundRows = 2;
  // The driver reads its bits from OPTION or OPTIONS: amend the one given.
  const char* key = !find_attribute(connection_string, "OPTION") && find_attribute(connection_string, "OPTIONS")
                        ? "OPTIONS"
                        : "OPTION";
  unsigned long long bits = 0;
  if (const auto option = find_attribute(connection_string, key)) {
    try {
      bits = std::stoull(*option);
    } catch (const std::exception&) {
      return connection_string;  // not a number: the driver judges the user's text
    }
  }
  return with_attribute(std::move(connection_string), key, std::to_string(bits | kFoundRows));
}

}  // namespace

std::optional<Dialect> guess_dialect(const std::string& connection_string) {
  return dialect_for_driver_name(find_attribute(connection_string, "Driver").value_or(""));
}

Connection Connection::open(const std::string& connection_string, std::string label,
                            const ConnectionOptions& options) {
  Connection conn;
  conn.label_ = std::move(label);
  conn.dialect_ = options.dialect ? options.dialect : guess_dialect(connection_string);
  const std::string context = "warehouse '" + conn.label_ + "'";

  std::string effective = connection_string;
  if (conn.dialect_ == Dialect::postgres) {
    // Without UseDeclareFetch psqlODBC reads the entire result into client
    // memory before the first SQLFetch returns.
    effective = with_default_attribute(effective, "UseDeclareFetch", "1");
    effective = with_default_attribute(effective, "Fetch", std::to_string(std::max<std::size_t>(options.server_fetch_rows, 1)));
    effective = with_default_attribute(effective, "BoolsAsChar", "0");
  }
  if (conn.dialect_ == Dialect::mysql) effective = with_mysql_options(effective);

  conn.env_ = allocate_environment();
  conn.dbc_ = allocate_connection(conn.env_, context);
  SQLHDBC dbc = conn.dbc_.get();
  const auto timeout = reinterpret_cast<SQLPOINTER>(static_cast<SQLULEN>(options.login_timeout.count()));
  SQLSetConnectAttr(dbc, SQL_ATTR_LOGIN_TIMEOUT, timeout, 0);  // best effort: not every driver has it

  const SQLRETURN rc = SQLDriverConnect(dbc, nullptr, reinterpret_cast<SQLCHAR*>(effective.data()),
                                        static_cast<SQLSMALLINT>(effective.size()), nullptr, 0, nullptr,
                                        SQL_DRIVER_NOPROMPT);
  if (!SQL_SUCCEEDED(rc)) {
    // Drivers may echo the connection string: scrub every secret value.
    const auto secrets = secret_values(effective);
    auto records = read_diagnostics(SQL_HANDLE_DBC, dbc);
    if (records.empty()) records.push_back({"08001", 0, "the driver refused the connection without diagnostics"});
    for (auto& r : records) r.message = redact_secret_attributes(scrub_secrets(std::move(r.message), secrets));
    throw Error(context + ": connecting with '" + redact_connection_string(connection_string) + "'",
                std::move(records));
  }

  const SQLUINTEGER getdata = info_bits(dbc, SQL_GETDATA_EXTENSIONS);
  const SQLUINTEGER positioning = info_bits(dbc, SQL_POS_OPERATIONS);
  const bool advertised = (getdata & SQL_GD_BLOCK) && (getdata & SQL_GD_BOUND) && (positioning & SQL_POS_POSITION);
  conn.driver_ = info_text(dbc, SQL_DRIVER_NAME);
  // A DSN hides the driver from the connection string: ask the server.
  if (!conn.dialect_) conn.dialect_ = dialect_for_driver_name(info_text(dbc, SQL_DBMS_NAME));
  conn.block_fetch_ = !advertised                              ? BlockFetch::none
                      : positioned_getdata_proven(conn.driver_) ? BlockFetch::positioned
                                                                : BlockFetch::whole_values;

  if (conn.dialect_) {
    // Before autocommit is switched off, so that no transaction can undo it.
    for (const std::string& statement : sql_dialect(*conn.dialect_).session_setup()) conn.execute(statement);
  }
  if (!options.autocommit) conn.set_autocommit(false);
  return conn;
}

void Connection::set_autocommit(bool on) {
  const auto value = reinterpret_cast<SQLPOINTER>(static_cast<SQLULEN>(on ? SQL_AUTOCOMMIT_ON : SQL_AUTOCOMMIT_OFF));
  if (!SQL_SUCCEEDED(SQLSetConnectAttr(dbc_.get(), SQL_ATTR_AUTOCOMMIT, value, 0))) {
    throw error_from_handle(SQL_HANDLE_DBC, dbc_.get(),
                            "warehouse '" + label_ + "': switching autocommit " + (on ? "on" : "off"));
  }
  autocommit_ = on;
}

void Connection::commit() { end_transaction(SQL_COMMIT, "commit"); }
void Connection::rollback() { end_transaction(SQL_ROLLBACK, "rollback"); }

void Connection::end_transaction(SQLSMALLINT completion, const char* what) {
  if (!SQL_SUCCEEDED(SQLEndTran(SQL_HANDLE_DBC, dbc_.get(), completion))) {
    throw error_from_handle(SQL_HANDLE_DBC, dbc_.get(), "warehouse '" + label_ + "': " + what);
  }
}

Connection::Executed Connection::run(std::string_view sql, const std::vector<Value>& params,
                                     std::chrono::seconds timeout) {
  Executed out{StatementHandle(), BoundParameters(),
               "warehouse '" + label_ + "', query '" + abbreviate_query(sql) + "'"};
  out.stmt = allocate_statement(dbc_, out.context);
  SQLHSTMT h = out.stmt.get();
  if (timeout.count() > 0) {
    SQLSetStmtAttr(h, SQL_ATTR_QUERY_TIMEOUT, reinterpret_cast<SQLPOINTER>(static_cast<SQLULEN>(timeout.count())),
                   0);
  }
  out.params.bind(h, params, out.context);
  std::string text(sql);
  const SQLRETURN rc =
      SQLExecDirect(h, reinterpret_cast<SQLCHAR*>(text.data()), static_cast<SQLINTEGER>(text.size()));
  if (!SQL_SUCCEEDED(rc) && rc != SQL_NO_DATA) throw error_from_handle(SQL_HANDLE_STMT, h, out.context);
  return out;
}

std::int64_t Connection::execute(std::string_view sql, const std::vector<Value>& params) {
  Executed executed = run(sql, params, std::chrono::seconds(0));
  SQLLEN affected = -1;
  if (!SQL_SUCCEEDED(SQLRowCount(executed.stmt.get(), &affected))) affected = -1;
  return static_cast<std::int64_t>(affected);
}

ResultReader Connection::query(std::string_view sql, const std::vector<Value>& params, const QueryOptions& options) {
  Executed executed = run(sql, params, options.timeout);
  return ResultReader(std::move(executed.stmt), std::move(executed.params), std::move(executed.context),
                      block_fetch_, options.read);
}

}  // namespace backflow::odbc
