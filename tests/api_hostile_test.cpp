// The API under hostile clients, over raw sockets: oversized request lines,
// headers and bodies (chunked too) are refused at once and cost no memory,
// slow clients are cut off, TRACE and made-up methods get nowhere, and the
// server keeps serving everyone else. Also HTTPS with a certificate the test
// makes.
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "tests/api_fixture.h"
#include "tests/support/test_env.h"

using backflow::test::ApiFixture;
using backflow::test::http_request;
using namespace std::chrono_literals;

namespace {

int port_of(const std::string& base_url) { return std::stoi(base_url.substr(base_url.rfind(':') + 1)); }

// A plain TCP connection to the server, closed on destruction.
class RawClient {
 public:
  explicit RawClient(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    REQUIRE(fd_ >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  }
  ~RawClient() { ::close(fd_); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  // Sends what it can; false once the server has closed or reset.
  bool send(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

  // Everything the server sends until it closes or `wait` passes.
  std::string receive(std::chrono::milliseconds wait = 5000ms) {
    std::string got;
    const auto deadline = std::chrono::steady_clock::now() + wait;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd ready{fd_, POLLIN, 0};
      if (::poll(&ready, 1, static_cast<int>(left.count())) <= 0) break;
      char buffer[8192];
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      got.append(buffer, static_cast<std::size_t>(n));
    }
    return got;
  }

  // True when the server closed the connection within `wait`.
  bool closed_within(std::chrono::milliseconds wait) {
    pollfd ready{fd_, POLLIN, 0};
    if (::poll(&ready, 1, static_cast<int>(wait.count())) <= 0) return false;
    char byte;
    return ::recv(fd_, &byte, 1, MSG_PEEK) <= 0;
  }

 private:
  int fd_;
};

std::string status_line(const std::string& response) { return response.substr(0, response.find("\r\n")); }

long max_rss_kib() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

}  // namespace

TEST_CASE("hostile API: a chunked 200 MB body is refused with 413 after the limit, before auth, without buffering it",
          "[api][hostile]") {
  ApiFixture api("s3cret-token");
  RawClient client(port_of(api.base_url));
  REQUIRE(client.send("POST /api/v1/syncs/contacts/trigger HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                      "Content-Type: application/json\r\n\r\n"));
  const long rss_before = max_rss_kib();
  const std::string chunk = "10000\r\n" + std::string(0x10000, 'x') + "\r\n";  // 64 KiB chunks
  std::size_t sent = 0;
  while (sent < 200u * 1024 * 1024 && client.send(chunk)) sent += 0x10000;
  const std::string response = client.receive();
  CHECK(status_line(response) == "HTTP/1.1 413 Payload Too Large");
  CHECK(response.find("body_too_large") != std::string::npos);
  // The server stopped reading long before 200 MB (it drains at most 1 MiB
  // after answering), and holding it would have shown in this process.
  CHECK(sent < 16u * 1024 * 1024);
  CHECK(max_rss_kib() - rss_before < 32 * 1024);
  CHECK(api.runs->list("contacts", 10).empty());
  CHECK(api.get("/api/v1/syncs").status == 200);
}

TEST_CASE("hostile API: an unterminated 64 MB request line gets 414 and an endless header 431, at once",
          "[api][hostile]") {
  ApiFixture api;
  {
    RawClient client(port_of(api.base_url));
    std::size_t sent = 0;
    client.send("GET /");
    while (sent < 64u * 1024 * 1024 && client.send(std::string(65536, 'a'))) sent += 65536;
    CHECK(status_line(client.receive()) == "HTTP/1.1 414 URI Too Long");
    CHECK(sent < 16u * 1024 * 1024);
  }
  {
    RawClient client(port_of(api.base_url));
    client.send("GET /api/v1/syncs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ");
    std::size_t sent = 0;
    while (sent < 16u * 1024 * 1024 && client.send(std::string(65536, 'b'))) sent += 65536;
    CHECK(status_line(client.receive()) == "HTTP/1.1 431 Request Header Fields Too Large");
  }
  {
    RawClient client(port_of(api.base_url));
    std::string many = "GET /api/v1/syncs HTTP/1.1\r\nHost: x\r\n";
    for (int i = 0; i < 150; ++i) many += "X-Header-" + std::to_string(i) + ": v\r\n";
    client.send(many + "\r\n");
    const std::string response = client.receive();
    CHECK(status_line(response) == "HTTP/1.1 431 Request Header Fields Too Large");
    CHECK(response.find("more than 100 headers") != std::string::npos);
  }
  CHECK(api.get("/api/v1/syncs").status == 200);
}

TEST_CASE("hostile API: a 100 kB path of 50,000 segments gets 414 without costing seconds", "[api][hostile]") {
  ApiFixture api;
  std::string path;
  for (int i = 0; i < 50'000; ++i) path += "/a";
  const auto started = std::chrono::steady_clock::now();
  RawClient client(port_of(api.base_url));
  client.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(status_line(client.receive()) == "HTTP/1.1 414 URI Too Long");
  // Within the target length but with too many segments.
  std::string segments;
  for (int i = 0; i < 100; ++i) segments += "/a";
  auto reply = http_request("GET", api.base_url + segments);
  CHECK(reply.status == 414);
  CHECK(reply.json()["error"]["message"] == "the path has more than 64 segments");
  CHECK(std::chrono::steady_clock::now() - started < 3s);
}

TEST_CASE("hostile API: TRACE is refused and made-up methods add no metrics series", "[api][hostile]") {
  ApiFixture open_api;
  auto trace = http_request("TRACE", open_api.base_url + "/api/v1/syncs");
  CHECK(trace.status == 405);
  CHECK(trace.body.find("Content-Type") == std::string::npos);  // nothing of the request is echoed
  ApiFixture api("s3cret-token");
  CHECK(http_request("TRACE", api.base_url + "/api/v1/syncs").status != 200);
  CHECK(http_request("TRACE", api.base_url + "/healthz").status == 405);

  for (int i = 0; i < 40; ++i) http_request("BREW" + std::to_string(i), api.base_url + "/api/v1/syncs");
  auto metrics = api.get("/metrics").body;
  CHECK(metrics.find("BREW") == std::string::npos);
  CHECK(metrics.find("method=\"other\"") != std::string::npos);
}

TEST_CASE("hostile API: slow clients are disconnected and a connection flood is capped, others are served",
          "[api][hostile]") {
  ApiFixture api("", [](backflow::api::ApiServer::Options& options) {
    options.limits.header_timeout = 500ms;
    options.limits.idle_timeout = 500ms;
    options.limits.body_timeout = 500ms;
    options.limits.max_connections = 20;
  });
  const int port = port_of(api.base_url);
  std::vector<std::unique_ptr<RawClient>> slow;
  for (int i = 0; i < 10; ++i) {
    slow.push_back(std::make_unique<RawClient>(port));
    slow.back()->send("GET /api/v1/syncs HTTP/1.1\r\nHost: x\r\nX-Slow: ");  // never finished
  }
  RawClient slow_body(port);
  slow_body.send("POST /api/v1/syncs/contacts/trigger HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{");
  CHECK(api.get("/api/v1/syncs").status == 200);  // served while they hang
  for (auto& client : slow) CHECK(client->closed_within(3s));
  CHECK(slow_body.closed_within(3s));

  // Past max_connections a connection is closed at once; freed slots serve again.
  std::vector<std::unique_ptr<RawClient>> flood;
  for (int i = 0; i < 20; ++i) flood.push_back(std::make_unique<RawClient>(port));
  std::this_thread::sleep_for(100ms);
  RawClient one_too_many(port);
  CHECK(one_too_many.closed_within(1s));
  flood.clear();
  std::this_thread::sleep_for(200ms);
  CHECK(api.get("/api/v1/syncs").status == 200);
}

TEST_CASE("hostile API: HTTPS with the operator's certificate, plain HTTP on that port gets nothing", "[api][tls]") {
  const auto dir = backflow::test::make_temp_dir("api-tls");
  const std::string cert = (dir / "cert.pem").string(), key = (dir / "key.pem").string();
  auto made = backflow::test::run_command(
      "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 "
      "-keyout " + key + " -out " + cert + " 2>&1");
  REQUIRE(made.exit_code == 0);
  ApiFixture api("s3cret-token", [&](backflow::api::ApiServer::Options& options) {
    options.tls = backflow::http::TlsFiles{cert, key};
  });
  REQUIRE(api.base_url.rfind("https://127.0.0.1:", 0) == 0);

  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  std::string body;
  curl_easy_setopt(curl.get(), CURLOPT_URL, (api.base_url + "/api/v1/syncs").c_str());
  curl_easy_setopt(curl.get(), CURLOPT_CAINFO, cert.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_XOAUTH2_BEARER, "s3cret-token");
  curl_easy_setopt(curl.get(), CURLOPT_HTTPAUTH, CURLAUTH_BEARER);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION,
                   +[](char* data, std::size_t size, std::size_t count, void* out) {
                     static_cast<std::string*>(out)->append(data, size * count);
                     return size * count;
                   });
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
  REQUIRE(curl_easy_perform(curl.get()) == CURLE_OK);
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  CHECK(status == 200);
  CHECK(body.find("contacts") != std::string::npos);

  // Not the certificate the client trusts: refused by the client, as it should be.
  curl_easy_setopt(curl.get(), CURLOPT_CAINFO, "/etc/ssl/certs/ca-certificates.crt");
  CHECK(curl_easy_perform(curl.get()) != CURLE_OK);

  RawClient plain(port_of(api.base_url));
  plain.send("GET /api/v1/syncs HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(plain.receive(2s).find("contacts") == std::string::npos);
}
