#include "service/metrics/service_metrics.h"

namespace backflow::metrics {

ServiceMetrics::ServiceMetrics(Registry& registry)
    : runs_total(
          registry.counter("backflow_runs_total", "Runs finished, by sync and terminal status.", {"sync", "status"})),
      records_total(registry.counter("backflow_records_total",
                                     "Records sent to destinations, by sync, change op and outcome.",
                                     {"sync", "op", "outcome"})),
      run_duration_seconds(registry.histogram("backflow_run_duration_seconds", "Wall time of finished runs.", {"sync"},
                                              exponential_buckets(1, 2, 14))),
      rows_read_total(registry.counter("backflow_rows_read_total", "Rows read from warehouses.", {"sync"})),
      rate_limit_waits_total(registry.counter(
          "backflow_rate_limit_waits_total", "Times delivery waited for a destination's rate limit.", {"destination"})),
      rate_limited_responses_total(registry.counter("backflow_http_429_responses_total",
                                                    "Rate-limit answers from destinations (HTTP 429, or the vendor equivalent such as Salesforce REQUEST_LIMIT_EXCEEDED).", {"destination"})),
      schedule_delay_seconds(registry.histogram(
          "backflow_schedule_delay_seconds",
          "Time from the moment a schedule made a run due to a worker starting it.", {},
          exponential_buckets(0.001, 4, 10))),
      queue_depth(registry.gauge("backflow_queue_depth", "Runs due and waiting for a free worker.")),
      last_success_timestamp_seconds(registry.gauge("backflow_last_success_timestamp_seconds",
                                                    "Unix time at which the sync's last successful run ended.",
                                                    {"sync"})),
      http_requests_total(
          registry.counter("backflow_api_requests_total", "HTTP API requests served.", {"method", "route", "code"})),
      http_request_duration_seconds(registry.histogram("backflow_api_request_duration_seconds",
                                                       "Time to serve HTTP API requests.", {"route"},
                                                       exponential_buckets(0.0005, 4, 8))) {}

}  // namespace backflow::metrics
