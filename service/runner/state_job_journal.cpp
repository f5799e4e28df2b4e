#include "service/runner/state_job_journal.h"

#include <nlohmann/json.hpp>

#include "service/runner/kill_point.h"
#include "state/key_codec.h"

namespace backflow::runner {

StateJobJournal::StateJobJournal(state::StateDb& db, const std::string& sync)
    : db_(db), prefix_("job/"), legacy_prefix_("kjob/") {
  state::append_segment(prefix_, sync);
  state::append_segment(legacy_prefix_, sync);
}

std::string StateJobJournal::entry_key(const std::string& prefix, const std::string& key) {
  std::string entry = prefix;
  state::append_segment(entry, key);
  return entry;
}

std::optional<destinations::JobState> StateJobJournal::find(const std::string& key) const {
  if (auto stored = db_.get(entry_key(prefix_, key))) {
    const nlohmann::json value = nlohmann::json::parse(*stored, nullptr, /*allow_exceptions=*/false);
    if (value.is_object()) return destinations::JobState{value.value("job_id", ""), value.value("step", "")};
  }
  // A Klaviyo import started by a version that kept bare job ids.
  if (auto job_id = db_.get(entry_key(legacy_prefix_, key))) return destinations::JobState{*job_id, ""};
  return std::nullopt;
}

void StateJobJournal::remember(const std::string& key, const destinations::JobState& state) {
  const nlohmann::json value = {{"job_id", state.job_id}, {"step", state.step}};
  db_.put(entry_key(prefix_, key), value.dump(), /*durable=*/true);
  kill_point("job");
}

void StateJobJournal::forget(const std::string& key) {
  rocksdb::WriteBatch batch;
  batch.Delete(entry_key(prefix_, key));
  batch.Delete(entry_key(legacy_prefix_, key));
  db_.write(batch, /*durable=*/true);
}

}  // namespace backflow::runner
