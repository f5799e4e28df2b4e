#include "service/commands/run_output.h"
#include "common/text.h"

#include <cstdio>
#include <ctime>
#include <iomanip>

namespace backflow::cli {

namespace {


std::string utc_time(std::int64_t ms) {
  if (ms <= 0) return "-";
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%SZ", &tm);
  return text;
}

void count_row(std::ostream& out, const char* a, std::uint64_t va, const char* b, std::uint64_t vb, const char* c,
               std::uint64_t vc, const char* d = nullptr, std::uint64_t vd = 0) {
  out << "  " << std::left << std::setw(10) << a << std::right << std::setw(9) << va << "   " << std::left
      << std::setw(9) << b << std::right << std::setw(9) << vb << "   " << std::left << std::setw(9) << c << std::right
      << std::setw(9) << vc;
  if (d != nullptr) out << "   " << std::left << std::setw(9) << d << std::right << std::setw(9) << vd;
  out << "\n";
}

}  // namespace

std::string format_duration_ms(std::int64_t ms) {
  char text[32];
  if (ms < 1000) std::snprintf(text, sizeof text, "%lldms", static_cast<long long>(ms));
  else if (ms < 60000) std::snprintf(text, sizeof text, "%.1fs", static_cast<double>(ms) / 1000.0);
  else std::snprintf(text, sizeof text, "%lldm%02llds", static_cast<long long>(ms / 60000),
                     static_cast<long long>((ms / 1000) % 60));
  return text;
}

void print_run_report(const runner::RunReport& report, std::ostream& out) {
  const state::RunRecord& run = report.record;
  const std::int64_t duration = run.ended_at_ms > 0 ? run.ended_at_ms - run.started_at_ms : 0;
  out << "sync " << run.sync << "  " << (run.id == "dry-run" ? std::string("dry run") : "run " + run.id) << "  "
      << text::lower(state::to_string(run.phase)) << " in " << format_duration_ms(duration)
      << (report.resumed ? "  (resumed after an interruption)" : "") << (run.full_resync ? "  (full resync)" : "")
      << "\n";
  const state::RunCounts& c = run.counts;
  count_row(out, "rows read", c.rows_read, "invalid", c.invalid, "skipped", c.skipped);
  count_row(out, "added", c.added, "changed", c.changed, "removed", c.removed);
  if (run.id != "dry-run") {
    count_row(out, "sent", c.sent, "accepted", c.accepted, "rejected", c.rejected);
    count_row(out, "undelivered", c.undelivered, "dead", c.dead, "retried", c.retried);
  }
  if (!run.phase_ms.empty()) {
    out << "  phases   ";
    // In the order the run went through them (phase_ms is keyed by name).
    for (state::RunPhase phase : {state::RunPhase::Preflight, state::RunPhase::Snapshot, state::RunPhase::Diff,
                                  state::RunPhase::Guard, state::RunPhase::Deliver, state::RunPhase::Commit}) {
      auto it = run.phase_ms.find(std::string(state::to_string(phase)));
      if (it != run.phase_ms.end()) out << " " << it->first << " " << format_duration_ms(it->second);
    }
    out << "\n";
  }
  if (!run.error.empty()) out << "  " << text::lower(state::to_string(run.phase)) << " in " << text::lower(run.error_phase) << ": " << run.error << "\n";
  if (!report.failures.empty()) {
    out << "  failed records (first " << report.failures.size() << "):\n";
    for (const state::RecordResult& r : report.failures) {
      out << "    " << std::left << std::setw(11) << r.status << " key " << r.key;
      if (!r.op.empty()) out << " (" << r.op << ")";
      out << ": " << r.message << "\n";
    }
  }
  if (!report.dry_run_ops.empty() || run.id == "dry-run") {
    out << "  would send:";
    if (report.dry_run_ops.empty()) out << " nothing";
    for (const auto& [op, n] : report.dry_run_ops) out << "  " << op << " " << n;
    out << "\n";
    for (const std::string& payload : report.dry_run_payloads) out << "    " << payload << "\n";
    out << "  dry run: nothing was sent or committed\n";
  }
}

void print_run_line(const state::RunRecord& run, std::ostream& out) {
  const std::int64_t duration = run.ended_at_ms > 0 ? run.ended_at_ms - run.started_at_ms : 0;
  const state::RunCounts& c = run.counts;
  out << "  " << std::left << std::setw(14) << run.id << std::setw(11) << text::lower(state::to_string(run.phase))
      << std::setw(22) << utc_time(run.started_at_ms) << std::right << std::setw(8) << format_duration_ms(duration)
      << "  +" << c.added << " ~" << c.changed << " -" << c.removed << "  sent " << c.sent << " rejected "
      << c.rejected << " undelivered " << c.undelivered << " invalid " << c.invalid;
  if (!run.error.empty()) out << "  " << run.error;
  out << "\n";
}

}  // namespace backflow::cli
