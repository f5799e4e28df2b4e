#include <catch2/catch.hpp>

#include <map>
#include <mutex>
#include <thread>

#include "destinations/delivery_engine.h"
#include "destinations/rate_limit_headers.h"
#include "destinations/rate_limiter.h"
#include "destinations/retry_policy.h"
#include "destinations/webhook/webhook_destination.h"
#include "tests/support/http_test_server.h"

using namespace backflow::destinations;
using backflow::test::HttpTestServer;
using backflow::test::ReceivedRequest;
using backflow::test::ServerReply;
using backflow::test::SlidingWindowLimit;
using namespace std::chrono_literals;

namespace {

std::vector<DeliveryRecord> numbered_records(int count, const std::string& prefix) {
  std::vector<DeliveryRecord> records;
  for (int i = 0; i < count; ++i) {
    DeliveryRecord record;
    record.key = prefix + std::to_string(i);
    record.key_json = {{"id", record.key}};
    record.fields = {{"n", i}};
    records.push_back(record);
  }
  return records;
}

HttpResponse response_with(HttpHeaders headers) {
  HttpResponse response;
  response.status = 429;
  response.headers = std::move(headers);
  return response;
}

}  // namespace

TEST_CASE("two syncs sharing an account stay within its limit - a server enforcing it never says 429",
          "[delivery][rate_limit]") {
  constexpr std::size_t kLimit = 20;
  constexpr auto kWindow = 500ms;
  SlidingWindowLimit enforced(kLimit, kWindow);
  std::atomic<int> throttled{0};
  HttpTestServer server([&](const ReceivedRequest&) {
    if (!enforced.admit()) {
      ++throttled;
      ServerReply reply = ServerReply::json(429, "{}");
      reply.headers.emplace_back("Retry-After", "1");
      return reply;
    }
    return ServerReply::json(200, "{}");
  });
  DestinationSettings settings;
  settings.name = "shared-account-rate-test";
  settings.url = server.url();
  settings.batch_size = 1;  // one request per record: more work than the limit allows at once
  settings.rate_limit = RateLimit{kLimit, kWindow};
  settings.retry.base_delay = 10ms;
  WebhookDestination webhook(settings);
  auto records_a = numbered_records(60, "a");
  auto records_b = numbered_records(60, "b");
  DeliverySummary summary_a, summary_b;
  auto started = std::chrono::steady_clock::now();
  std::thread sync_a([&] {
    DeliveryEngine engine(webhook, settings);
    VectorFeed feed(records_a);
    summary_a = engine.deliver({"sync_a", "r", SyncMode::upsert, 0, {}}, feed, {});
  });
  std::thread sync_b([&] {
    DeliveryEngine engine(webhook, settings);
    VectorFeed feed(records_b);
    summary_b = engine.deliver({"sync_b", "r", SyncMode::upsert, 0, {}}, feed, {});
  });
  sync_a.join();
  sync_b.join();
  std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;

  CHECK(summary_a.accepted + summary_b.accepted == 120);
  auto requests = server.requests();
  INFO("requests " << requests.size() << ", 429s " << throttled.load());
  CHECK(static_cast<double>(throttled.load()) < 0.01 * static_cast<double>(requests.size()));
  // Observed rate: no window of the limit's length holds more than the limit.
  std::size_t busiest = 0;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    std::size_t in_window = 0;
    for (const auto& other : requests) {
      if (other.received_at >= requests[i].received_at && other.received_at < requests[i].received_at + kWindow) {
        ++in_window;
      }
    }
    busiest = std::max(busiest, in_window);
  }
  CHECK(busiest <= kLimit);
  // And the budget is used: 120 requests at 40/s take about 3 s, not much more.
  const double ideal = 120.0 / (kLimit / 0.52);
  CHECK(elapsed.count() >= ideal * 0.9);
  CHECK(elapsed.count() <= ideal * 1.25 + 0.3);
}

