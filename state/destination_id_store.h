// The vendor's id of every record a sync has written (HubSpot object id,
// Salesforce id, Intercom contact id), per sync and record key: deletes and
// id-addressed updates need it, and only the outcome of the write tells it.
// A deleted record's id is forgotten.
#pragma once

#include <optional>
#include <string>

#include "state/state_db.h"

namespace backflow::state {

class DestinationIdStore {
 public:
  // `db` must outlive the store. Callers serialise writes to one sync (one
  // run per sync at a time); reads are thread-safe.
  explicit DestinationIdStore(StateDb& db);

  std::optional<std::string> find(const std::string& sync, const std::string& record_key) const;
  void remember(const std::string& sync, const std::string& record_key, const std::string& destination_id);
  void forget(const std::string& sync, const std::string& record_key);

 private:
  StateDb& db_;
};

}  // namespace backflow::state
