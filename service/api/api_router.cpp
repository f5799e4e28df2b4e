#include "service/api/api_router.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <map>
#include <chrono>
#include <regex>
#include <set>

#include "common/text.h"
#include "service/api/api_error.h"
#include "service/api/api_json.h"
#include "service/api/page_cursor.h"
#include "service/api/request_target.h"
#include "service/dashboard/dashboard_assets.h"
#include "service/metrics/text_format.h"

namespace backflow::api {
namespace {

constexpr std::size_t kHistoryRuns = 20;
constexpr std::size_t kDefaultRunPage = 20;
constexpr std::size_t kDefaultRecordPage = 100;
constexpr std::size_t kMaxPage = 1000;
constexpr std::array<std::string_view, 5> kRecordStatuses = {"accepted", "rejected", "invalid", "undelivered", "dead"};

ApiResponse json_response(int status, const nlohmann::json& body) {
  ApiResponse response;
  response.status = status;
  response.body = dump_json(body);
  return response;
}

ApiResponse error_response(int status, const std::string& code, const std::string& message) {
  return json_response(status, error_json(code, message));
}

// What a route may be called by: reading takes read, changing a sync or a
// run operate, the service's config and its audit log admin.
template <typename Route>
Role required_role(const Route& route) {
  if (route.name == "/api/v1/config/reload" || route.name == "/api/v1/audit") return Role::admin;
  return route.method == "GET" ? Role::read : Role::operate;
}

// The audit log's name for what a route does: "trigger", "records.retry",
// "config.reload".
template <typename Route>
std::string action_name(const Route& route) {
  if (route.name == "/api/v1/config/reload") return "config.reload";
  if (route.name == "/api/v1/syncs/{name}/records/retry") return "records.retry";
  return route.name.substr(route.name.rfind('/') + 1);
}

// 403 for a caller whose role is below what `what` needs.
ApiError forbidden(const Caller& caller, const std::string& what, Role needs) {
  return ApiError(403, "forbidden",
                  "token " + text::quote_for_message(caller.name) + " has role " + std::string(to_string(caller.role)) +
                      "; " + what + " needs " + std::string(to_string(needs)));
}

// A metrics label from a fixed set: any method a client makes up is
// "other", so requests cannot create series without bound.
std::string method_label(const std::string& method) {
  static const std::set<std::string, std::less<>> kKnown = {"GET",     "POST",  "PUT",   "DELETE", "PATCH",
                                                             "HEAD",    "OPTIONS", "TRACE", "CONNECT"};
  return kKnown.count(method) ? method : "other";
}

void require_method(const ApiRequest& request, std::string_view allowed) {
  if (request.method != allowed) {
    throw ApiError(405, "method_not_allowed",
                   text::escape_for_message(request.method, 20) + " is not allowed on " +
                       text::escape_for_message(request.path, 200) + "; use " + std::string(allowed))
        .with_header("Allow", std::string(allowed));
  }
}

// A POST body: empty, or a JSON object whose keys are all in `allowed`.
nlohmann::json parse_body(const std::string& body, std::initializer_list<std::string_view> allowed) {
  if (std::all_of(body.begin(), body.end(), [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; })) {
    return nlohmann::json::object();
  }
  nlohmann::json json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) throw ApiError(400, "bad_json", "the request body is not valid JSON");
  if (!json.is_object()) throw ApiError(400, "bad_body", "the request body must be a JSON object");
  for (const auto& item : json.items()) {
    if (std::find(allowed.begin(), allowed.end(), item.key()) == allowed.end()) {
      throw ApiError(400, "bad_body", "unknown field '" + item.key() + "' in the request body");
    }
  }
  return json;
}

bool optional_bool(const nlohmann::json& body, const std::string& field) {
  if (!body.contains(field)) return false;
  if (!body[field].is_boolean()) throw ApiError(400, "bad_body", "'" + field + "' must be true or false");
  return body[field].get<bool>();
}

ApiError no_sync(const std::string& name) { return ApiError(404, "not_found", "no sync named '" + name + "'"); }
ApiError no_run(const std::string& id) { return ApiError(404, "not_found", "no run with id '" + id + "'"); }

int control_error_status(ControlError::Kind kind) {
  switch (kind) {
    case ControlError::Kind::NotFound:
      return 404;
    case ControlError::Kind::Conflict:
      return 409;
    case ControlError::Kind::Invalid:
      return 400;
  }
  return 500;
}

std::string_view control_error_code(ControlError::Kind kind) {
  switch (kind) {
    case ControlError::Kind::NotFound:
      return "not_found";
    case ControlError::Kind::Conflict:
      return "conflict";
    case ControlError::Kind::Invalid:
      return "invalid";
  }
  return "internal";
}

}  // namespace

