// Feeds the destinations' rate-limiter statistics (waits for a token, 429s
// and the vendors' equivalents) into /metrics. The limiters are process-wide
// (destinations::RateLimiterRegistry), shared by every run of a destination
// account, so the counters are read from them at scrape time rather than
// summed from run reports.
#pragma once

#include "service/metrics/registry.h"
#include "service/metrics/service_metrics.h"

namespace backflow::serve {

// Registers a collector on `registry` that brings
// backflow_rate_limit_waits_total and backflow_http_429_responses_total up to
// the limiters' counts before each render. `metrics` must outlive `registry`'s
// last render.
void collect_rate_limit_metrics(metrics::Registry& registry, metrics::ServiceMetrics& metrics);

}  // namespace backflow::serve
