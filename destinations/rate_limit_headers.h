// Reading servers' rate-limit instructions from response headers.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "destinations/destination_module.h"
#include "destinations/http_message.h"

namespace backflow::destinations {

// Retry-After as a wait from `now`: delta-seconds ("120") or an HTTP-date
// ("Wed, 21 Oct 2015 07:28:00 GMT"; a date in the past gives zero). nullopt
// when absent or unreadable.
std::optional<std::chrono::milliseconds> retry_after(
    const HttpResponse& response,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

// When the vendor's headers say the budget is spent (remaining == 0): how long
// until it resets. Reset values above 10^9 are read as epoch seconds, others
// as seconds from now; a missing reset counts as one second.
std::optional<std::chrono::milliseconds> exhausted_budget_wait(
    const HttpResponse& response, const RateLimitHeaderNames& names,
    std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace backflow::destinations
