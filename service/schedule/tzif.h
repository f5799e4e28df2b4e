// Reader for TZif files (RFC 8536), the compiled zoneinfo database.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "service/schedule/posix_tz.h"

namespace backflow::schedule {

// A zone's UTC offsets: the transitions the file lists, then its footer
// rule for everything after the last one. Immutable; thread-safe.
class ZoneRules {
 public:
  // Parses the contents of a TZif file (version 1, 2, 3 or 4). Throws
  // std::invalid_argument saying what is wrong when it is not one.
  static ZoneRules parse(std::string_view bytes);

  // Seconds east of UTC at the given Unix time.
  std::int64_t offset_at(std::int64_t unix_seconds) const;

 private:
  std::vector<std::int64_t> transition_times_;  // ascending
  std::vector<std::int64_t> offset_after_;      // offset from transition_times_[i] on
  std::int64_t initial_offset_ = 0;             // before the first transition
  std::optional<PosixTzRule> footer_;           // after the last transition
};

}  // namespace backflow::schedule
