// A test hook for the parity checks: BACKFLOW_TEST_FAULT=<fault>:<n> makes a
// run misbehave the way a broken driver or destination would, so tests can
// prove that such a run never commits. Faults: "short_read" (the model read
// ends after n rows, without an error), "short_changes" (the diff's change
// stream ends after n changes), "drop_outcome" (the n-th record outcome is
// lost). Unset, or naming another fault: nullopt.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace backflow::runner {

std::optional<std::uint64_t> fault_setting(std::string_view fault);

}  // namespace backflow::runner
