#include "service/serve/rate_limit_metrics.h"

#include "destinations/rate_limiter.h"

namespace backflow::serve {
namespace {

// Counters only go up: add what the limiter counted since the last scrape.
void raise_to(metrics::Counter& counter, std::uint64_t total) {
  const double missing = static_cast<double>(total) - counter.value();
  if (missing > 0) counter.inc(missing);
}

}  // namespace

void collect_rate_limit_metrics(metrics::Registry& registry, metrics::ServiceMetrics& metrics) {
  registry.add_collector([&metrics] {
    for (const auto& [destination, stats] : destinations::RateLimiterRegistry::global().stats()) {
      raise_to(metrics.rate_limit_waits_total.with({destination}), stats.waits);
      raise_to(metrics.rate_limited_responses_total.with({destination}), stats.throttled);
    }
  });
}

}  // namespace backflow::serve
