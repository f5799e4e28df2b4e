// Cron expressions: parse refuses what is malformed with
// std::invalid_argument; what parses has a next fire time (or a
// runtime_error for dates that never come, like 30 February).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "service/schedule/cron.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using backflow::schedule::CronExpression;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const CronExpression cron = CronExpression::parse(text);
    (void)cron.next_after(std::chrono::system_clock::time_point(std::chrono::seconds(1'764'750'000)));
  } catch (const std::invalid_argument&) {
  } catch (const std::runtime_error&) {
  }
  return 0;
}
