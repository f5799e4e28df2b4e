#include "tests/support/test_env.h"

#include "odbc/connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <unistd.h>

namespace backflow::test {

std::filesystem::path source_dir() { return BACKFLOW_SOURCE_DIR; }
std::filesystem::path backflow_binary() { return BACKFLOW_BINARY; }

std::filesystem::path make_temp_dir(const std::string& label) {
  static std::atomic<int> counter{0};
  auto dir = std::filesystem::path(BACKFLOW_TEST_TMP) /
             (label + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

namespace {

std::string env_file_value(const char* file, const char* server, const std::string& key) {
  std::ifstream in(file);
  if (!in) {
    throw std::runtime_error(std::string(server) + " test server is not running: " + file +
                             " is missing (run the suite through ctest, which starts it)");
  }
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + "=", 0) == 0) return line.substr(key.size() + 1);
  }
  throw std::runtime_error(std::string(file) + " has no " + key);
}

}  // namespace

std::string pg_env(const std::string& key) { return env_file_value(BACKFLOW_TEST_PG_ENV, "PostgreSQL", key); }

#ifdef BACKFLOW_TEST_MARIADB_ENV
std::string mariadb_env(const std::string& key) {
  return env_file_value(BACKFLOW_TEST_MARIADB_ENV, "MariaDB", key);
}
std::string mariadb_connection_string() { return mariadb_env("BACKFLOW_TEST_MARIADB_CONN"); }

std::string mariadb_fresh_database(const std::string& name) {
  auto admin = odbc::Connection::open(mariadb_connection_string(), "admin");
  admin.execute("DROP DATABASE IF EXISTS " + name);
  admin.execute("DROP DATABASE IF EXISTS " + name + "_bk");
  admin.execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4");
  std::string connection = mariadb_connection_string();
  const std::string from = "Database=" + mariadb_env("MARIADB_DATABASE");
  connection.replace(connection.find(from), from.size(), "Database=" + name);
  return connection;
}
#endif

std::string pg_connection_string() { return pg_env("BACKFLOW_TEST_PG_CONN"); }

std::string sqlite_connection_string(const std::filesystem::path& db_file) {
  return std::string("Driver=") + BACKFLOW_SQLITEODBC + ";Database=" + db_file.string() + ";";
}

CommandResult run_command(const std::string& command) {
  CommandResult result;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen((command + " 2>&1").c_str(), "r"), ::pclose);
  if (!pipe) throw std::runtime_error("popen failed for: " + command);
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe.get())) > 0) result.output.append(buf.data(), n);
  int status = ::pclose(pipe.release());
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

int free_tcp_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("cannot bind a loopback port");
  }
  int port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

}  // namespace backflow::test
