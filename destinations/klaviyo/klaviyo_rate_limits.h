// Klaviyo counts rate limits per endpoint: each operation of the bulk import
// API has its own budget (the contract's `x-klaviyo-ratelimit`: 10/s burst,
// 150/min steady for creating a job, for getting a job and for reading its
// import errors). A Klaviyo account therefore has three limiters. Creating
// jobs is the one that bounds throughput (one request per 10,000 profiles);
// polls and error reads spend their own budgets, not that one.
#pragma once

#include <memory>
#include <string>

#include "destinations/rate_limiter.h"

namespace backflow::destinations {

struct KlaviyoLimiters {
  std::shared_ptr<RateLimiter> create_job;     // POST /api/profile-bulk-import-jobs
  std::shared_ptr<RateLimiter> get_job;        // GET  /api/profile-bulk-import-jobs/{id}
  std::shared_ptr<RateLimiter> import_errors;  // GET  /api/profile-bulk-import-jobs/{id}/import-errors

  // The documented steady limit of each endpoint: 150 requests per minute.
  static RateLimit documented_limit();

  // The account's process-wide limiters (RateLimiterRegistry): "<account>"
  // for creating jobs (the name other destination types give their one
  // limiter, so the account's /metrics series keep their meaning),
  // "<account>/get-job" and "<account>/import-errors", each with `limit` (the
  // account's rate_limit, else documented_limit()).
  static KlaviyoLimiters for_account(const std::string& account, RateLimit limit);

  // Three unlimited limiters of the caller's own (tests, contract checks).
  static KlaviyoLimiters unlimited();
};

}  // namespace backflow::destinations
