#include "service/runner/klaviyo_state_journal.h"

#include "service/runner/kill_point.h"
#include "state/key_codec.h"

namespace backflow::runner {

StateKlaviyoJobJournal::StateKlaviyoJobJournal(state::StateDb& db, std::string sync) : db_(db), prefix_("kjob/") {
  state::append_segment(prefix_, sync);
}

std::string StateKlaviyoJobJournal::entry_key(const std::string& key) const {
  std::string entry = prefix_;
  state::append_segment(entry, key);
  return entry;
}

std::optional<std::string> StateKlaviyoJobJournal::find(const std::string& key) const {
  return db_.get(entry_key(key));
}

void StateKlaviyoJobJournal::remember(const std::string& key, const std::string& job_id) {
  db_.put(entry_key(key), job_id, /*durable=*/true);
  kill_point("klaviyo_job");
}

void StateKlaviyoJobJournal::forget(const std::string& key) {
  rocksdb::WriteBatch batch;
  batch.Delete(entry_key(key));
  db_.write(batch, /*durable=*/true);
}

}  // namespace backflow::runner
