#include "service/scheduler/schedule_state_store.h"

#include <nlohmann/json.hpp>

#include "state/key_codec.h"

namespace backflow::scheduler {
namespace {

std::string key_of(const std::string& sync) {
  std::string key = "sched/";
  state::append_segment(key, sync);
  return key;
}

}  // namespace

ScheduleStateStore::ScheduleStateStore(state::StateDb& db) : db_(db) {}

SyncScheduleState ScheduleStateStore::get(const std::string& sync) const {
  SyncScheduleState value;
  auto stored = db_.get(key_of(sync));
  if (!stored) return value;
  auto json = nlohmann::json::parse(*stored, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    throw state::StateError("schedule state of sync '" + sync + "' is not valid JSON");
  }
  if (json.contains("last_fire_ms") && json["last_fire_ms"].is_number_integer()) {
    value.last_fire_ms = json["last_fire_ms"].get<std::int64_t>();
  }
  value.paused = json.value("paused", false);
  return value;
}

void ScheduleStateStore::put(const std::string& sync, const SyncScheduleState& value) {
  nlohmann::json json = {{"paused", value.paused}};
  if (value.last_fire_ms) json["last_fire_ms"] = *value.last_fire_ms;
  db_.put(key_of(sync), json.dump(), true);
}

}  // namespace backflow::scheduler
