#include <catch2/catch.hpp>

#include <map>
#include <random>

#include "destinations/delivery_engine.h"
#include "destinations/destination_error.h"
#include "destinations/iterable/iterable_destination.h"
#include "tests/support/emulators/iterable_emulator.h"

using namespace backflow::destinations;
using backflow::test::IterableEmulator;
using namespace std::chrono_literals;

namespace {

const std::string kKey = "iterable-api-key-9";

DestinationSettings iterable_settings(const IterableEmulator& emulator, const std::string& name) {
  DestinationSettings settings;
  settings.name = name;
  settings.type = "iterable";
  settings.url = emulator.base_url();
  settings.secret = kKey;
  settings.retry.base_delay = 5ms;
  settings.retry.max_delay = 50ms;
  settings.rate_limit = RateLimit{};  // unlimited unless a test sets one
  return settings;
}

DeliveryRecord person(const std::string& email, nlohmann::json fields, const std::string& key = {}) {
  DeliveryRecord record;
  record.key = key.empty() ? email : key;
  record.key_json = {{"email", email}};
  record.fields = std::move(fields);
  return record;
}

struct Delivered {
  DeliverySummary summary;
  std::map<std::string, RecordOutcome> outcomes;
};

Delivered deliver(const IterableDestination& module, const DestinationSettings& settings, SyncMode mode,
                  const std::vector<DeliveryRecord>& records, const std::string& run_id = "run-1") {
  DeliveryEngine engine(module, settings);
  VectorFeed feed(records);
  Delivered delivered;
  DeliveryCallbacks callbacks;
  callbacks.on_outcome = [&](const RecordOutcome& outcome) { delivered.outcomes[outcome.key] = outcome; };
  delivered.summary = engine.deliver({"people_to_iterable", run_id, mode, 0, {}}, feed, callbacks);
  return delivered;
}

}  // namespace

TEST_CASE("iterable upsert sends users to bulkUpdate with the Api-Key header", "[iterable]") {
  IterableEmulator emulator(kKey);
  auto settings = iterable_settings(emulator, "iterable-shape");
  settings.batch_size = 50;
  settings.max_concurrency = 1;  // requests arrive in batch order
  IterableDestination iterable(settings, {});
  std::vector<DeliveryRecord> records;
  for (int i = 0; i < 120; ++i) {
    records.push_back(person("p" + std::to_string(i) + "@example.com", {{"plan", "pro"}, {"seats", i}}));
  }
  auto delivered = deliver(iterable, settings, SyncMode::upsert, records);
  CHECK(delivered.summary.accepted == 120);
  auto requests = emulator.requests();
  REQUIRE(requests.size() == 3);
  CHECK(requests[0].target == "/api/users/bulkUpdate");
  CHECK(requests[0].header("api-key") == kKey);
  auto body = nlohmann::json::parse(requests[0].body);
  CHECK(body["users"][0] ==
        nlohmann::json({{"email", "p0@example.com"}, {"dataFields", {{"plan", "pro"}, {"seats", 0}}}}));
  CHECK(emulator.users().size() == 120);
  CHECK(emulator.users().at("p7@example.com") == nlohmann::json({{"plan", "pro"}, {"seats", 7}}));
}

TEST_CASE("iterable identifies by userId when configured and prefers it", "[iterable]") {
  IterableEmulator emulator(kKey);
  auto settings = iterable_settings(emulator, "iterable-userid");
  IterableDestination iterable(settings, IterableOptions{"userId", ""});
  DeliveryRecord record;
  record.key = "42";
  record.key_json = {{"customer_id", 42}};
  record.fields = {{"tier", "gold"}};
  deliver(iterable, settings, SyncMode::upsert, {record});
  auto body = nlohmann::json::parse(emulator.requests().back().body);
  CHECK(body["users"][0] == nlohmann::json({{"userId", "42"}, {"preferUserId", true}, {"dataFields", {{"tier", "gold"}}}}));
  CHECK(emulator.users().at("42") == nlohmann::json({{"tier", "gold"}}));
  CHECK_THROWS_AS(IterableDestination(settings, IterableOptions{"phone", ""}), DestinationError);
}