TEST_CASE("X-RateLimit-Remaining: 0 holds the account until the reset", "[delivery][rate_limit]") {
  std::atomic<int> calls{0};
  HttpTestServer server([&](const ReceivedRequest&) {
    ServerReply reply = ServerReply::json(200, "{}");
    if (calls++ == 0) {
      reply.headers.emplace_back("X-RateLimit-Remaining", "0");
      reply.headers.emplace_back("X-RateLimit-Reset", "1");
    }
    return reply;
  });
  DestinationSettings settings;
  settings.name = "remaining-header-test";
  settings.url = server.url();
  settings.batch_size = 5;
  settings.max_concurrency = 1;
  WebhookDestination webhook(settings);
  DeliveryEngine engine(webhook, settings);
  auto records = numbered_records(10, "k");
  VectorFeed feed(records);
  CHECK(engine.deliver({"s", "r", SyncMode::upsert, 0, {}}, feed, {}).accepted == 10);
  auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  CHECK(requests[1].received_at - requests[0].received_at >= 950ms);
}

TEST_CASE("AIMD: a 429 halves the rate, successes add it back up to the configured limit",
          "[delivery][rate_limit]") {
  RateLimiter limiter(RateLimit{100, 10000ms});  // paced over 10.1 s: 9.90 per second
  const double full = 100 / 10.1;
  CHECK(limiter.current_rate_per_second() == Approx(full));
  limiter.on_throttled();
  CHECK(limiter.current_rate_per_second() == Approx(full / 2));
  limiter.on_throttled();
  CHECK(limiter.current_rate_per_second() == Approx(full / 4));
  for (int i = 0; i < 5; ++i) limiter.on_success();
  CHECK(limiter.current_rate_per_second() == Approx(full / 4 + 5 * full / 20));
  for (int i = 0; i < 100; ++i) limiter.on_success();
  CHECK(limiter.current_rate_per_second() == Approx(full));
  for (int i = 0; i < 20; ++i) limiter.on_throttled();
  CHECK(limiter.current_rate_per_second() == Approx(full / 64));
  // Short windows are padded by at least 20 ms: 20 per 500 ms -> 20 per 520 ms.
  CHECK(RateLimiter(RateLimit{20, 500ms}).current_rate_per_second() == Approx(20 / 0.52));

  RateLimiter unlimited(RateLimit{});
  for (int i = 0; i < 1000; ++i) CHECK(unlimited.try_acquire() == RateLimiter::Clock::duration::zero());
  unlimited.pause_until(RateLimiter::Clock::now() + 200ms);
  CHECK(unlimited.try_acquire() > 150ms);
}

TEST_CASE("the registry shares one limiter per account and the stricter limit wins", "[delivery][rate_limit]") {
  auto& registry = RateLimiterRegistry::global();
  auto first = registry.for_destination("registry-test", RateLimit{100, 1000ms});
  auto second = registry.for_destination("registry-test", RateLimit{10, 1000ms});
  CHECK(first == second);
  CHECK(first->current_rate_per_second() == Approx(10 / 1.02));
  CHECK(registry.for_destination("registry-test-other", RateLimit{100, 1000ms}) != first);
}

TEST_CASE("Retry-After reads delta-seconds and HTTP-dates", "[delivery][rate_limit]") {
  auto now = std::chrono::system_clock::from_time_t(1445412480);  // Wed, 21 Oct 2015 07:28:00 GMT
  CHECK(retry_after(response_with({{"retry-after", "120"}}), now) == 120000ms);
  CHECK(retry_after(response_with({{"retry-after", "1.5"}}), now) == 1500ms);
  CHECK(retry_after(response_with({{"retry-after", "Wed, 21 Oct 2015 07:28:30 GMT"}}), now) == 30000ms);
  CHECK(retry_after(response_with({{"retry-after", "Wed, 21 Oct 2015 07:00:00 GMT"}}), now) == 0ms);
  CHECK_FALSE(retry_after(response_with({{"retry-after", "soon"}}), now));
  CHECK_FALSE(retry_after(response_with({}), now));
}

