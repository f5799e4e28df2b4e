#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <thread>

#include <unistd.h>

#include "destinations/destination_error.h"
#include "destinations/http_client.h"
#include "destinations/klaviyo/klaviyo_bulk_delivery.h"
#include "destinations/klaviyo/klaviyo_profiles.h"
#include "tests/support/emulators/klaviyo_emulator.h"

using namespace backflow::destinations;
using backflow::test::KlaviyoEmulator;
using backflow::test::KlaviyoEndpoint;
using backflow::test::KlaviyoWindow;
using namespace std::chrono_literals;

namespace {

const std::string kKey = "pk_klaviyo_test_key";

DestinationSettings klaviyo_settings(const KlaviyoEmulator& emulator, const std::string& name) {
  DestinationSettings settings;
  settings.name = name;
  settings.type = "klaviyo";
  settings.url = emulator.base_url();
  settings.secret = kKey;
  settings.retry.base_delay = 5ms;
  settings.retry.max_delay = 50ms;
  settings.rate_limit = RateLimit{};  // unlimited unless a test sets one
  return settings;
}

KlaviyoOptions fast_options(const std::string& list_id = {}) {
  KlaviyoOptions options;
  options.poll_interval = 5ms;
  options.list_id = list_id;
  return options;
}

DeliveryRecord person(const std::string& id, nlohmann::json fields) {
  DeliveryRecord record;
  record.key = id;
  record.key_json = {{"person_id", id}};
  record.fields = std::move(fields);
  return record;
}

struct Delivered {
  DeliverySummary summary;
  std::map<std::string, RecordOutcome> outcomes;
  std::vector<BatchAck> acks;
};

Delivered deliver(KlaviyoBulkDelivery& delivery, const std::vector<DeliveryRecord>& records,
                  const std::string& run_id = "run-1", std::stop_token stop = {}) {
  VectorFeed feed(records);
  Delivered delivered;
  DeliveryCallbacks callbacks;
  callbacks.on_outcome = [&](const RecordOutcome& outcome) { delivered.outcomes[outcome.key] = outcome; };
  callbacks.on_acknowledged = [&](const BatchAck& ack) { delivered.acks.push_back(ack); };
  delivered.summary = delivery.deliver({"people_to_klaviyo", run_id, SyncMode::upsert, 0, stop}, feed, callbacks);
  return delivered;
}

}  // namespace

TEST_CASE("klaviyo profiles: Klaviyo attributes on top, the rest as properties, key as external_id", "[klaviyo]") {
  auto profile = klaviyo::profile(person("p1", {{"email", "a@example.com"}, {"first_name", "Ada"}, {"plan", "pro"}}));
  CHECK(profile == nlohmann::json::parse(
                       R"({"type":"profile","attributes":{"email":"a@example.com","first_name":"Ada","properties":{"plan":"pro"}}})"));
  auto keyed = klaviyo::profile(person("p2", {{"plan", "free"}}));
  CHECK(keyed["attributes"]["external_id"] == "p2");
  auto body = nlohmann::json::parse(klaviyo::job_body({profile}, "LIST1"));
  CHECK(body["data"]["type"] == "profile-bulk-import-job");
  CHECK(body["data"]["relationships"]["lists"]["data"][0] == nlohmann::json({{"type", "list"}, {"id", "LIST1"}}));
}

