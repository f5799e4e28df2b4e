#include "service/runner/run_journal.h"

namespace backflow::runner {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

RunJournal::RunJournal(state::RunStore* store, state::RunRecord record)
    : store_(store), record_(std::move(record)), phase_started_(std::chrono::steady_clock::now()) {}

void RunJournal::close_phase_timer() {
  const auto now = std::chrono::steady_clock::now();
  if (!state::is_terminal(record_.phase) && record_.phase != state::RunPhase::Queued) {
    record_.phase_ms[std::string(state::to_string(record_.phase))] +=
        std::chrono::duration_cast<std::chrono::milliseconds>(now - phase_started_).count();
  }
  phase_started_ = now;
}

void RunJournal::enter(state::RunPhase phase) {
  close_phase_timer();
  record_.phase = phase;
  save();
}

void RunJournal::save() {
  if (store_ != nullptr) store_->save(record_);
}

void RunJournal::finish(state::RunPhase terminal, const std::string& error, std::string_view decided_in) {
  close_phase_timer();
  if (!error.empty()) {
    record_.error_phase = std::string(decided_in.empty() ? state::to_string(record_.phase) : decided_in);
    record_.error = error;
  }
  record_.phase = terminal;
  record_.ended_at_ms = now_ms();
  save();
}

}  // namespace backflow::runner
