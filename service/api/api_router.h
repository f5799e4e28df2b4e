// The HTTP API of `backflow serve` (docs/api.md): routes a request to its
// handler, enforces bearer authentication, and turns every failure into a
// JSON error response. Also serves the dashboard's files and /metrics.
// Independent of the HTTP library (see api_server.h for the socket side).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "service/api/bearer_auth.h"
#include "service/api/http_exchange.h"
#include "service/api/sync_controller.h"
#include "service/metrics/registry.h"
#include "service/metrics/service_metrics.h"
#include "state/audit_log.h"
#include "state/record_store.h"
#include "state/run_store.h"

namespace backflow::api {

class ApiRouter {
 public:
  // All references must outlive the router. No `tokens`: no auth (every
  // caller is an anonymous admin). `audit` null: actions are only logged.
  ApiRouter(SyncController& controller, const state::RunStore& runs, const state::RecordStore& records,
            metrics::Registry& metrics, std::vector<ApiToken> tokens, state::AuditLog* audit = nullptr);
  // Not copyable: the route table refers to this router.
  ApiRouter(const ApiRouter&) = delete;
  ApiRouter& operator=(const ApiRouter&) = delete;

  // Serves one request. Never throws: bad input gets a 4xx, an unexpected
  // failure a 500, both as `{"error": {"code", "message"}}`. Thread-safe.
  ApiResponse handle(const ApiRequest& request) const;

 private:
  // One endpoint: a path pattern ("*" matches any one segment), its method,
  // its name in metrics, and whether it is served without a token.
  struct Route {
    std::vector<std::string> pattern;
    std::string method;
    std::string name;
    bool open = false;
    std::function<ApiResponse(const ApiRequest&, const std::vector<std::string>& path)> serve;
    bool matches(const std::vector<std::string>& path) const;
  };
  std::vector<Route> make_routes();

  // An operator action on its way to the audit log, completed with the
  // status once the response is known.
  struct AuditDraft {
    Caller caller;
    std::string action;
    std::string target;
    std::string detail;
  };

  ApiResponse dispatch(const ApiRequest& request, std::string& route, std::optional<AuditDraft>& audit) const;
  ApiResponse dispatch_v1(const ApiRequest& request, const std::vector<std::string>& path, std::string& route,
                          std::optional<AuditDraft>& audit) const;
  void record_audit(AuditDraft draft, int status, const std::string& error) const;

  ApiResponse list_syncs() const;
  ApiResponse get_sync(const std::string& name) const;
  ApiResponse trigger(const std::string& name, const ApiRequest& request) const;
  ApiResponse list_audit(const std::string& query) const;
  ApiResponse set_paused(const std::string& name, bool paused, const std::string& body) const;
  ApiResponse list_runs(const std::string& sync, const std::string& query) const;
  ApiResponse get_run(const std::string& id) const;
  ApiResponse cancel_run(const std::string& id, const std::string& body) const;
  ApiResponse list_records(const std::string& run_id, const std::string& query) const;
  ApiResponse error_groups(const std::string& run_id) const;
  ApiResponse record_history(const std::string& sync, const std::string& key) const;
  ApiResponse retry_dead(const std::string& name, const std::string& body) const;
  ApiResponse request_log(const std::string& destination) const;
  ApiResponse reload_config(const std::string& body) const;
  ApiResponse healthz() const;
  ApiResponse readyz() const;
  ApiResponse metrics_text() const;

  SyncController& controller_;
  const state::RunStore& runs_;
  const state::RecordStore& records_;
  metrics::Registry& registry_;
  metrics::ServiceMetrics metrics_;
  BearerAuth auth_;
  state::AuditLog* audit_;
  std::vector<Route> routes_;
};

}  // namespace backflow::api