TEST_CASE("vendor rate-limit headers: remaining 0 waits until reset (seconds or epoch)", "[delivery][rate_limit]") {
  auto now = std::chrono::system_clock::from_time_t(1700000000);
  RateLimitHeaderNames standard;
  CHECK(exhausted_budget_wait(response_with({{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", "7"}}),
                              standard, now) == 7000ms);
  CHECK(exhausted_budget_wait(response_with({{"x-ratelimit-remaining", "0"}, {"x-ratelimit-reset", "1700000009"}}),
                              standard, now) == 9000ms);
  CHECK_FALSE(exhausted_budget_wait(response_with({{"x-ratelimit-remaining", "3"}}), standard, now));
  CHECK(exhausted_budget_wait(response_with({{"x-ratelimit-remaining", "0"}}), standard, now) == 1000ms);
  RateLimitHeaderNames vendor{{"x-hubspot-ratelimit-remaining"}, {"x-hubspot-ratelimit-reset"}};
  CHECK(exhausted_budget_wait(
            response_with({{"x-hubspot-ratelimit-remaining", "0"}, {"x-hubspot-ratelimit-reset", "2"}}), vendor,
            now) == 2000ms);
}

TEST_CASE("retry delays use full jitter under an exponential ceiling and honour the server", "[delivery][rate_limit]") {
  RetryPolicy policy(RetryPolicySettings{5, 100ms, 1000ms});
  CHECK(policy.may_retry(4));
  CHECK_FALSE(policy.may_retry(5));
  std::chrono::milliseconds longest{0};
  for (int i = 0; i < 200; ++i) {
    CHECK(policy.delay(1, std::nullopt) <= 100ms);
    CHECK(policy.delay(3, std::nullopt) <= 400ms);
    auto capped = policy.delay(20, std::nullopt);
    CHECK(capped <= 1000ms);
    longest = std::max(longest, capped);
    CHECK(policy.delay(1, 2500ms) >= 2500ms);
  }
  CHECK(longest > 500ms);  // jitter spreads over the whole range
}

TEST_CASE("when the vendor is stricter than configured, AIMD backs off and everything still arrives once",
          "[delivery][rate_limit]") {
  SlidingWindowLimit enforced(10, 500ms);  // the vendor really allows 20/s
  std::atomic<int> throttled{0};
  std::mutex mutex;
  std::map<std::string, int> committed;
  HttpTestServer server([&](const ReceivedRequest& request) {
    if (!enforced.admit()) {
      ++throttled;
      return ServerReply::json(429, "{}");  // no Retry-After: the client must find the rate itself
    }
    auto body = nlohmann::json::parse(request.body);
    std::lock_guard lock(mutex);
    for (const auto& record : body["records"]) ++committed[record["key"]["id"].get<std::string>()];
    return ServerReply::json(200, "{}");
  });
  DestinationSettings settings;
  settings.name = "aimd-integration-test";
  settings.url = server.url();
  settings.batch_size = 1;
  settings.rate_limit = RateLimit{60, 1000ms};  // configured three times too high
  settings.retry.base_delay = 20ms;
  settings.retry.max_delay = 200ms;
  settings.retry.max_attempts = 30;
  WebhookDestination webhook(settings);
  DeliveryEngine engine(webhook, settings);
  auto records = numbered_records(50, "k");
  VectorFeed feed(records);
  auto summary = engine.deliver({"s", "r", SyncMode::upsert, 0, {}}, feed, {});
  CHECK(summary.accepted == 50);
  CHECK(summary.throttled == static_cast<std::uint64_t>(throttled.load()));
  CHECK(throttled.load() > 0);
  // AIMD keeps the 429s a minority instead of hammering the vendor.
  CHECK(static_cast<double>(throttled.load()) < 0.5 * static_cast<double>(summary.requests));
  CHECK(committed.size() == 50);
  for (const auto& [key, count] : committed) CHECK(count == 1);
}
