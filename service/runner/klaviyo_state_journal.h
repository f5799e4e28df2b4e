// The Klaviyo job journal of one sync kept in the state database, so a run
// resumed after the process died polls the import jobs it had started
// instead of uploading their profiles again (docs/destinations/klaviyo.md).
#pragma once

#include <string>

#include "destinations/klaviyo/klaviyo_job_journal.h"
#include "state/state_db.h"

namespace backflow::runner {

class StateKlaviyoJobJournal : public destinations::KlaviyoJobJournal {
 public:
  // `db` must outlive the journal. Writes are durable: a job id must be on
  // disk before the upload it names is relied on. Thread-safe.
  StateKlaviyoJobJournal(state::StateDb& db, std::string sync);

  std::optional<std::string> find(const std::string& key) const override;
  void remember(const std::string& key, const std::string& job_id) override;
  void forget(const std::string& key) override;

 private:
  std::string entry_key(const std::string& key) const;

  state::StateDb& db_;
  std::string prefix_;
};

}  // namespace backflow::runner
