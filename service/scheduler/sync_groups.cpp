#include "service/scheduler/sync_groups.h"

#include <variant>

namespace backflow::scheduler {
namespace {

// Union-find over sync names; the root of each set is its smallest name.
class Groups {
 public:
  const std::string& root(const std::string& name) {
    auto it = parent_.try_emplace(name, name).first;
    if (it->second == name) return it->first;
    std::string top = root(it->second);
    it->second = top;
    return parent_.find(top)->first;
  }
  void join(const std::string& a, const std::string& b) {
    std::string ra = root(a), rb = root(b);
    if (ra == rb) return;
    if (rb < ra) std::swap(ra, rb);
    parent_[rb] = ra;
  }

 private:
  std::map<std::string, std::string> parent_;
};

}  // namespace

std::map<std::string, std::string> shard_keys(const config::Config& config) {
  Groups groups;
  for (const auto& sync : config.syncs) {
    groups.root(sync.name);
    if (const auto* after = std::get_if<config::AfterSchedule>(&sync.schedule)) {
      for (const auto& parent : after->syncs) groups.join(sync.name, parent);
    }
  }
  std::map<std::string, std::string> keys;
  for (const auto& sync : config.syncs) keys[sync.name] = groups.root(sync.name);
  return keys;
}

}  // namespace backflow::scheduler