ApiRouter::ApiRouter(SyncController& controller, const state::RunStore& runs, const state::RecordStore& records,
                     metrics::Registry& metrics, std::vector<ApiToken> tokens, state::AuditLog* audit)
    : controller_(controller),
      runs_(runs),
      records_(records),
      registry_(metrics),
      metrics_(metrics),
      auth_(std::move(tokens)),
      audit_(audit),
      routes_(make_routes()) {}

ApiResponse ApiRouter::handle(const ApiRequest& request) const {
  const auto started = std::chrono::steady_clock::now();
  std::string route = "unmatched";
  std::optional<AuditDraft> audit;
  std::string error;
  ApiResponse response;
  try {
    response = dispatch(request, route, audit);
  } catch (const ApiError& e) {
    response = error_response(e.status(), e.code(), e.what());
    response.headers = e.headers();
    error = e.what();
  } catch (const ControlError& e) {
    response = error_response(control_error_status(e.kind()), std::string(control_error_code(e.kind())), e.what());
    error = e.what();
  } catch (const std::exception& e) {
    spdlog::error("api: {} {} failed: {}", method_label(request.method), route, e.what());
    response = error_response(500, "internal", std::string("internal error: ") + e.what());
    error = e.what();
  }
  if (audit) record_audit(std::move(*audit), response.status, error);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  metrics_.http_requests_total.with({method_label(request.method), route, std::to_string(response.status)}).inc();
  metrics_.http_request_duration_seconds.with({route}).observe(seconds);
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

ApiResponse ApiRouter::dispatch(const ApiRequest& request, std::string& route, std::optional<AuditDraft>& audit) const {
  const std::vector<std::string> path = split_path(request.path);
  if (path.size() >= 2 && path[0] == "api" && path[1] == "v1") {
    return dispatch_v1(request, std::vector<std::string>(path.begin() + 2, path.end()), route, audit);
  }
  if (path.size() == 1 && (path[0] == "healthz" || path[0] == "readyz" || path[0] == "metrics")) {
    return dispatch_v1(request, path, route, audit);
  }
  if (auto file = dashboard::find_static_file(request.path)) {
    route = "dashboard";
    require_method(request, "GET");
    ApiResponse response;
    response.content_type = file->content_type;
    response.body = std::string(file->content);
    // The dashboard loads only its own files and talks only to this server.
    response.headers.emplace_back("Content-Security-Policy",
                                  "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                                  "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    return response;
  }
  throw ApiError(404, "not_found", "nothing at " + request.path);
}

std::vector<ApiRouter::Route> ApiRouter::make_routes() {
  using Path = const std::vector<std::string>&;
  using Request = const ApiRequest&;
  // Probes stay open so that an orchestrator needs no token. One endpoint
  // per entry reads best as a table, hence no automatic formatting.
  // clang-format off
  return {
      {{"healthz"}, "GET", "/healthz", true, [this](Request, Path) { return healthz(); }},
      {{"readyz"}, "GET", "/readyz", true, [this](Request, Path) { return readyz(); }},
      {{"metrics"}, "GET", "/metrics", false, [this](Request, Path) { return metrics_text(); }},
      {{"syncs"}, "GET", "/api/v1/syncs", false, [this](Request, Path) { return list_syncs(); }},
      {{"syncs", "*"}, "GET", "/api/v1/syncs/{name}", false, [this](Request, Path p) { return get_sync(p[1]); }},
      {{"syncs", "*", "trigger"}, "POST", "/api/v1/syncs/{name}/trigger", false,
       [this](Request r, Path p) { return trigger(p[1], r); }},
      {{"syncs", "*", "pause"}, "POST", "/api/v1/syncs/{name}/pause", false,
       [this](Request r, Path p) { return set_paused(p[1], true, r.body); }},
      {{"syncs", "*", "resume"}, "POST", "/api/v1/syncs/{name}/resume", false,
       [this](Request r, Path p) { return set_paused(p[1], false, r.body); }},
      {{"syncs", "*", "runs"}, "GET", "/api/v1/syncs/{name}/runs", false,
       [this](Request r, Path p) { return list_runs(p[1], r.query); }},
      {{"syncs", "*", "records", "retry"}, "POST", "/api/v1/syncs/{name}/records/retry", false,
       [this](Request r, Path p) { return retry_dead(p[1], r.body); }},
      {{"runs", "*"}, "GET", "/api/v1/runs/{id}", false, [this](Request, Path p) { return get_run(p[1]); }},
      {{"runs", "*", "cancel"}, "POST", "/api/v1/runs/{id}/cancel", false,
       [this](Request r, Path p) { return cancel_run(p[1], r.body); }},
      {{"syncs", "*", "records", "*"}, "GET", "/api/v1/syncs/{name}/records/{key}", false,
       [this](Request, Path p) { return record_history(p[1], p[3]); }},
      {{"runs", "*", "errors"}, "GET", "/api/v1/runs/{id}/errors", false,
       [this](Request, Path p) { return error_groups(p[1]); }},
      {{"runs", "*", "records"}, "GET", "/api/v1/runs/{id}/records", false,
       [this](Request r, Path p) { return list_records(p[1], r.query); }},
      {{"destinations", "*", "requests"}, "GET", "/api/v1/destinations/{name}/requests", false,
       [this](Request, Path p) { return request_log(p[1]); }},
      {{"config", "reload"}, "POST", "/api/v1/config/reload", false,
       [this](Request r, Path) { return reload_config(r.body); }},
      {{"audit"}, "GET", "/api/v1/audit", false, [this](Request r, Path) { return list_audit(r.query); }},
  };
  // clang-format on
}

bool ApiRouter::Route::matches(const std::vector<std::string>& path) const {
  if (pattern.size() != path.size()) return false;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (pattern[i] != "*" && pattern[i] != path[i]) return false;
  }
  return true;
}

ApiResponse ApiRouter::dispatch_v1(const ApiRequest& request, const std::vector<std::string>& path,
                                   std::string& route, std::optional<AuditDraft>& audit) const {
  const Route* serving = nullptr;
  bool open = false;
  std::string allowed;
  for (const auto& candidate : routes_) {
    if (!candidate.matches(path)) continue;
    open = open || candidate.open;
    allowed += (allowed.empty() ? "" : ", ") + candidate.method;
    if (candidate.method == request.method) serving = &candidate;
  }
  // Authenticate before telling anything about the path, even that it
  // does not exist.
  const std::optional<Caller> caller = auth_.authenticate(request.authorization);
  if (!open && !caller) {
    route = "unauthorized";
    throw ApiError(401, "unauthorized", "a valid bearer token is required (Authorization: Bearer <token>)")
        .with_header("WWW-Authenticate", "Bearer realm=\"backflow\"");
  }
  if (allowed.empty()) throw ApiError(404, "not_found", "no API endpoint at " + request.path);
  if (serving == nullptr) {
    throw ApiError(405, "method_not_allowed",
                   text::escape_for_message(request.method, 20) + " is not allowed on " +
                       text::escape_for_message(request.path, 200) + "; use " + allowed)
        .with_header("Allow", allowed);
  }
  route = serving->name;
  ApiRequest authenticated = request;
  if (caller) authenticated.caller = *caller;
  const Role needs = required_role(*serving);
  if (serving->method != "GET") {
    const bool names_target = path.size() > 1 && (path[0] == "syncs" || path[0] == "runs");
    audit = AuditDraft{authenticated.caller, action_name(*serving), names_target ? path[1] : std::string(),
                       request.body.empty() ? std::string() : text::escape_for_message(request.body, 200)};
  }
  if (!serving->open && authenticated.caller.role < needs) throw forbidden(authenticated.caller, serving->name, needs);
  return serving->serve(authenticated, path);
}

void ApiRouter::record_audit(AuditDraft draft, int status, const std::string& error) const {
  state::AuditEntry entry;
  entry.at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  entry.actor = draft.caller.name;
  entry.role = std::string(to_string(draft.caller.role));
  entry.action = draft.action;
  entry.target = draft.target;
  entry.status = status;
  entry.detail = draft.detail;
  if (!error.empty()) entry.detail += (entry.detail.empty() ? "" : "; ") + text::escape_for_message(error, 300);
  spdlog::info("audit: actor={} role={} action={} target={} status={}", text::escape_for_message(entry.actor, 60),
               entry.role, entry.action, text::escape_for_message(entry.target, 100), status);
  if (audit_ == nullptr) return;
  try {
    audit_->append(std::move(entry));
  } catch (const std::exception& e) {
    spdlog::error("audit: cannot store the entry: {}", e.what());
  }
}

ApiResponse ApiRouter::list_syncs() const {
  nlohmann::json syncs = nlohmann::json::array();
  for (const auto& sync : controller_.list_syncs())
    syncs.push_back(sync_to_json(sync, runs_.list(sync.name, kHistoryRuns)));
  return json_response(200, {{"syncs", std::move(syncs)}});
}

ApiResponse ApiRouter::get_sync(const std::string& name) const {
  auto sync = controller_.find_sync(name);
  if (!sync) throw no_sync(name);
  return json_response(200, sync_to_json(*sync, runs_.list(name, kHistoryRuns)));
}

ApiResponse ApiRouter::trigger(const std::string& name, const ApiRequest& request) const {
  const nlohmann::json options = parse_body(request.body, {"full_resync", "force"});
  const bool full_resync = optional_bool(options, "full_resync");
  const bool force = optional_bool(options, "force");
  if (force && request.caller.role < Role::admin) {
    throw forbidden(request.caller, "forcing a run past its guard", Role::admin);
  }
  const std::string run_id = controller_.trigger(name, full_resync, force);
  nlohmann::json reply = {{"sync", name}, {"run_id", run_id}};
  if (auto run = runs_.get(run_id)) reply["run"] = run_to_json(*run);
  return json_response(202, reply);
}

ApiResponse ApiRouter::set_paused(const std::string& name, bool paused, const std::string& body) const {
  parse_body(body, {});
  if (paused)
    controller_.pause(name);
  else
    controller_.resume(name);
  return get_sync(name);
}

ApiResponse ApiRouter::list_runs(const std::string& sync, const std::string& query) const {
  if (!controller_.find_sync(sync)) throw no_sync(sync);
  const QueryParams params = QueryParams::parse(query);
  const std::size_t limit = params.limit("limit", kDefaultRunPage, kMaxPage);
  const auto before = params.get("before");
  static const std::regex kRunId("run-[0-9]{1,19}");
  if (before && !std::regex_match(*before, kRunId)) {
    throw ApiError(400, "bad_parameter", "'before' must be a run id like run-00000042, got '" + *before + "'");
  }
  auto runs = runs_.list(sync, limit + 1, before);
  nlohmann::json next_before = nullptr;
  if (runs.size() > limit) {
    runs.resize(limit);
    next_before = runs.back().id;
  }
  nlohmann::json items = nlohmann::json::array();
  for (const auto& run : runs) items.push_back(run_to_json(run));
  return json_response(200, {{"sync", sync}, {"runs", std::move(items)}, {"next_before", next_before}});
}

ApiResponse ApiRouter::get_run(const std::string& id) const {
  auto run = runs_.get(id);
  if (!run) throw no_run(id);
  return json_response(200, run_to_json(*run));
}

ApiResponse ApiRouter::cancel_run(const std::string& id, const std::string& body) const {
  parse_body(body, {});
  controller_.cancel(id);
  return json_response(202, {{"run_id", id}, {"cancel_requested", true}});
}

// One record's story: its result in each of the sync's recent runs that kept
// one (failures always; accepted records with record_log: all), newest first.
ApiResponse ApiRouter::record_history(const std::string& sync, const std::string& key) const {
  constexpr std::size_t kRunsSearched = 200;
  if (!controller_.find_sync(sync)) throw no_sync(sync);
  nlohmann::json items = nlohmann::json::array();
  const std::vector<state::RunRecord> runs = runs_.list(sync, kRunsSearched);
  for (const state::RunRecord& run : runs) {
    std::optional<state::RecordResult> result = records_.find(run.id, key);
    if (!result) continue;
    nlohmann::json item = record_to_json(*result);
    item["run_id"] = run.id;
    item["run_phase"] = state::to_string(run.phase);
    item["run_started_at_ms"] = run.started_at_ms;
    items.push_back(std::move(item));
  }
  return json_response(200, {{"sync", sync}, {"key", key}, {"runs_searched", runs.size()}, {"history", std::move(items)}});
}

// A run's failed records grouped by status and message, largest group first:
// what an operator reads first when 400 records were refused for 2 reasons.
// Scans at most kMaxGroupedRecords results; `scanned` and `complete` say so.
ApiResponse ApiRouter::error_groups(const std::string& run_id) const {
  constexpr std::size_t kMaxGroupedRecords = 100'000;
  constexpr std::size_t kMaxGroups = 50;
  if (!runs_.get(run_id)) throw no_run(run_id);
  struct Group {
    std::uint64_t count = 0;
    std::string example_key;
  };
  std::map<std::pair<std::string, std::string>, Group> groups;
  std::size_t scanned = 0;
  bool complete = true;
  for (std::string_view status : kRecordStatuses) {
    if (status == "accepted") continue;
    std::optional<std::string> cursor;
    do {
      state::RecordPage page = records_.list(run_id, std::string(status), kMaxPage, cursor);
      for (const state::RecordResult& record : page.records) {
        Group& group = groups[{record.status, record.message}];
        if (group.count++ == 0) group.example_key = record.key;
      }
      scanned += page.records.size();
      cursor = page.next_cursor;
    } while (cursor && scanned < kMaxGroupedRecords);
    if (cursor) complete = false;
    if (scanned >= kMaxGroupedRecords) break;
  }
  std::vector<std::pair<std::pair<std::string, std::string>, Group>> sorted(groups.begin(), groups.end());
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.second.count > b.second.count; });
  nlohmann::json items = nlohmann::json::array();
  for (std::size_t i = 0; i < sorted.size() && i < kMaxGroups; ++i) {
    const auto& [what, group] = sorted[i];
    items.push_back({{"status", what.first}, {"message", what.second}, {"count", group.count},
                     {"example_key", group.example_key}});
  }
  return json_response(200, {{"run_id", run_id},
                             {"groups", std::move(items)},
                             {"scanned", scanned},
                             {"complete", complete && sorted.size() <= kMaxGroups}});
}

