#include <catch2/catch.hpp>

#include <set>

#include <map>
#include <random>

#include "destinations/braze/braze_destination.h"
#include "destinations/delivery_engine.h"
#include "destinations/destination_error.h"
#include "tests/support/emulators/braze_emulator.h"

using namespace backflow::destinations;
using backflow::test::BrazeEmulator;
using namespace std::chrono_literals;

namespace {

const std::string kKey = "braze-rest-key-123";

DestinationSettings braze_settings(const BrazeEmulator& emulator, const std::string& name) {
  DestinationSettings settings;
  settings.name = name;
  settings.type = "braze";
  settings.url = emulator.base_url();
  settings.secret = kKey;
  settings.retry.base_delay = 5ms;
  settings.retry.max_delay = 50ms;
  return settings;
}

DeliveryRecord user(const std::string& id, nlohmann::json fields) {
  DeliveryRecord record;
  record.key = id;
  record.key_json = {{"user_id", id}};
  record.fields = std::move(fields);
  return record;
}

struct Delivered {
  DeliverySummary summary;
  std::map<std::string, RecordOutcome> outcomes;  // by key
};

Delivered deliver(const BrazeDestination& module, const DestinationSettings& settings, SyncMode mode,
                  const std::vector<DeliveryRecord>& records) {
  DeliveryEngine engine(module, settings);
  VectorFeed feed(records);
  Delivered delivered;
  DeliveryCallbacks callbacks;
  callbacks.on_outcome = [&](const RecordOutcome& outcome) { delivered.outcomes[outcome.key] = outcome; };
  delivered.summary = engine.deliver({"users_to_braze", "run-1", mode, 0, {}}, feed, callbacks);
  return delivered;
}

}  // namespace

TEST_CASE("braze upsert sends attribute objects with only the given fields, 75 per request", "[braze]") {
  BrazeEmulator emulator(kKey);
  auto settings = braze_settings(emulator, "braze-shape");
  settings.max_concurrency = 1;  // requests arrive in batch order
  BrazeDestination braze(settings, {});
  std::vector<DeliveryRecord> records;
  for (int i = 0; i < 160; ++i) records.push_back(user("u" + std::to_string(i), {{"plan", "pro"}, {"seats", i}}));
  auto delivered = deliver(braze, settings, SyncMode::upsert, records);
  CHECK(delivered.summary.accepted == 160);
  auto requests = emulator.requests();
  REQUIRE(requests.size() == 3);  // 75 + 75 + 10
  CHECK(emulator.shape_violations() == 0);
  CHECK(requests[0].target == "/users/track");
  CHECK(requests[0].header("authorization") == "Bearer " + kKey);
  auto first = nlohmann::json::parse(requests[0].body);
  CHECK(first["attributes"].size() == 75);
  CHECK(first["attributes"][0] ==
        nlohmann::json({{"external_id", "u0"}, {"_update_existing_only", false}, {"plan", "pro"}, {"seats", 0}}));
  CHECK(emulator.users().size() == 160);
  CHECK(emulator.users().at("u42") == nlohmann::json({{"plan", "pro"}, {"seats", 42}}));

  // A changed_fields diff hands the module one field: Braze sees (and bills) that one only.
  std::size_t before = emulator.data_points();
  deliver(braze, settings, SyncMode::upsert, {user("u42", {{"seats", 43}})});
  auto last = nlohmann::json::parse(emulator.requests().back().body);
  CHECK(last == nlohmann::json::parse(R"({"attributes":[{"external_id":"u42","_update_existing_only":false,"seats":43}]})"));
  CHECK(emulator.data_points() == before + 1);
  CHECK(emulator.users().at("u42") == nlohmann::json({{"plan", "pro"}, {"seats", 43}}));
}

TEST_CASE("braze update mode sets _update_existing_only and never creates users", "[braze]") {
  BrazeEmulator emulator(kKey);
  auto settings = braze_settings(emulator, "braze-update");
  BrazeDestination braze(settings, {});
  deliver(braze, settings, SyncMode::upsert, {user("known", {{"tier", "gold"}})});
  auto delivered = deliver(braze, settings, SyncMode::update,
                           {user("known", {{"tier", "platinum"}}), user("stranger", {{"tier", "bronze"}})});
  CHECK(delivered.summary.accepted == 2);
  auto body = nlohmann::json::parse(emulator.requests().back().body);
  CHECK(body["attributes"][0]["_update_existing_only"] == true);
  auto users = emulator.users();
  CHECK(users.size() == 1);
  CHECK(users.at("known")["tier"] == "platinum");
}

TEST_CASE("braze identifies users by email when configured", "[braze]") {
  BrazeEmulator emulator(kKey);
  auto settings = braze_settings(emulator, "braze-email");
  BrazeDestination braze(settings, BrazeOptions{"email", ""});
  deliver(braze, settings, SyncMode::upsert, {user("7", {{"email", "ada@example.com"}, {"city", "Zurich"}})});
  auto body = nlohmann::json::parse(emulator.requests().back().body);
  CHECK(body["attributes"][0] ==
        nlohmann::json({{"email", "ada@example.com"}, {"_update_existing_only", false}, {"city", "Zurich"}}));
  CHECK(emulator.users().at("ada@example.com") == nlohmann::json({{"city", "Zurich"}}));
  CHECK_THROWS_AS(BrazeDestination(settings, BrazeOptions{"phone_number", ""}), DestinationError);
}

