#include "service/alerts/alert_state_store.h"

#include "state/key_codec.h"

namespace backflow::alerts {
namespace {

std::string db_key(const std::string& key) {
  std::string full = "alert/";
  state::append_segment(full, key);
  return full;
}

}  // namespace

AlertStateStore::AlertStateStore(state::StateDb& db) : db_(db) {}

bool AlertStateStore::firing(const std::string& key) const { return db_.get(db_key(key)).value_or("0") == "1"; }

void AlertStateStore::set_firing(const std::string& key, bool firing) { db_.put(db_key(key), firing ? "1" : "0", false); }

}  // namespace backflow::alerts