TEST_CASE("klaviyo imports profiles as bulk jobs, polls them and adds them to the list", "[klaviyo]") {
  KlaviyoEmulator emulator(kKey);
  emulator.set_polls_until_complete(3);
  auto settings = klaviyo_settings(emulator, "klaviyo-import");
  settings.batch_size = 40;
  MemoryJobJournal journal;
  KlaviyoBulkDelivery delivery(settings, fast_options("VRgFBd"), journal);
  std::vector<DeliveryRecord> records;
  for (int i = 0; i < 100; ++i) {
    records.push_back(person("p" + std::to_string(i), {{"email", "p" + std::to_string(i) + "@example.com"}, {"score", i}}));
  }
  auto delivered = deliver(delivery, records);
  CHECK(delivered.summary.accepted == 100);
  CHECK(emulator.jobs_created() == 3);  // 40 + 40 + 20
  REQUIRE(delivered.acks.size() == 3);
  CHECK(delivered.acks.back().settled_through == 100);
  auto profiles = emulator.profiles();
  REQUIRE(profiles.size() == 100);
  CHECK(profiles.at("p7@example.com")["properties"] == nlohmann::json({{"score", 7}}));
  CHECK(emulator.list_members("VRgFBd").size() == 100);
  auto first = emulator.requests().front();
  CHECK(first.header("content-type") == "application/vnd.api+json");
  CHECK(first.header("revision") == "2025-01-15");
  CHECK(first.header("authorization") == "Klaviyo-API-Key " + kKey);
  for (const auto& exchange : delivery.request_log()->entries()) {
    CHECK(exchange.request_body.find(kKey) == std::string::npos);
    for (const auto& [name, value] : exchange.request_headers) CHECK(value.find(kKey) == std::string::npos);
  }
}

TEST_CASE("klaviyo import errors reject exactly the records they name", "[klaviyo]") {
  KlaviyoEmulator emulator(kKey);
  emulator.set_error_page_size(2);  // errors come over several pages
  for (int i : {3, 8, 11, 12, 19}) emulator.reject_email("bad" + std::to_string(i) + "@example");
  auto settings = klaviyo_settings(emulator, "klaviyo-errors");
  MemoryJobJournal journal;
  KlaviyoBulkDelivery delivery(settings, fast_options(), journal);
  std::vector<DeliveryRecord> records;
  for (int i = 0; i < 20; ++i) {
    bool bad = i == 3 || i == 8 || i == 11 || i == 12 || i == 19;
    std::string email = bad ? "bad" + std::to_string(i) + "@example" : "ok" + std::to_string(i) + "@example.com";
    records.push_back(person("p" + std::to_string(i), {{"email", email}}));
  }
  auto delivered = deliver(delivery, records);
  CHECK(delivered.summary.accepted == 15);
  CHECK(delivered.summary.rejected == 5);
  CHECK(delivered.outcomes.at("p12").status == RecordStatus::Rejected);
  CHECK(delivered.outcomes.at("p12").message == "Klaviyo: Invalid input.: Invalid email address (/data/attributes/email)");
  CHECK(delivered.outcomes.at("p13").status == RecordStatus::Accepted);
  CHECK(emulator.profiles().size() == 15);
}

TEST_CASE("klaviyo job refused at creation is split until the bad profile stands alone", "[klaviyo]") {
  KlaviyoEmulator emulator(kKey);
  auto settings = klaviyo_settings(emulator, "klaviyo-split");
  MemoryJobJournal journal;
  KlaviyoBulkDelivery delivery(settings, fast_options(), journal);
  std::vector<DeliveryRecord> records;
  for (int i = 0; i < 8; ++i) records.push_back(person("p" + std::to_string(i), {{"email", "p" + std::to_string(i) + "@x.com"}}));
  records[5].fields = {{"email", ""}, {"phone_number", ""}};  // no usable identifier: Klaviyo refuses the job
  records[5].fields["external_id"] = "";
  auto delivered = deliver(delivery, records);
  CHECK(delivered.summary.accepted == 7);
  CHECK(delivered.outcomes.at("p5").status == RecordStatus::Rejected);
  CHECK(delivered.outcomes.at("p5").message.find("needs an email, phone_number or external_id") != std::string::npos);
  CHECK(emulator.profiles().size() == 7);
}

TEST_CASE("klaviyo 429 with Retry-After, 5xx and timeouts lose nothing", "[klaviyo]") {
  KlaviyoEmulator emulator(kKey);
  emulator.set_rate_limit(4, 1000ms);
  emulator.fail_next(2, 503);
  auto settings = klaviyo_settings(emulator, "klaviyo-storm");
  settings.batch_size = 10;
  settings.retry.max_attempts = 20;
  settings.total_timeout = 400ms;
  MemoryJobJournal journal;
  KlaviyoBulkDelivery delivery(settings, fast_options(), journal);
  std::vector<DeliveryRecord> records;
  for (int i = 0; i < 30; ++i) records.push_back(person("p" + std::to_string(i), {{"n", i}}));
  auto delivered = deliver(delivery, records);
  CHECK(delivered.summary.accepted == 30);
  CHECK(delivered.summary.throttled > 0);
  CHECK(emulator.profiles().size() == 30);
  CHECK(emulator.jobs_created() == 3);

  emulator.hang_next(1);
  delivered = deliver(delivery, {person("late", {{"n", 1}})}, "run-2");
  CHECK(delivered.summary.accepted == 1);
  CHECK(emulator.profiles().count("late") == 1);
}

