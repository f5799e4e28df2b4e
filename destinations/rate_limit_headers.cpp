#include "destinations/rate_limit_headers.h"

#include <charconv>
#include <ctime>
#include <string>

namespace backflow::destinations {

namespace {

std::optional<double> parse_number(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  double number = 0;
  auto result = std::from_chars(text.data(), text.data() + text.size(), number);
  if (result.ec != std::errc() || result.ptr != text.data() + text.size() || number < 0) {
    return std::nullopt;
  }
  return number;
}

std::chrono::milliseconds seconds_to_ms(double seconds) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000.0));
}

std::chrono::milliseconds until(std::chrono::system_clock::time_point when,
                                std::chrono::system_clock::time_point now) {
  if (when <= now) return std::chrono::milliseconds(0);
  return std::chrono::duration_cast<std::chrono::milliseconds>(when - now);
}

}  // namespace

std::optional<std::chrono::milliseconds> retry_after(const HttpResponse& response,
                                                     std::chrono::system_clock::time_point now) {
  auto value = response.header("retry-after");
  if (!value) return std::nullopt;
  if (auto seconds = parse_number(*value)) return seconds_to_ms(*seconds);
  std::tm parts{};
  std::string text(*value);
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &parts);
  if (end == nullptr) return std::nullopt;
  auto when = std::chrono::system_clock::from_time_t(timegm(&parts));
  return until(when, now);
}

std::optional<std::chrono::milliseconds> exhausted_budget_wait(
    const HttpResponse& response, const RateLimitHeaderNames& names,
    std::chrono::system_clock::time_point now) {
  std::optional<double> remaining;
  for (const auto& name : names.remaining) {
    if (auto value = response.header(name)) {
      remaining = parse_number(*value);
      break;
    }
  }
  if (!remaining || *remaining >= 1) return std::nullopt;
  for (const auto& name : names.reset) {
    auto value = response.header(name);
    if (!value) continue;
    auto reset = parse_number(*value);
    if (!reset) continue;
    if (*reset > 1e9) {
      auto when = std::chrono::system_clock::time_point(
          std::chrono::duration_cast<std::chrono::system_clock::duration>(
              std::chrono::duration<double>(*reset)));
      return until(when, now);
    }
    return seconds_to_ms(*reset);
  }
  return std::chrono::milliseconds(1000);
}

}  // namespace backflow::destinations
