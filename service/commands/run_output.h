// How `backflow run` and `backflow status` print runs for people: a few
// aligned lines per run. Kept apart from the commands so both print alike.
#pragma once

#include <ostream>
#include <string>

#include "service/runner/sync_runner.h"
#include "state/run_record.h"

namespace backflow::cli {

// "1.2s", "350ms", "2m05s".
std::string format_duration_ms(std::int64_t ms);

// The summary of a finished run: outcome line, counts, error, failure samples
// and (dry run) counts per op and payload samples.
void print_run_report(const runner::RunReport& report, std::ostream& out);

// One line per run for `status`: id, phase, when, duration, main counts.
void print_run_line(const state::RunRecord& run, std::ostream& out);

}  // namespace backflow::cli