TEST_CASE("klaviyo job in progress across a crash: the resumed run polls the same job", "[klaviyo]") {
  KlaviyoEmulator emulator(kKey);
  emulator.set_polls_until_complete(1000000);  // stays processing while the first run watches
  auto settings = klaviyo_settings(emulator, "klaviyo-crash");
  // Outlives the first delivery as the service's state outlives a killed
  // process (the durable journal itself: runner tests with kill point "job").
  MemoryJobJournal journal;
  std::vector<DeliveryRecord> records;
  for (int i = 0; i < 25; ++i) records.push_back(person("c" + std::to_string(i), {{"n", i}}));
  {
    KlaviyoBulkDelivery delivery(settings, fast_options(), journal);
    std::stop_source crash;
    std::thread runner([&] { deliver(delivery, records, "run-crash", crash.get_token()); });
    while (emulator.jobs_created() == 0) std::this_thread::sleep_for(5ms);
    std::this_thread::sleep_for(30ms);
    crash.request_stop();  // the process dies while the job is processing
    runner.join();
  }
  CHECK(emulator.profiles().empty());
  emulator.set_polls_until_complete(2);
  CHECK(journal.find("run-crash.0") == std::optional<JobState>(JobState{"job-1", ""}));
  KlaviyoBulkDelivery resumed(settings, fast_options(), journal);
  auto delivered = deliver(resumed, records, "run-crash");
  CHECK(delivered.summary.accepted == 25);
  CHECK(emulator.jobs_created() == 1);  // no second upload
  CHECK(emulator.profiles().size() == 25);
  CHECK_FALSE(journal.find("run-crash.0").has_value());
}

TEST_CASE("klaviyo random rounds leave the emulator holding the model", "[klaviyo]") {
  KlaviyoEmulator emulator(kKey);
  auto settings = klaviyo_settings(emulator, "klaviyo-rounds");
  settings.batch_size = 70;
  MemoryJobJournal journal;
  KlaviyoBulkDelivery delivery(settings, fast_options(), journal);
  std::mt19937 random(4242);
  std::map<std::string, nlohmann::json> model;  // external_id -> properties
  for (int round = 0; round < 4; ++round) {
    std::map<std::string, nlohmann::json> changed;
    for (int i = 0; i < 150; ++i) {
      std::string id = "k" + std::to_string(random() % 200);
      changed[id]["tier"] = "t" + std::to_string(random() % 4);
      if (random() % 2 == 0) changed[id]["visits"] = static_cast<int>(random() % 100);
    }
    std::vector<DeliveryRecord> records;
    for (const auto& [id, fields] : changed) {
      model[id].update(fields);
      records.push_back(person(id, fields));
    }
    auto delivered = deliver(delivery, records, "round-" + std::to_string(round));
    REQUIRE(delivered.summary.accepted == records.size());
    std::map<std::string, nlohmann::json> held;
    for (const auto& [id, profile] : emulator.profiles()) held[id] = profile["properties"];
    REQUIRE(held == model);
  }
}

TEST_CASE("klaviyo refuses modes other than upsert and a missing key", "[klaviyo]") {
  KlaviyoEmulator emulator(kKey);
  auto settings = klaviyo_settings(emulator, "klaviyo-modes");
  MemoryJobJournal journal;
  KlaviyoBulkDelivery delivery(settings, fast_options(), journal);
  std::vector<DeliveryRecord> records = {person("x", {})};
  VectorFeed feed(records);
  CHECK_THROWS_AS(delivery.deliver({"s", "r", SyncMode::mirror, 0, {}}, feed, {}), DestinationError);
  settings.secret.clear();
  CHECK_THROWS_AS(KlaviyoBulkDelivery(settings, fast_options(), journal), DestinationError);
}

