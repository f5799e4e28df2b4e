// Cycles among `schedule: {after: [...]}` references: a sync that waits,
// directly or not, for itself would never run.
//
// Iterative depth-first search with an explicit stack: a config may hold
// tens of thousands of syncs in one chain, which must neither overflow the
// call stack nor cost quadratic time (each sync and edge is visited once).
#include <string_view>
#include <unordered_map>

#include "common/text.h"
#include "service/config/section_parsers.h"

namespace backflow::config {
namespace {

class CycleFinder {
 public:
  CycleFinder(YamlReader& reader, const std::vector<Sync>& syncs) : reader_(reader), syncs_(syncs) {
    index_.reserve(syncs.size());
    for (std::size_t i = 0; i < syncs.size(); ++i) index_.emplace(syncs[i].name, i);
    state_.assign(syncs.size(), State::unvisited);
    position_.assign(syncs.size(), 0);
  }

  void run() {
    for (std::size_t start = 0; start < syncs_.size(); ++start) {
      if (state_[start] == State::unvisited) visit_from(start);
    }
  }

 private:
  enum class State { unvisited, on_path, done };

  // One sync on the current path and the next of its `after` parents to try.
  struct Frame {
    std::size_t sync;
    std::size_t next_parent = 0;
  };

  const std::vector<std::string>* parents(std::size_t sync) const {
    const auto* after = std::get_if<AfterSchedule>(&syncs_[sync].schedule);
    return after == nullptr ? nullptr : &after->syncs;
  }

  void visit_from(std::size_t start) {
    std::vector<Frame> path{{start}};
    state_[start] = State::on_path;
    position_[start] = 0;
    while (!path.empty()) {
      Frame& top = path.back();
      const auto* names = parents(top.sync);
      if (names == nullptr || top.next_parent >= names->size()) {
        state_[top.sync] = State::done;
        path.pop_back();
        continue;
      }
      const std::string& name = (*names)[top.next_parent++];
      auto found = index_.find(name);
      if (found == index_.end()) continue;  // unknown names are reported by the schedule parser
      const std::size_t next = found->second;
      if (state_[next] == State::done) continue;
      if (state_[next] == State::on_path) {
        report(path, position_[next], next);
        continue;
      }
      state_[next] = State::on_path;
      position_[next] = path.size();
      path.push_back(Frame{next});
    }
  }

  void report(const std::vector<Frame>& path, std::size_t from, std::size_t back_to) {
    // A cycle of thousands of syncs is named by its ends, not listed whole.
    constexpr std::size_t kShown = 8;
    std::string text;
    const std::size_t length = path.size() - from;
    for (std::size_t i = from; i < path.size(); ++i) {
      const std::size_t offset = i - from;
      if (length > kShown && offset == kShown / 2) {
        text += "... (" + std::to_string(length - kShown) + " more) -> ";
        i = path.size() - kShown / 2 - 1;
        continue;
      }
      text += text::escape_for_message(syncs_[path[i].sync].name, 60) + " -> ";
    }
    text += text::escape_for_message(syncs_[back_to].name, 60);
    const Sync& first = syncs_[path[from].sync];
    reader_.error(first.schedule_location, "syncs." + first.name + ".schedule.after",
                  "schedule 'after' references form a cycle: " + text + " (each would wait for the other forever)");
  }

  YamlReader& reader_;
  const std::vector<Sync>& syncs_;
  std::unordered_map<std::string_view, std::size_t> index_;
  std::vector<State> state_;
  std::vector<std::size_t> position_;  // a sync's index in the current path, while it is on_path
};

}  // namespace

void check_after_cycles(YamlReader& reader, const std::vector<Sync>& syncs) { CycleFinder(reader, syncs).run(); }

}  // namespace backflow::config
