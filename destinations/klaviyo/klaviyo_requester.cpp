#include "destinations/klaviyo/klaviyo_requester.h"

#include <thread>

#include "destinations/destination_error.h"
#include "destinations/rate_limit_headers.h"
#include "destinations/vendor_error.h"

namespace backflow::destinations {

namespace {

std::vector<std::string> secrets_of(const DestinationSettings& settings) {
  if (settings.secret.empty()) return {};
  return {settings.secret};
}

}  // namespace

KlaviyoRequester::KlaviyoRequester(const DestinationSettings& settings, std::shared_ptr<RequestLog> log,
                                   std::string sync, std::stop_token stop)
    : settings_(settings),
      log_(std::move(log)),
      sync_(std::move(sync)),
      stop_(std::move(stop)),
      redactor_(secrets_of(settings)),
      retry_policy_(settings.retry),
      client_(HttpClientOptions{settings.connect_timeout, settings.total_timeout, 1}) {}

bool KlaviyoRequester::sleep(std::chrono::milliseconds duration) const {
  const auto until = std::chrono::steady_clock::now() + duration;
  while (!stop_.stop_requested()) {
    auto left = until - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) return true;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds(20)));
  }
  return false;
}

std::optional<HttpResponse> KlaviyoRequester::exchange(const HttpRequest& request, const std::string& label,
                                                       int attempt, RateLimiter& limiter, bool token_taken) {
  while (!token_taken) {
    if (stop_.stop_requested()) return std::nullopt;
    auto wait = limiter.try_acquire();
    if (wait == RateLimiter::Clock::duration::zero()) break;
    if (!sleep(std::chrono::duration_cast<std::chrono::milliseconds>(wait) + std::chrono::milliseconds(1))) {
      return std::nullopt;
    }
  }
  ExchangeRecord record;
  record.sent_at = std::chrono::system_clock::now();
  record.sync = sync_;
  record.batch_id = label;
  record.attempt = attempt;
  record.method = request.method;
  record.url = request.url;
  record.request_headers = request.headers;
  record.request_body = request.body;
  const std::uint64_t id = client_.start(request);
  ++counters_.requests;
  for (;;) {
    if (stop_.stop_requested()) {
      client_.abort_all();
      return std::nullopt;
    }
    for (auto& [finished, response] : client_.poll(std::chrono::milliseconds(50))) {
      if (finished != id) continue;
      record.status = response.status;
      record.response_headers = response.headers;
      record.response_body = response.body;
      record.error = response.error_message;
      record.elapsed = response.elapsed;
      log_->record(redactor_, std::move(record));
      return std::move(response);
    }
  }
}

RequestResult KlaviyoRequester::send(const HttpRequest& request, const std::string& label, RateLimiter& limiter,
                                    bool token_taken) {
  RequestResult result;
  for (int attempt = 1;; ++attempt) {
    auto response = exchange(request, label, attempt, limiter, token_taken && attempt == 1);
    if (!response) {
      result.stopped = true;
      result.failure = "stopped";
      return result;
    }
    std::optional<std::chrono::milliseconds> server_wait;
    if (response->transport_error == TransportError::Fatal) {
      throw DestinationError("destination '" + settings_.name + "' (klaviyo): " + request.method + " " +
                             redactor_.redact_url(request.url) + ": " + response->error_message);
    }
    if (response->transport_error != TransportError::None) {
      result.failure = "transport error: " + response->error_message;
    } else if (response->status == 401 || response->status == 403) {
      throw DestinationAuthError("destination '" + settings_.name + "' (klaviyo): HTTP " +
                                     std::to_string(response->status) + " for " + request.method + " " +
                                     redactor_.redact_url(request.url) + "; check the api_key",
                                 response->status);
    } else if (response->status == 429) {
      ++counters_.throttled;
      limiter.on_throttled();
      server_wait = retry_after(*response);
      if (server_wait) limiter.pause_until(RateLimiter::Clock::now() + *server_wait);
      result.failure = "HTTP 429 (rate limited)";
    } else if (response->status == 408 || response->status >= 500) {
      result.failure = "HTTP " + std::to_string(response->status) + ": " + body_excerpt(redactor_.redact_text(response->body));
    } else {
      limiter.on_success();
      result.response = std::move(*response);
      return result;
    }
    if (!retry_policy_.may_retry(attempt) || (server_wait && !retry_policy_.may_wait(*server_wait))) {
      result.failure = "gave up after " + std::to_string(attempt) + " attempts; last: " + result.failure;
      return result;
    }
    ++counters_.retried;
    if (!sleep(retry_policy_.delay(attempt, server_wait))) {
      result.stopped = true;
      return result;
    }
  }
}

}  // namespace backflow::destinations
