// What every test needs to find its surroundings: the source tree, the built
// binary, the throwaway PostgreSQL cluster and the ODBC drivers by path.
#pragma once

#include <filesystem>
#include <string>

namespace backflow::test {

std::filesystem::path source_dir();
std::filesystem::path backflow_binary();

// A fresh, empty directory under the build tree, unique per call.
std::filesystem::path make_temp_dir(const std::string& label);

// ODBC connection string for the suite's PostgreSQL cluster (driver by path).
// Throws with an explanation when the cluster fixture did not run.
std::string pg_connection_string();
// A value from the cluster's pg.env (PGPORT, PGBIN, PGHOST, ...).
std::string pg_env(const std::string& key);

// ODBC connection string for the suite's throwaway MariaDB server (driver by
// path, TCP, a password user) and a value of its mariadb.env. Throw with an
// explanation when the server fixture did not run.
std::string mariadb_connection_string();
std::string mariadb_env(const std::string& key);
// A database of its own for one test (tests run in parallel and MariaDB's
// schemas are databases): drops `name` and `name`_bk (a bookkeeping schema),
// creates `name` (utf8mb4) and returns a connection string to it.
std::string mariadb_fresh_database(const std::string& name);

// ODBC connection string for a SQLite database file (driver by path).
std::string sqlite_connection_string(const std::filesystem::path& db_file);

// Runs a shell command, returns its exit status and captured stdout+stderr.
struct CommandResult {
  int exit_code = -1;
  std::string output;
};
CommandResult run_command(const std::string& command);

// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0 by the
// kernel, then released).
int free_tcp_port();

// Quotes a string for /bin/sh.
std::string shell_quote(const std::string& s);

}  // namespace backflow::test
