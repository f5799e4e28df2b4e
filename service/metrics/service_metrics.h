// The metric families backflow exposes (issue 7, Prometheus naming), created
// in one registry so the scheduler, runner, delivery engine and API all feed
// the same names. References stay valid as long as the registry.
#pragma once

#include "service/metrics/registry.h"

namespace backflow::metrics {

struct ServiceMetrics {
  explicit ServiceMetrics(Registry& registry);

  CounterFamily& runs_total;                       // {sync, status}: finished runs by terminal phase
  CounterFamily& records_total;                    // {sync, op, outcome}: records sent, by change and result
  HistogramFamily& run_duration_seconds;           // {sync}
  CounterFamily& rows_read_total;                  // {sync}
  CounterFamily& rate_limit_waits_total;           // {destination}
  CounterFamily& rate_limited_responses_total;     // {destination}: HTTP 429s received
  HistogramFamily& schedule_delay_seconds;         // from a run's scheduled time to a worker starting it
  GaugeFamily& queue_depth;                        // runs due but waiting for a worker
  GaugeFamily& last_success_timestamp_seconds;     // {sync}: unix time of the last succeeded run
  CounterFamily& http_requests_total;              // {method, route, code}: API requests served
  HistogramFamily& http_request_duration_seconds;  // {route}
};

}  // namespace backflow::metrics
