#include "destinations/klaviyo/klaviyo_rate_limits.h"

namespace backflow::destinations {

RateLimit KlaviyoLimiters::documented_limit() { return RateLimit{150, std::chrono::minutes(1)}; }

KlaviyoLimiters KlaviyoLimiters::for_account(const std::string& account, RateLimit limit) {
  auto& registry = RateLimiterRegistry::global();
  return {registry.for_destination(account, limit), registry.for_destination(account + "/get-job", limit),
          registry.for_destination(account + "/import-errors", limit)};
}

KlaviyoLimiters KlaviyoLimiters::unlimited() {
  return {std::make_shared<RateLimiter>(RateLimit{}), std::make_shared<RateLimiter>(RateLimit{}),
          std::make_shared<RateLimiter>(RateLimit{})};
}

}  // namespace backflow::destinations
