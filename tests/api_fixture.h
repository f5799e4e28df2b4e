// A running ApiServer on a free loopback port over real state stores in a
// fresh directory, with a TestSyncController, and a small libcurl client to
// talk to it. Shared by the tests/api_*_test.cpp files.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "service/api/api_server.h"
#include "service/metrics/registry.h"
#include "state/failure_store.h"
#include "state/record_store.h"
#include "state/run_store.h"
#include "state/state_db.h"
#include "tests/support/test_sync_controller.h"

namespace backflow::test {

struct HttpReply {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // names in lower case
  nlohmann::json json() const { return nlohmann::json::parse(body); }
};

// One request with libcurl; `token` non-empty sends "Authorization: Bearer".
HttpReply http_request(const std::string& method, const std::string& url, const std::string& body = "",
                       const std::string& token = "");

// A client that keeps its connection open across requests (HTTP keep-alive),
// as browsers and scrapers do. Not thread-safe: one per thread.
class KeepAliveClient {
 public:
  KeepAliveClient();
  ~KeepAliveClient();
  KeepAliveClient(const KeepAliveClient&) = delete;
  KeepAliveClient& operator=(const KeepAliveClient&) = delete;
  HttpReply request(const std::string& method, const std::string& url, const std::string& body = "",
                    const std::string& token = "");

 private:
  void* curl_;
};

class ApiFixture {
 public:
  // Declares syncs "contacts" (dest hubspot) and "deals" (dest webhook).
  // `configure` may change the server's options (limits, TLS) before it starts.
  explicit ApiFixture(const std::string& auth_token = "",
                      const std::function<void(api::ApiServer::Options&)>& configure = {});

  HttpReply get(const std::string& path) const { return http_request("GET", base_url + path, "", token); }
  HttpReply post(const std::string& path, const std::string& body = "") const {
    return http_request("POST", base_url + path, body, token);
  }

  // A finished run of `sync` that started `started_ms` and took `duration_ms`.
  state::RunRecord add_finished_run(const std::string& sync, state::RunPhase phase, const state::RunCounts& counts,
                                    std::int64_t started_ms, std::int64_t duration_ms = 1000);

  std::string token;
  std::string base_url;
  std::unique_ptr<state::StateDb> db;
  std::unique_ptr<state::RunStore> runs;
  std::unique_ptr<state::RecordStore> records;
  std::unique_ptr<state::FailureStore> failures;
  std::unique_ptr<TestSyncController> controller;
  metrics::Registry registry;
  std::unique_ptr<api::ApiServer> server;
};

}  // namespace backflow::test