namespace {

// One request to the emulator, to completion.
HttpResponse exchange(const KlaviyoEmulator& emulator, const std::string& method, const std::string& path,
                      const std::string& body = {}) {
  HttpClient client(HttpClientOptions{});
  HttpRequest request;
  request.method = method;
  request.url = emulator.base_url() + path;
  request.body = body;
  request.headers = {{"Authorization", "Klaviyo-API-Key " + kKey}, {"revision", "2025-01-15"},
                     {"Accept", "application/vnd.api+json"}, {"Content-Type", "application/vnd.api+json"}};
  const std::uint64_t id = client.start(request);
  for (;;) {
    for (auto& [finished, response] : client.poll(100ms)) {
      if (finished == id) return std::move(response);
    }
  }
}

std::string one_profile_job(const std::string& email) {
  return klaviyo::job_body({klaviyo::profile(person(email, {{"email", email}}))}, "");
}

std::string response_header(const HttpResponse& response, const std::string& name) {
  for (const auto& [key, value] : response.headers) {
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      return value;
    }
  }
  return {};
}

}  // namespace

TEST_CASE("klaviyo emulator counts rate limits per endpoint: a burst on one leaves the others answering",
          "[klaviyo]") {
  KlaviyoEmulator emulator(kKey);
  emulator.set_documented_rate_limits();
  REQUIRE(exchange(emulator, "POST", "/api/profile-bulk-import-jobs", one_profile_job("a@x.com")).status == 202);
  for (int i = 0; i < 10; ++i) REQUIRE(exchange(emulator, "GET", "/api/profile-bulk-import-jobs/job-1").status == 200);
  auto throttled = exchange(emulator, "GET", "/api/profile-bulk-import-jobs/job-1");
  CHECK(throttled.status == 429);  // the 11th poll within a second: over the 10/s burst
  CHECK(response_header(throttled, "Retry-After") == "1");
  CHECK(emulator.throttled(KlaviyoEndpoint::GetJob) >= 1);
  // Creating jobs and reading import errors have budgets of their own.
  CHECK(exchange(emulator, "POST", "/api/profile-bulk-import-jobs", one_profile_job("b@x.com")).status == 202);
  CHECK(exchange(emulator, "GET", "/api/profile-bulk-import-jobs/job-1/import-errors").status == 200);
  CHECK(emulator.throttled(KlaviyoEndpoint::CreateJob) == 0);
  CHECK(emulator.throttled(KlaviyoEndpoint::ImportErrors) == 0);
}

TEST_CASE("klaviyo emulator enforces the steady window beside the burst window", "[klaviyo]") {
  KlaviyoEmulator emulator(kKey);
  emulator.set_rate_limit(KlaviyoEndpoint::CreateJob, {KlaviyoWindow{2, 150ms}, KlaviyoWindow{3, 60s}});
  auto create = [&](const std::string& email) {
    return exchange(emulator, "POST", "/api/profile-bulk-import-jobs", one_profile_job(email));
  };
  CHECK(create("a@x.com").status == 202);
  CHECK(create("b@x.com").status == 202);
  CHECK(create("c@x.com").status == 429);  // burst
  std::this_thread::sleep_for(200ms);
  CHECK(create("d@x.com").status == 202);
  std::this_thread::sleep_for(200ms);
  auto steady = create("e@x.com");
  CHECK(steady.status == 429);  // three in the minute already
  CHECK(std::stoi(response_header(steady, "Retry-After")) >= 59);
  CHECK(emulator.jobs_created() == 3);
}

