#include "destinations/job_journal.h"

namespace backflow::destinations {

std::optional<JobState> MemoryJobJournal::find(const std::string& key) const {
  std::lock_guard lock(mutex_);
  auto it = jobs_.find(key);
  if (it == jobs_.end()) return std::nullopt;
  return it->second;
}

void MemoryJobJournal::remember(const std::string& key, const JobState& state) {
  std::lock_guard lock(mutex_);
  jobs_[key] = state;
}

void MemoryJobJournal::forget(const std::string& key) {
  std::lock_guard lock(mutex_);
  jobs_.erase(key);
}

}  // namespace backflow::destinations
