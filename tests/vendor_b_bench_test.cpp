// Throughput benchmarks for Braze, Klaviyo, Iterable and Intercom (hidden:
// never part of the suite; run by bench/run_vendors-b.sh). Each delivers
// BENCH_RECORDS changed records (default 100k; Intercom, one record per
// request, defaults to 10k) to the vendor's emulator enforcing the vendor's
// documented rate limit, with the module's default limit (the same figure),
// and prints records/s next to the reference: rate limit x records per
// request, the most the documented limit allows.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <iostream>

#include "destinations/braze/braze_destination.h"
#include "destinations/delivery_engine.h"
#include "destinations/intercom/intercom_destination.h"
#include "destinations/iterable/iterable_destination.h"
#include "destinations/klaviyo/klaviyo_bulk_delivery.h"
#include "tests/support/emulators/braze_emulator.h"
#include "tests/support/emulators/intercom_emulator.h"
#include "tests/support/emulators/iterable_emulator.h"
#include "tests/support/emulators/klaviyo_emulator.h"

using namespace backflow::destinations;
using namespace backflow::test;
using namespace std::chrono_literals;

namespace {

std::size_t record_count(std::size_t default_count) {
  const char* text = std::getenv("BENCH_RECORDS");
  return text != nullptr ? std::stoul(text) : default_count;
}

DestinationSettings bench_settings(const std::string& name, const std::string& url, const std::string& secret) {
  DestinationSettings settings;
  settings.name = name;
  settings.url = url;
  settings.secret = secret;
  settings.total_timeout = 30s;
  settings.max_concurrency = 8;
  return settings;  // rate_limit unset: the module's documented default
}

std::vector<DeliveryRecord> people(std::size_t count) {
  std::vector<DeliveryRecord> records;
  records.reserve(count);
  for (std::size_t i = 1; i <= count; ++i) {
    DeliveryRecord record;
    record.key = std::to_string(i);
    record.key_json = {{"id", i}};
    record.fields = {{"email", "p" + std::to_string(i) + "@example.com"},
                     {"first_name", "First"},
                     {"score", static_cast<int>(i % 5000)}};
    records.push_back(std::move(record));
  }
  return records;
}

// One line per vendor, the shape bench/README.md's table takes: records/s
// against the reference (the limit x records per request) and requests/s
// against the documented request rate (the budget actually spent).
void report(const std::string& vendor, const DeliverySummary& summary, double reference, double requests_per_second,
            const std::string& limit) {
  const double seconds = static_cast<double>(summary.elapsed.count()) / 1000.0;
  const double rate = static_cast<double>(summary.accepted) / seconds;
  const double request_rate = static_cast<double>(summary.requests) / seconds;
  std::cout << vendor << ": " << summary.accepted << " records in " << seconds << " s = " << rate
            << " records/s; reference " << reference << " records/s (" << limit << "); share " << 100.0 * rate / reference
            << "%; requests " << summary.requests << " = " << request_rate << "/s, " << 100.0 * request_rate / requests_per_second
            << "% of the request budget; 429s " << summary.throttled << " ("
            << (summary.requests > 0 ? 100.0 * static_cast<double>(summary.throttled) /
                                           static_cast<double>(summary.requests)
                                     : 0.0)
            << "%)\n";
}

}  // namespace

TEST_CASE("bench: Braze /users/track at the documented rate limit", "[.][bench-vendors-b]") {
  const std::size_t count = record_count(100000);
  BrazeEmulator emulator("braze-bench-key");
  emulator.set_rate_limit(3000, 3s);  // /users/track: 3,000 requests per 3 seconds
  auto settings = bench_settings("braze-bench", emulator.base_url(), "braze-bench-key");
  BrazeDestination module(settings, {});
  auto records = people(count);
  DeliveryEngine engine(module, settings);
  VectorFeed feed(records);
  auto summary = engine.deliver({"bench", "run-1", SyncMode::upsert, 0, {}}, feed, {});
  report("braze", summary, 1000.0 * 75.0, 1000.0, "3,000 req / 3 s x 75 attribute objects");
  CHECK(summary.accepted == count);
  CHECK(emulator.users().size() == count);
}

TEST_CASE("bench: Iterable users/bulkUpdate at the documented rate limit", "[.][bench-vendors-b]") {
  const std::size_t count = record_count(100000);
  IterableEmulator emulator("iterable-bench-key");
  emulator.set_rate_limit(5, 1s);  // users/bulkUpdate: 5 requests per second
  auto settings = bench_settings("iterable-bench", emulator.base_url(), "iterable-bench-key");
  IterableDestination module(settings, {});
  auto records = people(count);
  DeliveryEngine engine(module, settings);
  VectorFeed feed(records);
  auto summary = engine.deliver({"bench", "run-1", SyncMode::upsert, 0, {}}, feed, {});
  report("iterable", summary, 5.0 * 1000.0, 5.0, "5 req/s x 1,000 users");
  CHECK(summary.accepted == count);
  CHECK(emulator.users().size() == count);
}

