#include <catch2/catch.hpp>

#include <filesystem>
#include <map>
#include <random>
#include <thread>

#include <unistd.h>

#include "destinations/destination_error.h"
#include "destinations/klaviyo/klaviyo_bulk_delivery.h"
#include "destinations/klaviyo/klaviyo_profiles.h"
#include "tests/support/emulators/klaviyo_emulator.h"

using namespace backflow::destinations;
using backflow::test::KlaviyoEmulator;
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
  delivered.summary = delivery.deliver({"people_to_klaviyo", run_id, SyncMode::Upsert, 0, stop}, feed, callbacks);
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
  MemoryKlaviyoJobJournal journal;
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
  MemoryKlaviyoJobJournal journal;
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
  MemoryKlaviyoJobJournal journal;
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
  MemoryKlaviyoJobJournal journal;
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
  auto journal_path = std::filesystem::temp_directory_path() /
                      ("klaviyo-journal-" + std::to_string(::getpid()) + ".json");
  std::filesystem::remove(journal_path);
  std::vector<DeliveryRecord> records;
  for (int i = 0; i < 25; ++i) records.push_back(person("c" + std::to_string(i), {{"n", i}}));
  {
    FileKlaviyoJobJournal journal(journal_path);
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
  FileKlaviyoJobJournal reopened(journal_path);
  CHECK(reopened.find("run-crash.0") == std::optional<std::string>("job-1"));
  KlaviyoBulkDelivery resumed(settings, fast_options(), reopened);
  auto delivered = deliver(resumed, records, "run-crash");
  CHECK(delivered.summary.accepted == 25);
  CHECK(emulator.jobs_created() == 1);  // no second upload
  CHECK(emulator.profiles().size() == 25);
  CHECK_FALSE(reopened.find("run-crash.0").has_value());
  std::filesystem::remove(journal_path);
}

TEST_CASE("klaviyo random rounds leave the emulator holding the model", "[klaviyo]") {
  KlaviyoEmulator emulator(kKey);
  auto settings = klaviyo_settings(emulator, "klaviyo-rounds");
  settings.batch_size = 70;
  MemoryKlaviyoJobJournal journal;
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
  MemoryKlaviyoJobJournal journal;
  KlaviyoBulkDelivery delivery(settings, fast_options(), journal);
  std::vector<DeliveryRecord> records = {person("x", {})};
  VectorFeed feed(records);
  CHECK_THROWS_AS(delivery.deliver({"s", "r", SyncMode::Mirror, 0, {}}, feed, {}), DestinationError);
  settings.secret.clear();
  CHECK_THROWS_AS(KlaviyoBulkDelivery(settings, fast_options(), journal), DestinationError);
}
