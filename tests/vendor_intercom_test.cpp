#include <catch2/catch.hpp>

#include <map>
#include <random>

#include "destinations/delivery_engine.h"
#include "destinations/destination_error.h"
#include "destinations/intercom/intercom_destination.h"
#include "tests/support/emulators/intercom_emulator.h"

using namespace backflow::destinations;
using backflow::test::IntercomEmulator;
using namespace std::chrono_literals;

namespace {

const std::string kToken = "intercom-token-abc";

DestinationSettings intercom_settings(const IntercomEmulator& emulator, const std::string& name) {
  DestinationSettings settings;
  settings.name = name;
  settings.type = "intercom";
  settings.url = emulator.base_url();
  settings.secret = kToken;
  settings.retry.base_delay = 2ms;
  settings.retry.max_delay = 20ms;
  settings.max_concurrency = 8;
  return settings;
}

DeliveryRecord contact(const std::string& external_id, nlohmann::json fields, Operation op = Operation::Upsert) {
  DeliveryRecord record;
  record.op = op;
  record.key = external_id;
  record.key_json = {{"account_id", external_id}};
  record.fields = std::move(fields);
  return record;
}

struct Delivered {
  DeliverySummary summary;
  std::map<std::string, RecordOutcome> outcomes;
};

Delivered deliver(const IntercomDestination& module, const DestinationSettings& settings, SyncMode mode,
                  const std::vector<DeliveryRecord>& records) {
  DeliveryEngine engine(module, settings);
  VectorFeed feed(records);
  Delivered delivered;
  DeliveryCallbacks callbacks;
  callbacks.on_outcome = [&](const RecordOutcome& outcome) { delivered.outcomes[outcome.key] = outcome; };
  delivered.summary = engine.deliver({"accounts_to_intercom", "run-1", mode, 0, {}}, feed, callbacks);
  return delivered;
}

}  // namespace

TEST_CASE("intercom upsert looks a contact up, then creates or updates it", "[intercom]") {
  IntercomEmulator emulator(kToken);
  std::string existing = emulator.add_contact({{"role", "user"}, {"external_id", "a1"}, {"name", "Old Name"}});
  auto settings = intercom_settings(emulator, "intercom-upsert");
  IntercomDestination intercom(settings, {});
  auto delivered = deliver(intercom, settings, SyncMode::upsert,
                           {contact("a1", {{"name", "Ada"}, {"plan", "pro"}}),
                            contact("a2", {{"name", "Grace"}, {"email", "grace@example.com"}})});
  CHECK(delivered.summary.accepted == 2);
  CHECK(delivered.outcomes.at("a1").destination_id == existing);
  auto contacts = emulator.contacts();
  REQUIRE(contacts.size() == 2);
  CHECK(contacts.at("a1")["id"] == existing);
  CHECK(contacts.at("a1")["name"] == "Ada");
  CHECK(contacts.at("a1")["custom_attributes"] == nlohmann::json({{"plan", "pro"}}));
  CHECK(contacts.at("a2")["email"] == "grace@example.com");
  CHECK(contacts.at("a2")["role"] == "user");
  for (const auto& request : emulator.requests()) {
    CHECK(request.header("intercom-version") == "2.14");
    CHECK(request.header("authorization") == "Bearer " + kToken);
  }
  std::map<std::string, int> calls;
  for (const auto& request : emulator.requests()) calls[request.method + " " + request.target.substr(0, 14)]++;
  CHECK(calls["GET /contacts/find"] == 2);
  CHECK(calls["PUT /contacts/c1"] == 1);
  CHECK(calls["POST /contacts"] == 1);

  // The module remembers the ids: a second change of a1 is one PUT.
  std::size_t before = emulator.requests().size();
  deliver(intercom, settings, SyncMode::upsert, {contact("a1", {{"name", "Ada L."}})});
  CHECK(emulator.requests().size() == before + 1);
  CHECK(emulator.contacts().at("a1")["name"] == "Ada L.");
}

TEST_CASE("intercom update mode never creates, mirror archives deleted records", "[intercom]") {
  IntercomEmulator emulator(kToken);
  emulator.add_contact({{"role", "user"}, {"external_id", "keep"}});
  emulator.add_contact({{"role", "user"}, {"external_id", "gone"}});
  auto settings = intercom_settings(emulator, "intercom-modes");
  IntercomOptions update_options;
  update_options.create_missing = false;
  IntercomDestination updater(settings, update_options);
  auto delivered = deliver(updater, settings, SyncMode::update,
                           {contact("keep", {{"name", "Kept"}}), contact("stranger", {{"name", "Nobody"}})});
  CHECK(delivered.outcomes.at("keep").status == RecordStatus::Accepted);
  CHECK(delivered.outcomes.at("stranger").status == RecordStatus::Rejected);
  CHECK(delivered.outcomes.at("stranger").message == "no Intercom contact with external_id stranger");
  CHECK(emulator.contacts().size() == 2);

  IntercomDestination mirror(settings, {});
  delivered = deliver(mirror, settings, SyncMode::mirror,
                      {contact("gone", {}, Operation::Delete), contact("never-existed", {}, Operation::Delete)});
  CHECK(delivered.summary.accepted == 2);
  CHECK(emulator.archived() == 1);
  CHECK(emulator.contacts().count("gone") == 0);
  CHECK(emulator.contacts().count("keep") == 1);
}