// Changed contacts already exist and the runner passes their Intercom ids
// (its id map), so each record is one PUT: the reference is the limit itself.
TEST_CASE("bench: Intercom contacts at the documented rate limit", "[.][bench-vendors-b]") {
  const std::size_t count = record_count(10000);
  IntercomEmulator emulator("intercom-bench-token");
  emulator.set_rate_limit(1666, 10s);  // 10,000 requests per minute, metered per 10 s
  auto records = people(count);
  for (auto& record : records) {
    record.destination_id = emulator.add_contact({{"external_id", record.key}, {"email", record.fields["email"]}});
  }
  auto settings = bench_settings("intercom-bench", emulator.base_url(), "intercom-bench-token");
  settings.max_concurrency = 16;  // one record per request: concurrency covers the latency
  IntercomDestination module(settings, {});
  DeliveryEngine engine(module, settings);
  VectorFeed feed(records);
  auto summary = engine.deliver({"bench", "run-1", SyncMode::upsert, 0, {}}, feed, {});
  report("intercom", summary, 166.6, 166.6, "1,666 req / 10 s x 1 contact");
  CHECK(summary.accepted == count);
  CHECK(emulator.contacts().size() == count);
}

// Klaviyo limits each endpoint separately (10/s burst, 150/min steady for
// creating a job, getting one and reading its errors: the emulator enforces
// all six windows) and the delivery keeps several jobs in flight, so creating
// jobs is what binds: 150/min x 10,000 profiles = 25,000 records/s. A job
// processes for KLAVIYO_JOB_MS (default 500) after its creation; the delivery
// learns that turnaround, so a job costs about one poll.
TEST_CASE("bench: Klaviyo profile bulk import jobs at the documented rate limit", "[.][bench-vendors-b]") {
  const std::size_t count = record_count(100000);
  const char* job_ms = std::getenv("KLAVIYO_JOB_MS");
  const std::chrono::milliseconds processing(job_ms != nullptr ? std::stol(job_ms) : 500);
  KlaviyoEmulator emulator("pk_bench");
  emulator.set_documented_rate_limits();
  emulator.set_polls_until_complete(0);
  emulator.set_processing_time(processing);
  auto settings = bench_settings("klaviyo-bench", emulator.base_url(), "pk_bench");
  KlaviyoOptions options;
  options.poll_interval = 100ms;  // the first poll's wait is learnt: about the processing time
  MemoryJobJournal journal;
  KlaviyoBulkDelivery delivery(settings, options, journal);
  auto records = people(count);
  VectorFeed feed(records);
  auto summary = delivery.deliver({"bench", "run-1", SyncMode::upsert, 0, {}}, feed, {});
  report("klaviyo", summary, 150.0 / 60.0 * 10000.0, 3 * 2.5, "150 req / min per endpoint x 10,000 profiles per job");
  const double seconds = static_cast<double>(summary.elapsed.count()) / 1000.0;
  const double creates = static_cast<double>(emulator.requests_to(KlaviyoEndpoint::CreateJob));
  std::cout << "klaviyo: job processing " << processing.count() << " ms; create budget used "
            << 100.0 * creates / seconds / 2.5 << "%; requests: create " << creates << ", get job "
            << emulator.requests_to(KlaviyoEndpoint::GetJob) << ", import errors "
            << emulator.requests_to(KlaviyoEndpoint::ImportErrors) << "; 429s by endpoint "
            << emulator.throttled(KlaviyoEndpoint::CreateJob) << "/" << emulator.throttled(KlaviyoEndpoint::GetJob)
            << "/" << emulator.throttled(KlaviyoEndpoint::ImportErrors) << "; most jobs open at once "
            << emulator.max_open_jobs() << "\n";
  CHECK(summary.accepted == count);
  CHECK(emulator.profiles().size() == count);
  auto entries = delivery.request_log()->entries();
  if (std::getenv("KLAVIYO_DEBUG") && !entries.empty()) {
    auto t0 = entries.front().sent_at;
    for (const auto& e : entries) std::cout << e.method << " " << std::chrono::duration_cast<std::chrono::milliseconds>(e.sent_at - t0).count() << " +" << e.elapsed.count() << " " << e.url.substr(e.url.size() - 8) << "\n";
  }
}