ApiResponse ApiRouter::list_records(const std::string& run_id, const std::string& query) const {
  if (!runs_.get(run_id)) throw no_run(run_id);
  const QueryParams params = QueryParams::parse(query);
  const std::size_t limit = params.limit("limit", kDefaultRecordPage, kMaxPage);
  const auto status = params.get("status");
  if (status && std::find(kRecordStatuses.begin(), kRecordStatuses.end(), *status) == kRecordStatuses.end()) {
    throw ApiError(400, "bad_parameter",
                   "'status' must be one of accepted, rejected, invalid, undelivered, dead; got '" + *status + "'");
  }
  nlohmann::json items = nlohmann::json::array();
  nlohmann::json next_cursor = nullptr;
  if (auto key = params.get("key")) {
    auto found = records_.find(run_id, *key);
    if (found && (!status || found->status == *status)) items.push_back(record_to_json(*found));
  } else {
    std::optional<std::string> cursor;
    if (auto text = params.get("cursor")) {
      cursor = decode_cursor(*text);
      if (!cursor) throw ApiError(400, "bad_parameter", "'cursor' is not a cursor this API returned");
    }
    auto page = records_.list(run_id, status, limit, cursor);
    for (const auto& record : page.records) items.push_back(record_to_json(record));
    if (page.next_cursor) next_cursor = encode_cursor(*page.next_cursor);
  }
  return json_response(200, {{"run_id", run_id}, {"records", std::move(items)}, {"next_cursor", next_cursor}});
}

