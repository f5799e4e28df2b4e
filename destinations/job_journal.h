// Where a destination type whose delivery is a multi-step vendor job (a
// Klaviyo bulk import, a Salesforce Bulk API 2.0 ingest job) keeps what a run
// resumed after a crash needs to carry on with the same job instead of
// sending the records a second time. The runner provides a journal kept in
// the service's state (durable before the call returns); dry runs and tests
// use MemoryJobJournal. Keys are chosen by the type and start with the run
// id ("<run_id>.<sequence>", "<run_id>.bulk"), so a resumed run, which keeps
// its run id, finds them and a new run does not.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace backflow::destinations {

// One job's state: the vendor's id and the last step that is known to have
// completed ("created", "uploaded", ...; the type's own names, "" when the
// type has only one).
struct JobState {
  std::string job_id;
  std::string step;

  bool operator==(const JobState&) const = default;
};

class JobJournal {
 public:
  virtual ~JobJournal() = default;

  // The state remembered under `key`, or nullopt.
  virtual std::optional<JobState> find(const std::string& key) const = 0;

  // Remembers `state` under `key`, replacing what was there. Durable when
  // it returns (for journals that outlive the process).
  virtual void remember(const std::string& key, const JobState& state) = 0;

  // Forgets `key`; nothing happens when it is absent.
  virtual void forget(const std::string& key) = 0;
};

// A journal that lives as long as the object: a crash forgets started jobs.
// Thread-safe.
class MemoryJobJournal final : public JobJournal {
 public:
  std::optional<JobState> find(const std::string& key) const override;
  void remember(const std::string& key, const JobState& state) override;
  void forget(const std::string& key) override;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, JobState> jobs_;
};

}  // namespace backflow::destinations