TEST_CASE("intercom identifies by email through contact search", "[intercom]") {
  IntercomEmulator emulator(kToken);
  emulator.add_contact({{"role", "user"}, {"email", "ada@example.com"}});
  auto settings = intercom_settings(emulator, "intercom-email");
  IntercomDestination intercom(settings, IntercomOptions{"email", "2.14", "contacts", true});
  auto delivered = deliver(intercom, settings, SyncMode::upsert,
                           {contact("1", {{"email", "ada@example.com"}, {"name", "Ada"}}),
                            contact("2", {{"email", "new@example.com"}, {"name", "New"}})});
  CHECK(delivered.summary.accepted == 2);
  auto contacts = emulator.contacts();
  CHECK(contacts.size() == 2);
  CHECK(contacts.at("ada@example.com")["name"] == "Ada");
  CHECK(contacts.at("new@example.com")["name"] == "New");
  CHECK_THROWS_AS(IntercomDestination(settings, IntercomOptions{"phone", "2.14", "contacts", true}), DestinationError);
  CHECK_THROWS_AS(IntercomDestination(settings, IntercomOptions{"external_id", "2.14", "companies", true}),
                  DestinationError);
}

TEST_CASE("intercom rejects invalid contacts with Intercom's message, a stale id is looked up again", "[intercom]") {
  IntercomEmulator emulator(kToken);
  emulator.reject_email("broken@");
  auto settings = intercom_settings(emulator, "intercom-errors");
  IntercomDestination intercom(settings, {});
  auto delivered = deliver(intercom, settings, SyncMode::upsert,
                           {contact("x1", {{"email", "broken@"}}), contact("x2", {{"email", "fine@example.com"}})});
  CHECK(delivered.outcomes.at("x1").status == RecordStatus::Rejected);
  CHECK(delivered.outcomes.at("x1").message == "HTTP 400: parameter_invalid: Email address is invalid");
  CHECK(delivered.outcomes.at("x2").status == RecordStatus::Accepted);

  // x2 archived behind the module's back: its remembered id now answers 404.
  IntercomDestination other(settings, {});
  deliver(other, settings, SyncMode::mirror, {contact("x2", {}, Operation::Delete)});
  delivered = deliver(intercom, settings, SyncMode::upsert, {contact("x2", {{"name", "Back"}})});
  CHECK(delivered.outcomes.at("x2").status == RecordStatus::Accepted);
  CHECK(emulator.contacts().at("x2")["name"] == "Back");
}

TEST_CASE("intercom 429 storms, 5xx and timeouts lose nothing", "[intercom]") {
  IntercomEmulator emulator(kToken);
  emulator.set_rate_limit(40, 200ms);
  emulator.fail_next(3, 500);
  auto settings = intercom_settings(emulator, "intercom-storm");
  settings.retry.max_attempts = 40;
  settings.total_timeout = 400ms;
  settings.rate_limit = RateLimit{10000, 1000ms};
  IntercomDestination intercom(settings, {});
  std::vector<DeliveryRecord> records;
  for (int i = 0; i < 150; ++i) records.push_back(contact("s" + std::to_string(i), {{"name", "n" + std::to_string(i)}}));
  auto delivered = deliver(intercom, settings, SyncMode::upsert, records);
  CHECK(delivered.summary.accepted == 150);
  CHECK(emulator.throttled() > 0);
  CHECK(emulator.contacts().size() == 150);

  emulator.hang_next(1);
  delivered = deliver(intercom, settings, SyncMode::upsert, {contact("late", {{"name", "L"}})});
  CHECK(delivered.summary.accepted == 1);
  CHECK(emulator.contacts().count("late") == 1);
}

TEST_CASE("intercom random rounds in mirror mode leave the emulator holding the model", "[intercom]") {
  IntercomEmulator emulator(kToken);
  auto settings = intercom_settings(emulator, "intercom-rounds");
  IntercomDestination intercom(settings, {});
  std::mt19937 random(77);
  std::map<std::string, std::string> model;  // external_id -> name
  for (int round = 0; round < 4; ++round) {
    std::map<std::string, std::optional<std::string>> changes;
    for (int i = 0; i < 40; ++i) {
      std::string id = "r" + std::to_string(random() % 60);
      if (model.count(id) != 0 && random() % 4 == 0) {
        changes[id] = std::nullopt;
      } else {
        changes[id] = "name" + std::to_string(random() % 100);
      }
    }
    std::vector<DeliveryRecord> records;
    for (const auto& [id, name] : changes) {
      if (name) {
        model[id] = *name;
        records.push_back(contact(id, {{"name", *name}}));
      } else {
        model.erase(id);
        records.push_back(contact(id, {}, Operation::Delete));
      }
    }
    auto delivered = deliver(intercom, settings, SyncMode::mirror, records);
    REQUIRE(delivered.summary.accepted == records.size());
    std::map<std::string, std::string> held;
    for (const auto& [id, stored] : emulator.contacts()) held[id] = stored["name"].get<std::string>();
    REQUIRE(held == model);
  }
}

TEST_CASE("intercom skips the lookup when the runner passes the contact's id", "[intercom]") {
  IntercomEmulator emulator(kToken);
  std::string id = emulator.add_contact({{"role", "user"}, {"external_id", "known"}});
  auto settings = intercom_settings(emulator, "intercom-known-id");
  IntercomDestination intercom(settings, {});
  DeliveryRecord record = contact("known", {{"name", "Known"}});
  record.destination_id = id;
  auto delivered = deliver(intercom, settings, SyncMode::upsert, {record});
  CHECK(delivered.summary.accepted == 1);
  for (const auto& request : emulator.requests()) UNSCOPED_INFO(request.method << " " << request.target);
  REQUIRE(emulator.requests().size() == 1);
  CHECK(emulator.requests()[0].method == "PUT");
  CHECK(emulator.contacts().at("known")["name"] == "Known");
}
