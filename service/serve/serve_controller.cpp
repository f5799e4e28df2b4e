#include "service/serve/serve_controller.h"

#include <algorithm>

#include "destinations/request_log.h"
#include "service/scheduler/schedule_timing.h"

namespace backflow::serve {
namespace {

using api::ControlError;

std::string source_text(const config::SyncSource& source) {
  return source.warehouse + ": " + (source.table ? *source.table : std::string("query"));
}

std::string_view state_text(scheduler::SyncState state) {
  switch (state) {
    case scheduler::SyncState::Idle:
      return "idle";
    case scheduler::SyncState::Queued:
      return "queued";
    case scheduler::SyncState::Running:
      return "running";
  }
  return "idle";
}

nlohmann::json headers_json(const destinations::HttpHeaders& headers) {
  auto json = nlohmann::json::array();
  for (const auto& [name, value] : headers) json.push_back({name, value});
  return json;
}

[[noreturn]] void unknown_sync(const std::string& name) {
  throw ControlError(ControlError::Kind::NotFound, "no sync named '" + name + "' is scheduled by this service");
}

}  // namespace

api::SyncSummary summarize(const scheduler::SyncStatus& status) {
  const config::Sync& sync = *status.sync;
  api::SyncSummary summary;
  summary.name = sync.name;
  summary.source = source_text(sync.source);
  summary.destination = sync.destination.name;
  summary.object = sync.destination.object;
  summary.mode = std::string(config::to_string(sync.destination.mode));
  summary.schedule = scheduler::describe(sync.schedule);
  summary.paused = status.paused;
  summary.state = std::string(state_text(status.state));
  summary.current_run_id = status.run_id;
  if (status.next_due) summary.next_run_ms = scheduler::to_unix_ms(*status.next_due);
  return summary;
}

nlohmann::json request_log_json(const std::string& destination) {
  auto json = nlohmann::json::array();
  auto log = destinations::RequestLogRegistry::global().find(destination);
  if (!log) return json;
  auto entries = log->entries();
  std::reverse(entries.begin(), entries.end());
  for (const auto& e : entries) {
    json.push_back({
        {"sent_at_ms", scheduler::to_unix_ms(std::chrono::time_point_cast<scheduler::TimePoint::duration>(e.sent_at))},
        {"sync", e.sync},
        {"batch_id", e.batch_id},
        {"attempt", e.attempt},
        {"method", e.method},
        {"url", e.url},
        {"request_headers", headers_json(e.request_headers)},
        {"request_body", e.request_body},
        {"status", e.status},
        {"response_headers", headers_json(e.response_headers)},
        {"response_body", e.response_body},
        {"error", e.error},
        {"elapsed_ms", e.elapsed.count()},
    });
  }
  return json;
}

ServeController::ServeController(scheduler::Scheduler& scheduler, state::FailureStore& failures,
                                 ConfigReloader& reloader)
    : scheduler_(scheduler), failures_(failures), reloader_(reloader) {}

api::SyncSummary ServeController::summarize_with_failures(const scheduler::SyncStatus& status) const {
  api::SyncSummary summary = summarize(status);
  failures_.for_each(summary.name, false, [&](const state::FailedRecord& record) {
    ++(record.dead ? summary.dead_records : summary.failing_records);
    return true;
  });
  return summary;
}

std::vector<api::SyncSummary> ServeController::list_syncs() const {
  std::vector<api::SyncSummary> result;
  for (const auto& status : scheduler_.list()) result.push_back(summarize_with_failures(status));
  return result;
}

std::optional<api::SyncSummary> ServeController::find_sync(const std::string& name) const {
  auto status = scheduler_.find(name);
  if (!status) return std::nullopt;
  return summarize_with_failures(*status);
}

std::string ServeController::trigger(const std::string& name, bool full_resync, bool force) {
  auto kind = full_resync ? state::RunTrigger::Resync : state::RunTrigger::Api;
  auto result = scheduler_.trigger(name, kind, full_resync, force);
  switch (result.status) {
    case scheduler::TriggerResult::Status::Started:
      return result.run_id;
    case scheduler::TriggerResult::Status::UnknownSync:
      unknown_sync(name);
    case scheduler::TriggerResult::Status::Busy:
      throw ControlError(ControlError::Kind::Conflict,
                         "sync '" + name + "' already has a run queued or running (" + result.run_id + ")");
    case scheduler::TriggerResult::Status::ShuttingDown:
      break;
  }
  throw ControlError(ControlError::Kind::Conflict, "the service is shutting down and takes no new runs");
}

void ServeController::pause(const std::string& name) {
  if (!scheduler_.set_paused(name, true)) unknown_sync(name);
}

void ServeController::resume(const std::string& name) {
  if (!scheduler_.set_paused(name, false)) unknown_sync(name);
}

void ServeController::cancel(const std::string& run_id) {
  switch (scheduler_.cancel(run_id)) {
    case scheduler::CancelResult::Requested:
      return;
    case scheduler::CancelResult::UnknownRun:
      throw ControlError(ControlError::Kind::NotFound, "no run with id '" + run_id + "'");
    case scheduler::CancelResult::AlreadyEnded:
      throw ControlError(ControlError::Kind::Conflict, "run '" + run_id + "' has already ended");
  }
}

std::size_t ServeController::retry_dead(const std::string& name) {
  if (!scheduler_.find(name)) unknown_sync(name);
  return failures_.revive_dead(name);
}

void ServeController::reload_config() {
  try {
    reloader_.reload();
  } catch (const ConfigRefused& e) {
    throw ControlError(ControlError::Kind::Invalid, e.what());
  }
}

nlohmann::json ServeController::request_log(const std::string& destination) const {
  if (!scheduler_.config()->find_destination(destination)) {
    throw ControlError(ControlError::Kind::NotFound, "no destination named '" + destination + "'");
  }
  return request_log_json(destination);
}

}  // namespace backflow::serve
