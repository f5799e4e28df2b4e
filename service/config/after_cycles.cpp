// Cycles among `schedule: {after: [...]}` references: a sync that waits,
// directly or not, for itself would never run.
#include <map>
#include <set>

#include "service/config/section_parsers.h"

namespace backflow::config {
namespace {

class CycleFinder {
 public:
  CycleFinder(YamlReader& reader, const std::vector<Sync>& syncs) : reader_(reader) {
    for (const auto& sync : syncs) {
      syncs_[sync.name] = &sync;
      if (const auto* after = std::get_if<AfterSchedule>(&sync.schedule)) edges_[sync.name] = after->syncs;
    }
  }

  void run() {
    for (const auto& [name, unused] : syncs_) visit(name);
  }

 private:
  void visit(const std::string& name) {
    if (done_.count(name)) return;
    if (auto on_path = std::find(path_.begin(), path_.end(), name); on_path != path_.end()) {
      report(std::vector<std::string>(on_path, path_.end()), name);
      return;
    }
    path_.push_back(name);
    for (const auto& next : edges_[name]) {
      if (syncs_.count(next)) visit(next);
    }
    path_.pop_back();
    done_.insert(name);
  }

  void report(const std::vector<std::string>& cycle, const std::string& back_to) {
    std::string text;
    for (const auto& name : cycle) text += name + " -> ";
    text += back_to;
    const Sync& first = *syncs_.at(cycle.front());
    reader_.error(first.schedule_location, "syncs." + first.name + ".schedule.after",
                  "schedule 'after' references form a cycle: " + text + " (each would wait for the other forever)");
  }

  YamlReader& reader_;
  std::map<std::string, const Sync*> syncs_;
  std::map<std::string, std::vector<std::string>> edges_;
  std::vector<std::string> path_;
  std::set<std::string> done_;
};

}  // namespace

void check_after_cycles(YamlReader& reader, const std::vector<Sync>& syncs) { CycleFinder(reader, syncs).run(); }

}  // namespace backflow::config
