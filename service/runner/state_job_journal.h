// The job journal of one sync (destinations/job_journal.h) kept in the state
// database, so a run resumed after the process died carries on with the
// vendor jobs it had started (Klaviyo imports, Salesforce Bulk jobs) instead
// of sending their records again.
#pragma once

#include <string>

#include "destinations/job_journal.h"
#include "state/state_db.h"

namespace backflow::runner {

class StateJobJournal final : public destinations::JobJournal {
 public:
  // `db` must outlive the journal. Writes are durable: a job id must be on
  // disk before the upload it names is relied on. Thread-safe.
  StateJobJournal(state::StateDb& db, const std::string& sync);

  std::optional<destinations::JobState> find(const std::string& key) const override;
  // Passes the crash-test kill point "job" once the state is on disk.
  void remember(const std::string& key, const destinations::JobState& state) override;
  void forget(const std::string& key) override;

 private:
  static std::string entry_key(const std::string& prefix, const std::string& key);

  state::StateDb& db_;
  std::string prefix_;         // "job/<sync>/"
  std::string legacy_prefix_;  // "kjob/<sync>/": Klaviyo job ids written before the shared journal
};

}  // namespace backflow::runner
