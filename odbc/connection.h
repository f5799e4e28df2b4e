// A connection to one warehouse over ODBC: runs statements with bound
// parameters and opens streaming result readers.
//
// Owns its ODBC environment and connection handles (move-only). Readers it
// returns must be destroyed before it. Not thread-safe: one connection per
// thread. Errors are odbc::Error naming the warehouse (its label) and the
// query; connection strings in messages are redacted.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "odbc/handles.h"
#include "odbc/result_reader.h"
#include "model/sql_dialect.h"
#include "model/value.h"

namespace backflow::odbc {

struct ConnectionOptions {
  // Unset: guessed from the Driver attribute (psqlODBC -> postgres, SQLite).
  std::optional<Dialect> dialect;
  std::chrono::seconds login_timeout{15};
  bool autocommit = true;
  // Rows psqlODBC fetches per server round trip with its cursor-based
  // fetching (Fetch=N); only used when the connection string sets no Fetch.
  std::size_t server_fetch_rows = 10000;
};

struct QueryOptions {
  ReadOptions read;
  std::chrono::seconds timeout{0};  // 0: no statement timeout
};

// The dialect a connection string's Driver attribute names (psqlODBC,
// sqliteodbc, MariaDB/MySQL Connector/ODBC by file or registered name);
// nullopt when it names none of them (or is a DSN).
std::optional<Dialect> guess_dialect(const std::string& connection_string);

class Connection {
 public:
  // Connects with `connection_string`. `label` (the warehouse name) appears
  // in every error. The dialect is options.dialect, else guessed from the
  // Driver attribute, else from the server's SQL_DBMS_NAME. For postgres the
  // driver is told to stream through a server-side cursor (UseDeclareFetch=1,
  // Fetch=N), to report booleans as SQL_BIT (BoolsAsChar=0), and the session
  // time zone is set to UTC, each unless the connection string already says
  // otherwise. For mysql the OPTION bit FOUND_ROWS (affected rows count
  // matched rows) is added to the user's.
  // Throws odbc::Error (transient() for refused connections / timeouts).
  static Connection open(const std::string& connection_string, std::string label,
                         const ConnectionOptions& options = {});

  Connection(Connection&&) noexcept = default;
  Connection& operator=(Connection&&) noexcept = default;

  const std::string& label() const { return label_; }
  std::optional<Dialect> dialect() const { return dialect_; }
  // How results may be fetched in blocks with this driver (see BlockFetch).
  BlockFetch block_fetch() const { return block_fetch_; }
  // The driver's file name as it reports it (SQL_DRIVER_NAME), e.g.
  // "psqlodbcw.so", "libmaodbc.so"; "" when it does not say.
  const std::string& driver() const { return driver_; }

  void set_autocommit(bool on);
  bool autocommit() const { return autocommit_; }
  void commit();
  void rollback();

  // Runs a statement with params bound to its '?' markers; returns the rows
  // it affected (-1 when the driver cannot tell). Any result set is discarded.
  std::int64_t execute(std::string_view sql, const std::vector<Value>& params = {});

  // Runs a query and returns a reader streaming its rows.
  ResultReader query(std::string_view sql, const std::vector<Value>& params = {},
                     const QueryOptions& options = {});

 private:
  Connection() = default;
  struct Executed {
    StatementHandle stmt;
    BoundParameters params;
    std::string context;
  };
  Executed run(std::string_view sql, const std::vector<Value>& params, std::chrono::seconds timeout);
  void end_transaction(SQLSMALLINT completion, const char* what);

  EnvironmentHandle env_;  // declared first: destroyed after the connection
  ConnectionHandle dbc_;
  std::string label_;
  std::optional<Dialect> dialect_;
  bool autocommit_ = true;
  BlockFetch block_fetch_ = BlockFetch::none;
  std::string driver_;
};

}  // namespace backflow::odbc
