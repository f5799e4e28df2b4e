#include "destinations/retry_policy.h"

#include <algorithm>

namespace backflow::destinations {

RetryPolicy::RetryPolicy(RetryPolicySettings settings)
    : settings_(settings), random_(std::random_device{}()) {}

std::chrono::milliseconds RetryPolicy::delay(int attempts,
                                             std::optional<std::chrono::milliseconds> server_wait) {
  const int exponent = std::clamp(attempts - 1, 0, 30);
  const std::int64_t base = std::max<std::int64_t>(0, settings_.base_delay.count());
  std::int64_t ceiling = std::min<std::int64_t>(settings_.max_delay.count(), base << exponent);
  if (base != 0 && (base << exponent) >> exponent != base) ceiling = settings_.max_delay.count();
  std::uniform_int_distribution<std::int64_t> jitter(0, std::max<std::int64_t>(0, ceiling));
  std::chrono::milliseconds wait(jitter(random_));
  if (server_wait) wait = std::max(wait, *server_wait);
  return wait;
}

}  // namespace backflow::destinations