TEST_CASE("klaviyo keeps several jobs in flight: job N+1 is created while job N processes", "[klaviyo]") {
  KlaviyoEmulator emulator(kKey);
  emulator.set_polls_until_complete(0);
  emulator.set_processing_time(150ms);
  auto settings = klaviyo_settings(emulator, "klaviyo-in-flight");
  settings.batch_size = 10;
  MemoryJobJournal journal;
  auto options = fast_options();
  options.max_jobs_in_flight = 3;
  KlaviyoBulkDelivery delivery(settings, options, journal);
  std::vector<DeliveryRecord> records;
  for (int i = 0; i < 60; ++i) records.push_back(person("f" + std::to_string(i), {{"n", i}}));
  auto delivered = deliver(delivery, records);
  CHECK(delivered.summary.accepted == 60);
  CHECK(emulator.max_open_jobs() == 3);  // never more than max_jobs_in_flight, and not one at a time
  REQUIRE(delivered.acks.size() == 6);
  for (std::size_t i = 0; i < delivered.acks.size(); ++i) {
    CHECK(delivered.acks[i].batch_id == std::to_string(i));
    CHECK(delivered.acks[i].settled_through == 10 * (i + 1));
  }
  CHECK(emulator.profiles().size() == 60);
}

TEST_CASE("klaviyo jobs finishing out of order: outcomes as they finish, acks in order", "[klaviyo]") {
  KlaviyoEmulator emulator(kKey);
  emulator.set_polls_until_complete(0);
  emulator.set_processing_time(0ms, 5ms);  // the full job takes 200 ms, the one-profile job 5 ms
  auto settings = klaviyo_settings(emulator, "klaviyo-out-of-order");
  settings.batch_size = 40;
  MemoryJobJournal journal;
  KlaviyoBulkDelivery delivery(settings, fast_options(), journal);
  std::vector<DeliveryRecord> records;
  for (int i = 0; i < 40; ++i) records.push_back(person("o" + std::to_string(i), {{"n", i}}));
  records.push_back(person("late", {{"n", 41}}));  // a job of its own: the next record repeats its key
  records.push_back(person("late", {{"n", 42}}));
  records.push_back(person("o0", {{"n", 1000}}));  // the same keys again: must land after the earlier jobs
  VectorFeed feed(records);
  std::vector<std::string> finished;  // keys, in outcome order
  std::vector<BatchAck> acks;
  DeliveryCallbacks callbacks;
  callbacks.on_outcome = [&](const RecordOutcome& outcome) { finished.push_back(outcome.key); };
  callbacks.on_acknowledged = [&](const BatchAck& ack) {
    CHECK(finished.size() >= ack.settled_through);  // nothing acknowledged before its outcome
    acks.push_back(ack);
  };
  auto summary = delivery.deliver({"people_to_klaviyo", "run-ooo", SyncMode::upsert, 0, {}}, feed, callbacks);
  CHECK(summary.accepted == 43);
  REQUIRE(acks.size() == 3);
  CHECK(acks[0].settled_through == 40);
  CHECK(acks[1].settled_through == 41);
  CHECK(acks[2].settled_through == 43);
  // "late" (second job, one profile) finished before the first job of 40.
  auto position = [&](const std::string& key) { return std::find(finished.begin(), finished.end(), key) - finished.begin(); };
  CHECK(position("late") < position("o39"));
  auto profiles = emulator.profiles();
  CHECK(profiles.size() == 41);
  CHECK(profiles.at("o0")["properties"]["n"] == 1000);  // per-key order held across jobs
  CHECK(profiles.at("late")["properties"]["n"] == 42);
  CHECK(emulator.max_open_jobs() > 1);
}