TEST_CASE("braze append mode tracks one custom event per record", "[braze]") {
  BrazeEmulator emulator(kKey);
  auto settings = braze_settings(emulator, "braze-events");
  BrazeDestination braze(settings, BrazeOptions{"external_id", "order_placed"});
  std::vector<DeliveryRecord> records;
  for (int i = 0; i < 80; ++i) records.push_back(user("u" + std::to_string(i % 7), {{"amount", i}}));
  // Distinct keys per event: an append feed carries one record per new row.
  for (int i = 0; i < 80; ++i) records[static_cast<std::size_t>(i)].key = "order-" + std::to_string(i);
  auto delivered = deliver(braze, settings, SyncMode::append, records);
  CHECK(delivered.summary.accepted == 80);
  CHECK(emulator.shape_violations() == 0);
  auto events = emulator.events();
  REQUIRE(events.size() == 80);
  // Batches travel concurrently, so events arrive in no fixed order.
  std::set<int> amounts;
  for (const auto& event : events) {
    CHECK(event["name"] == "order_placed");
    amounts.insert(event["properties"]["amount"].get<int>());
  }
  CHECK(amounts.size() == 80);
  CHECK(*amounts.begin() == 0);
  CHECK(emulator.users().empty());

  BrazeDestination unnamed(settings, {});
  CHECK_THROWS_AS(deliver(unnamed, settings, SyncMode::append, records), DestinationError);
}

TEST_CASE("braze per-object errors in a 2xx body reject exactly the records they name", "[braze]") {
  BrazeEmulator emulator(kKey);
  emulator.reject_email("not-an-email");
  auto settings = braze_settings(emulator, "braze-errors");
  BrazeDestination braze(settings, {});
  std::vector<DeliveryRecord> records;
  for (int i = 0; i < 10; ++i) {
    records.push_back(user("u" + std::to_string(i), {{"email", i % 4 == 1 ? "not-an-email" : "ok@example.com"}}));
  }
  auto delivered = deliver(braze, settings, SyncMode::upsert, records);
  CHECK(delivered.summary.accepted == 7);
  CHECK(delivered.summary.rejected == 3);
  CHECK(delivered.outcomes.at("u1").status == RecordStatus::Rejected);
  CHECK(delivered.outcomes.at("u1").message.find("not a valid email") != std::string::npos);
  CHECK(delivered.outcomes.at("u2").status == RecordStatus::Accepted);
  CHECK(emulator.users().size() == 7);
  CHECK(emulator.users().count("u5") == 0);
}

TEST_CASE("braze 429 storms, 5xx and timeouts lose nothing", "[braze]") {
  BrazeEmulator emulator(kKey);
  emulator.set_rate_limit(3, 200ms);
  emulator.fail_next(2, 503);
  auto settings = braze_settings(emulator, "braze-storm");
  settings.retry.max_attempts = 30;
  settings.total_timeout = 400ms;
  settings.rate_limit = RateLimit{1000, 1000ms};  // the account allows more than this emulator: it answers 429
  BrazeDestination braze(settings, {});
  std::vector<DeliveryRecord> records;
  for (int i = 0; i < 600; ++i) records.push_back(user("u" + std::to_string(i), {{"n", i}}));
  auto delivered = deliver(braze, settings, SyncMode::upsert, records);
  CHECK(delivered.summary.accepted == 600);
  CHECK(delivered.summary.throttled > 0);
  CHECK(emulator.throttled() > 0);
  CHECK(emulator.users().size() == 600);

  emulator.hang_next(1);
  delivered = deliver(braze, settings, SyncMode::upsert, {user("late", {{"n", 1}})});
  CHECK(delivered.summary.accepted == 1);
  CHECK(emulator.users().at("late")["n"] == 1);
}

TEST_CASE("braze random rounds leave the emulator holding the model", "[braze]") {
  BrazeEmulator emulator(kKey);
  auto settings = braze_settings(emulator, "braze-rounds");
  BrazeDestination braze(settings, {});
  std::mt19937 random(20261122);
  std::map<std::string, nlohmann::json> model;
  const std::vector<std::string> columns = {"plan", "score", "city", "active"};
  for (int round = 0; round < 5; ++round) {
    std::vector<DeliveryRecord> changes;
    for (int i = 0; i < 120; ++i) {
      std::string id = "u" + std::to_string(random() % 300);
      bool seen = false;
      for (const auto& change : changes) seen = seen || change.key == id;
      if (seen) continue;
      nlohmann::json changed = nlohmann::json::object();  // send: changed_fields
      for (const auto& column : columns) {
        if (model.count(id) != 0 && random() % 2 == 0) continue;
        nlohmann::json value = column == "active" ? nlohmann::json(random() % 2 == 0)
                                                  : nlohmann::json(column + std::to_string(random() % 50));
        changed[column] = value;
      }
      if (changed.empty()) continue;
      model[id].update(changed);
      changes.push_back(user(id, changed));
    }
    auto delivered = deliver(braze, settings, SyncMode::upsert, changes);
    REQUIRE(delivered.summary.accepted == changes.size());
    REQUIRE(emulator.users() == model);
  }
  CHECK(emulator.shape_violations() == 0);
}