ApiResponse ApiRouter::list_audit(const std::string& query) const {
  if (audit_ == nullptr) return json_response(200, {{"entries", nlohmann::json::array()}, {"next_before", nullptr}});
  const QueryParams params = QueryParams::parse(query);
  const std::size_t limit = params.limit("limit", kDefaultRunPage, kMaxPage);
  std::optional<std::uint64_t> before;
  if (auto text = params.get("before")) {
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (text->empty() || ec != std::errc() || end != text->data() + text->size()) {
      throw ApiError(400, "bad_parameter", "'before' must be an audit sequence number, got " + text::quote_for_message(*text));
    }
    before = value;
  }
  auto entries = audit_->list(limit + 1, before);
  nlohmann::json next_before = nullptr;
  if (entries.size() > limit) {
    entries.resize(limit);
    next_before = entries.back().sequence;
  }
  nlohmann::json items = nlohmann::json::array();
  for (const auto& entry : entries) items.push_back(state::to_json(entry));
  return json_response(200, {{"entries", std::move(items)}, {"next_before", next_before}});
}

ApiResponse ApiRouter::retry_dead(const std::string& name, const std::string& body) const {
  parse_body(body, {});
  const std::size_t revived = controller_.retry_dead(name);
  return json_response(200, {{"sync", name}, {"revived", revived}});
}

ApiResponse ApiRouter::request_log(const std::string& destination) const {
  return json_response(200, {{"destination", destination}, {"requests", controller_.request_log(destination)}});
}

ApiResponse ApiRouter::reload_config(const std::string& body) const {
  parse_body(body, {});
  try {
    controller_.reload_config();
  } catch (const ControlError& e) {
    if (e.kind() != ControlError::Kind::Invalid) throw;
    throw ApiError(400, "invalid_config", std::string("the new config was refused, the old one stays: ") + e.what());
  }
  return json_response(200, {{"reloaded", true}});
}

ApiResponse ApiRouter::healthz() const { return json_response(200, {{"status", "ok"}}); }

ApiResponse ApiRouter::readyz() const {
  if (controller_.ready()) return json_response(200, {{"status", "ready"}});
  return json_response(503, {{"status", "not_ready"}});
}

ApiResponse ApiRouter::metrics_text() const {
  ApiResponse response;
  response.content_type = std::string(metrics::kTextFormatContentType);
  response.body = registry_.render();
  return response;
}

}  // namespace backflow::api
