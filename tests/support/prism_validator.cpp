#include "tests/support/prism_validator.h"

#include <arpa/inet.h>
#include <csignal>
#include <fcntl.h>
#include <map>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "destinations/http_client.h"
#include "tests/support/test_env.h"

namespace backflow::test {
namespace {

std::filesystem::path prism_binary() {
  return source_dir() / "tests" / "contract" / "node_modules" / ".bin" / "prism";
}

bool accepts_connections(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool connected = ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return connected;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::optional<std::filesystem::path> contract_file(const std::string& file_name) {
  const auto path = source_dir().parent_path() / "shared" / "specs" / file_name;
  if (!std::filesystem::exists(path)) return std::nullopt;
  return path;
}

std::string ValidatorVerdict::describe() const {
  return "HTTP " + std::to_string(status) + " violations=" + (violations.empty() ? "none" : violations) +
         " body=" + body.substr(0, 400);
}

PrismValidator::PrismValidator(const std::filesystem::path& contract) {
  const auto prism = prism_binary();
  if (!std::filesystem::exists(prism)) {
    throw std::runtime_error("Prism is not installed at " + prism.string() +
                             ": run tests/contract/install.sh (ctest's contract_deps fixture does)");
  }
  port_ = free_tcp_port();
  log_file_ = make_temp_dir("prism") / "prism.log";
  const std::string port_text = std::to_string(port_);
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork for Prism failed");
  if (pid_ == 0) {
    ::setpgid(0, 0);  // its own group, so the destructor stops node and its children together
    const int log = ::open(log_file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (log >= 0) {
      ::dup2(log, STDOUT_FILENO);
      ::dup2(log, STDERR_FILENO);
    }
    ::execl(prism.c_str(), "prism", "mock", "-h", "127.0.0.1", "-p", port_text.c_str(), contract.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::setpgid(pid_, pid_);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!accepts_connections(port_)) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("Prism exited before listening on " + contract.string() + ": " + read_file(log_file_));
    }
    if (std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("Prism did not listen within 60 s for " + contract.string() + ": " +
                               read_file(log_file_));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

PrismValidator::~PrismValidator() {
  if (pid_ <= 0) return;
  ::kill(-pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
}

std::string PrismValidator::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

ValidatorVerdict PrismValidator::check(const destinations::HttpRequest& request) {
  if (request.url.rfind(base_url(), 0) != 0) {
    throw std::invalid_argument("request for " + request.url + " does not target the validator at " + base_url());
  }
  destinations::HttpClient client({});
  client.start(request);
  for (;;) {
    for (auto& [id, response] : client.poll(std::chrono::milliseconds(200))) {
      (void)id;
      if (response.transport_error != destinations::TransportError::None) {
        throw std::runtime_error("Prism did not answer " + request.url + ": " + response.error_message);
      }
      ValidatorVerdict verdict;
      verdict.status = response.status;
      verdict.violations = std::string(response.header("sl-violations").value_or(""));
      verdict.body = response.body;
      return verdict;
    }
  }
}

PrismValidator& PrismValidator::shared(const std::filesystem::path& contract) {
  static std::map<std::filesystem::path, std::unique_ptr<PrismValidator>> validators;
  auto& validator = validators[contract];
  if (!validator) validator = std::make_unique<PrismValidator>(contract);
  return *validator;
}

}  // namespace backflow::test