TEST_CASE("iterable append tracks events in bulk, a retried run does not duplicate them", "[iterable]") {
  IterableEmulator emulator(kKey);
  auto settings = iterable_settings(emulator, "iterable-events");
  IterableDestination iterable(settings, IterableOptions{"email", "purchase"});
  std::vector<DeliveryRecord> records;
  for (int i = 0; i < 30; ++i) records.push_back(person("buyer@example.com", {{"total", i}}, "order-" + std::to_string(i)));
  auto delivered = deliver(iterable, settings, SyncMode::append, records, "run-7");
  CHECK(delivered.summary.accepted == 30);
  CHECK(emulator.requests().back().target == "/api/events/trackBulk");
  auto events = emulator.events();
  REQUIRE(events.size() == 30);
  CHECK(events.at("run-7.order-3")["eventName"] == "purchase");
  CHECK(events.at("run-7.order-3")["dataFields"] == nlohmann::json({{"total", 3}}));
  deliver(iterable, settings, SyncMode::append, records, "run-7");  // the same run resumed
  CHECK(emulator.events().size() == 30);
  CHECK(emulator.users().empty());
}

TEST_CASE("iterable failedUpdates reject exactly the records they name", "[iterable]") {
  IterableEmulator emulator(kKey);
  emulator.reject_email("bad@example");
  auto settings = iterable_settings(emulator, "iterable-failed");
  IterableDestination iterable(settings, {});
  auto delivered = deliver(iterable, settings, SyncMode::upsert,
                           {person("good@example.com", {{"a", 1}}), person("bad@example", {{"a", 2}}),
                            person("fine@example.com", {{"a", 3}})});
  CHECK(delivered.summary.accepted == 2);
  CHECK(delivered.summary.rejected == 1);
  CHECK(delivered.outcomes.at("bad@example").status == RecordStatus::Rejected);
  CHECK(delivered.outcomes.at("bad@example").message == "Iterable: email listed in invalidEmails");
  CHECK(emulator.users().size() == 2);
}

TEST_CASE("iterable 429 storms, 5xx and timeouts lose nothing", "[iterable]") {
  IterableEmulator emulator(kKey);
  emulator.set_rate_limit(5, 250ms);
  emulator.fail_next(2, 502);
  auto settings = iterable_settings(emulator, "iterable-storm");
  settings.batch_size = 20;
  settings.retry.max_attempts = 40;
  settings.retry.max_delay = 300ms;
  settings.total_timeout = 400ms;
  settings.rate_limit = RateLimit{40, 1000ms};  // twice what this project allows: it answers 429
  IterableDestination iterable(settings, {});
  std::vector<DeliveryRecord> records;
  for (int i = 0; i < 400; ++i) records.push_back(person("s" + std::to_string(i) + "@example.com", {{"n", i}}));
  auto delivered = deliver(iterable, settings, SyncMode::upsert, records);
  for (const auto& [key, outcome] : delivered.outcomes) {
    if (outcome.status != RecordStatus::Accepted) FAIL_CHECK(key << ": " << outcome.message);
  }
  CHECK(delivered.summary.accepted == 400);
  CHECK(emulator.throttled() > 0);
  CHECK(emulator.users().size() == 400);

  emulator.hang_next(1);
  delivered = deliver(iterable, settings, SyncMode::upsert, {person("late@example.com", {{"n", 1}})});
  CHECK(delivered.summary.accepted == 1);
  CHECK(emulator.users().count("late@example.com") == 1);
}

TEST_CASE("iterable random rounds leave the emulator holding the model", "[iterable]") {
  IterableEmulator emulator(kKey);
  auto settings = iterable_settings(emulator, "iterable-rounds");
  settings.batch_size = 40;
  IterableDestination iterable(settings, {});
  std::mt19937 random(1122);
  std::map<std::string, nlohmann::json> model;
  for (int round = 0; round < 5; ++round) {
    std::map<std::string, nlohmann::json> changed;
    for (int i = 0; i < 100; ++i) {
      std::string email = "m" + std::to_string(random() % 250) + "@example.com";
      nlohmann::json fields = {{"score", static_cast<int>(random() % 1000)}};
      if (model.count(email) == 0 || random() % 3 == 0) fields["segment"] = "s" + std::to_string(random() % 5);
      changed[email].update(fields);
    }
    std::vector<DeliveryRecord> records;
    for (const auto& [email, fields] : changed) {
      model[email].update(fields);
      records.push_back(person(email, fields));
    }
    auto delivered = deliver(iterable, settings, SyncMode::upsert, records);
    REQUIRE(delivered.summary.accepted == records.size());
    REQUIRE(emulator.users() == model);
  }
}
