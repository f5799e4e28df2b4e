// Which alert conditions are firing, kept in the state database ("alert/")
// so that a restart neither repeats an alert nor forgets to send its
// recovery message.
#pragma once

#include <string>

#include "state/state_db.h"

namespace backflow::alerts {

class AlertStateStore {
 public:
  // `db` must outlive the store. Thread-safe.
  explicit AlertStateStore(state::StateDb& db);

  // `key` identifies one condition of one sync for one target
  // (AlertMonitor builds it; it holds no secrets).
  bool firing(const std::string& key) const;
  void set_firing(const std::string& key, bool firing);

 private:
  state::StateDb& db_;
};

}  // namespace backflow::alerts