TEST_CASE("klaviyo crash while an earlier job processes: a later finished job is not uploaded again",
          "[klaviyo]") {
  KlaviyoEmulator emulator(kKey);
  emulator.set_polls_until_complete(0);
  emulator.set_processing_time(0ms, 40ms);  // first job: 40 x 40 ms = 1.6 s; second: 40 ms
  auto settings = klaviyo_settings(emulator, "klaviyo-crash-in-flight");
  settings.batch_size = 40;
  MemoryJobJournal journal;  // outlives the "crashed" delivery, as the state database does
  std::vector<DeliveryRecord> records;
  for (int i = 0; i < 41; ++i) records.push_back(person("x" + std::to_string(i), {{"n", i}}));
  {
    KlaviyoBulkDelivery delivery(settings, fast_options(), journal);
    std::stop_source crash;
    std::atomic<bool> second_finished{false};
    std::vector<BatchAck> acks;
    std::thread runner([&] {
      VectorFeed feed(records);
      DeliveryCallbacks callbacks;
      callbacks.on_outcome = [&](const RecordOutcome& outcome) {
        if (outcome.key == "x40") second_finished = true;
      };
      callbacks.on_acknowledged = [&](const BatchAck& ack) { acks.push_back(ack); };
      delivery.deliver({"people_to_klaviyo", "run-x", SyncMode::upsert, 0, crash.get_token()}, feed, callbacks);
    });
    while (!second_finished) std::this_thread::sleep_for(2ms);
    crash.request_stop();
    runner.join();
    CHECK(acks.empty());  // the first job is unfinished: nothing may be acknowledged
  }
  CHECK(journal.find("run-x.0").has_value());
  CHECK(journal.find("run-x.1").has_value());  // finished but not acknowledged: kept for the resumed run
  KlaviyoBulkDelivery resumed(settings, fast_options(), journal);
  auto delivered = deliver(resumed, records, "run-x");
  CHECK(delivered.summary.accepted == 41);
  CHECK(emulator.jobs_created() == 2);  // neither job uploaded twice
  CHECK(emulator.profiles().size() == 41);
  REQUIRE(delivered.acks.size() == 2);
  CHECK(delivered.acks.back().settled_through == 41);
  CHECK_FALSE(journal.find("run-x.0").has_value());
  CHECK_FALSE(journal.find("run-x.1").has_value());
}

TEST_CASE("klaviyo registers one process-wide limiter per endpoint for the account", "[klaviyo]") {
  KlaviyoEmulator emulator(kKey);
  auto settings = klaviyo_settings(emulator, "klaviyo-endpoints");
  MemoryJobJournal journal;
  KlaviyoBulkDelivery delivery(settings, fast_options(), journal);
  auto delivered = deliver(delivery, {person("e1", {{"n", 1}})});
  CHECK(delivered.summary.accepted == 1);
  std::set<std::string> names;
  for (const auto& [name, stats] : RateLimiterRegistry::global().stats()) names.insert(name);
  CHECK(names.count("klaviyo-endpoints") == 1);  // creating jobs: the account's own name
  CHECK(names.count("klaviyo-endpoints/get-job") == 1);
  CHECK(names.count("klaviyo-endpoints/import-errors") == 1);
}

TEST_CASE("klaviyo paced per endpoint against per-endpoint limits: polls do not spend the create budget",
          "[klaviyo]") {
  KlaviyoEmulator emulator(kKey);
  emulator.set_rate_limit(KlaviyoEndpoint::CreateJob, {KlaviyoWindow{4, 1000ms}});
  emulator.set_rate_limit(KlaviyoEndpoint::GetJob, {KlaviyoWindow{20, 1000ms}});
  emulator.set_polls_until_complete(3);
  auto settings = klaviyo_settings(emulator, "klaviyo-paced");
  settings.rate_limit = RateLimit{20, 1000ms};  // every endpoint: what GET allows...
  settings.batch_size = 5;
  settings.retry.max_attempts = 30;
  MemoryJobJournal journal;
  KlaviyoLimiters limiters{std::make_shared<RateLimiter>(RateLimit{4, 1000ms}),  // ...but creating jobs: 4/s
                           std::make_shared<RateLimiter>(RateLimit{20, 1000ms}),
                           std::make_shared<RateLimiter>(RateLimit{20, 1000ms})};
  KlaviyoBulkDelivery delivery(settings, fast_options(), journal, limiters, std::make_shared<RequestLog>(100));
  std::vector<DeliveryRecord> records;
  for (int i = 0; i < 20; ++i) records.push_back(person("q" + std::to_string(i), {{"n", i}}));
  auto delivered = deliver(delivery, records);
  CHECK(delivered.summary.accepted == 20);
  CHECK(delivered.summary.throttled == 0);
  CHECK(emulator.throttled() == 0);
  CHECK(emulator.requests_to(KlaviyoEndpoint::GetJob) >= 4 * 4);  // 3 polls answer processing, one complete
  CHECK(emulator.max_open_jobs() > 1);
}
