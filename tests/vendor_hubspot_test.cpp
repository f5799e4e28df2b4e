// HubSpot through the delivery engine against the stateful emulator: after
// every round of random changes HubSpot holds exactly the model, whatever
// the vendor throws at the engine (per-record errors, 429 storms, 5xx,
// hangs, dropped connections).
#include <catch2/catch.hpp>

#include "destinations/destination_error.h"
#include "destinations/http_client.h"
#include "mappers/exact_number.h"
#include "tests/vendor_hubspot_support.h"

using namespace backflow::destinations;
using namespace backflow::test;
using namespace std::chrono_literals;

namespace {

struct RunResult {
  DeliverySummary summary;
  std::vector<RecordOutcome> outcomes;
};

RunResult deliver(const HubSpotDestination& module, const DestinationSettings& settings, SyncMode mode,
                  const std::vector<DeliveryRecord>& records, ContactModel* model = nullptr) {
  DeliveryEngine engine(module, settings);
  VectorFeed feed(records);
  RunResult result;
  DeliveryCallbacks callbacks;
  callbacks.on_outcome = [&](const RecordOutcome& outcome) {
    result.outcomes.push_back(outcome);
    if (model != nullptr) model->record_outcome(outcome);
  };
  result.summary = engine.deliver({"contacts_to_hubspot", "run-1", mode, 0, {}}, feed, callbacks);
  return result;
}

HubSpotDestination contacts_by_email(const DestinationSettings& settings) {
  return HubSpotDestination(HubSpotOptions{settings, "contacts", "email"});
}

}  // namespace

TEST_CASE("HubSpot mirror: after each random round the emulator holds exactly the model", "[hubspot]") {
  HubSpotEmulator emulator;
  emulator.set_rate_limit(0, 0ms);
  auto settings = hubspot_settings(emulator, "hubspot-mirror-rounds");
  auto module = contacts_by_email(settings);
  ContactModel model(11);
  for (int round = 0; round < 5; ++round) {
    auto records = model.random_round(round == 0 ? 250 : 120);
    auto result = deliver(module, settings, SyncMode::mirror, records, &model);
    INFO("round " << round);
    CHECK(result.summary.accepted == records.size());
    CHECK(held_contacts(emulator) == model.expected());
  }
  // Every contact's HubSpot id came back as its destination id.
  for (const auto& [id, object] : emulator.objects("contacts")) {
    const auto customer = std::stoi(object.properties.at("email").substr(1));
    CHECK(model.id_of(customer) == id);
  }
}

TEST_CASE("HubSpot: faults and a 429 storm lose nothing", "[hubspot]") {
  HubSpotEmulator emulator;
  emulator.set_rate_limit(8, 300ms);  // far below what the engine would send unthrottled
  emulator.set_fault_rate(0.15, 3);
  auto settings = hubspot_settings(emulator, "hubspot-storm");
  settings.batch_size = 20;
  settings.max_concurrency = 4;
  auto module = contacts_by_email(settings);
  ContactModel model(5);
  for (int round = 0; round < 3; ++round) {
    auto records = model.random_round(150);
    auto result = deliver(module, settings, SyncMode::mirror, records, &model);
    INFO("round " << round);
    CHECK(result.summary.accepted == records.size());
    CHECK(result.summary.rejected == 0);
    CHECK(result.summary.retries_exhausted == 0);
    CHECK(held_contacts(emulator) == model.expected());
  }
  CHECK(emulator.throttled() > 0);
  CHECK(emulator.faults() > 0);
}

TEST_CASE("HubSpot partial failure: invalid emails are rejected with HubSpot's message and the rest land",
          "[hubspot]") {
  HubSpotEmulator emulator;
  auto settings = hubspot_settings(emulator, "hubspot-partial");
  auto module = contacts_by_email(settings);
  std::vector<DeliveryRecord> records;
  for (int customer = 1; customer <= 30; ++customer) {
    const std::string email = customer % 7 == 0 ? "not-an-email-" + std::to_string(customer)
                                                : "c" + std::to_string(customer) + "@example.com";
    records.push_back(ContactModel::upsert(customer, {{"email", email}, {"firstname", "F"}}));
  }
  auto result = deliver(module, settings, SyncMode::upsert, records);
  CHECK(result.summary.accepted == 26);
  CHECK(result.summary.rejected == 4);
  CHECK(result.summary.requests == 1);  // per-record errors need no bisection
  for (const auto& outcome : result.outcomes) {
    const bool invalid = std::stoi(outcome.key) % 7 == 0;
    INFO("key " << outcome.key);
    CHECK((outcome.status == RecordStatus::Rejected) == invalid);
    if (invalid) {
      CHECK(outcome.http_status == 207);
      CHECK(outcome.message.find("is not a valid email address") != std::string::npos);
      CHECK(outcome.destination_id.empty());
    } else {
      CHECK_FALSE(outcome.destination_id.empty());
    }
  }
  CHECK(emulator.objects("contacts").size() == 26);

  // Fixed in the warehouse, the rejected records go through on the next run.
  std::vector<DeliveryRecord> retried;
  for (int customer = 7; customer <= 30; customer += 7) {
    retried.push_back(ContactModel::upsert(customer, {{"email", "fixed" + std::to_string(customer) + "@example.com"}}));
  }
  CHECK(deliver(module, settings, SyncMode::upsert, retried).summary.accepted == 4);
  CHECK(emulator.objects("contacts").size() == 30);
}

TEST_CASE("HubSpot insert mode creates objects and reports duplicates per record", "[hubspot]") {
  HubSpotEmulator emulator;
  auto settings = hubspot_settings(emulator, "hubspot-insert");
  auto module = contacts_by_email(settings);
  std::vector<DeliveryRecord> records{ContactModel::upsert(1, {{"email", "a@example.com"}, {"age", 30}}),
                                      ContactModel::upsert(2, {{"email", "b@example.com"}, {"vip", true}})};
  auto first = deliver(module, settings, SyncMode::insert, records);
  CHECK(first.summary.accepted == 2);
  auto objects = emulator.objects("contacts");
  REQUIRE(objects.size() == 2);
  CHECK(objects.at(first.outcomes[0].destination_id).properties.at("age") == "30");
  CHECK(objects.at(first.outcomes[1].destination_id).properties.at("vip") == "true");

  records.push_back(ContactModel::upsert(3, {{"email", "c@example.com"}}));
  auto second = deliver(module, settings, SyncMode::insert, records);
  CHECK(second.summary.accepted == 1);
  CHECK(second.summary.rejected == 2);
  for (const auto& outcome : second.outcomes) {
    if (outcome.status == RecordStatus::Rejected) CHECK(outcome.message.find("CONFLICT") != std::string::npos);
  }
  CHECK(emulator.objects("contacts").size() == 3);
}

TEST_CASE("HubSpot update mode changes existing objects only", "[hubspot]") {
  HubSpotEmulator emulator;
  auto settings = hubspot_settings(emulator, "hubspot-update");
  auto module = contacts_by_email(settings);
  deliver(module, settings, SyncMode::upsert, {ContactModel::upsert(1, {{"email", "a@example.com"}, {"tier", "gold"}})});
  auto result = deliver(module, settings, SyncMode::update,
                        {ContactModel::upsert(1, {{"email", "a@example.com"}, {"tier", "platinum"}}),
                         ContactModel::upsert(2, {{"email", "unknown@example.com"}, {"tier", "gold"}})});
  CHECK(result.summary.accepted == 1);
  CHECK(result.summary.rejected == 1);
  auto objects = emulator.objects("contacts");
  REQUIRE(objects.size() == 1);
  CHECK(objects.begin()->second.properties.at("tier") == "platinum");
  for (const auto& outcome : result.outcomes) {
    if (outcome.key == "2") CHECK(outcome.message.find("OBJECT_NOT_FOUND") != std::string::npos);
  }

  // By object id when no unique property is configured.
  HubSpotDestination by_id(HubSpotOptions{settings, "contacts", ""});
  auto record = ContactModel::upsert(1, {{"tier", "silver"}});
  record.destination_id = objects.begin()->first;
  CHECK(deliver(by_id, settings, SyncMode::update, {record}).summary.accepted == 1);
  CHECK(emulator.objects("contacts").begin()->second.properties.at("tier") == "silver");
}

TEST_CASE("HubSpot batches hold at most 100 inputs and the emulator refuses 101", "[hubspot]") {
  HubSpotEmulator emulator;
  auto settings = hubspot_settings(emulator, "hubspot-batch-limit");
  settings.batch_size = 500;  // the module caps it at HubSpot's 100
  auto module = contacts_by_email(settings);
  CHECK(module.batch_limits().max_records == 100);
  std::vector<DeliveryRecord> records;
  for (int customer = 1; customer <= 250; ++customer) {
    records.push_back(ContactModel::upsert(customer, {{"email", "c" + std::to_string(customer) + "@example.com"}}));
  }
  auto result = deliver(module, settings, SyncMode::upsert, records);
  CHECK(result.summary.accepted == 250);
  CHECK(result.summary.requests == 3);

  std::vector<const DeliveryRecord*> oversized;
  records.resize(101);
  for (const auto& record : records) oversized.push_back(&record);
  auto request = module.build_request({"s", "r", "0", SyncMode::upsert, 1}, oversized);
  HttpClient client({});
  client.start(request);
  std::vector<std::pair<std::uint64_t, HttpResponse>> done;
  while (done.empty()) done = client.poll(100ms);
  CHECK(done.front().second.status == 400);
  CHECK(done.front().second.body.find("exceeds the limit of 100") != std::string::npos);
}

TEST_CASE("HubSpot: a refused token stops delivery with an auth error that hides the token", "[hubspot]") {
  HubSpotEmulator emulator("the-right-token");
  auto settings = hubspot_settings(emulator, "hubspot-auth");
  settings.secret = "pat-na1-wrong-token";
  auto module = contacts_by_email(settings);
  try {
    deliver(module, settings, SyncMode::upsert, {ContactModel::upsert(1, {{"email", "a@example.com"}})});
    FAIL("expected DestinationAuthError");
  } catch (const DestinationAuthError& error) {
    CHECK(error.http_status() == 401);
    CHECK(std::string(error.what()).find("pat-na1-wrong-token") == std::string::npos);
  }
}

TEST_CASE("HubSpot property values are strings: numbers and booleans spelled out and null clears", "[hubspot]") {
  CHECK(hubspot_property_value(nlohmann::json(42)) == "42");
  CHECK(hubspot_property_value(nlohmann::json(2.5)) == "2.5");
  CHECK(hubspot_property_value(nlohmann::json(true)) == "true");
  CHECK(hubspot_property_value(nlohmann::json(nullptr)).empty());
  CHECK(hubspot_property_value(nlohmann::json::array({"a", "b"})) == "a;b");
  CHECK(hubspot_property_value(backflow::mappers::exact_number("12345678901234567890.5")) == "12345678901234567890.5");
}

TEST_CASE("HubSpot: an error whose message is not a string rejects its record with a plain reason (found by fuzzing)",
          "[hubspot][hostile]") {
  HubSpotOptions options;
  options.settings.secret = "pat-na1-test";
  options.object = "contacts";
  options.id_property = "email";
  const HubSpotDestination module(options);
  std::vector<DeliveryRecord> records(2);
  for (std::size_t i = 0; i < records.size(); ++i) {
    records[i].key = "k" + std::to_string(i);
    records[i].key_json = {{"id", i}};
    records[i].fields = {{"email", "user" + std::to_string(i) + "@example.com"}};
  }
  const std::vector<const DeliveryRecord*> batch = {&records[0], &records[1]};
  HttpResponse response;
  response.status = 207;
  response.body = R"({"status":"COMPLETE","results":[],"errors":[{"status":"error","category":"VALIDATION_ERROR",)"
                  R"("message":{"ids":["user1@example.com"]},"context":{"ids":["user1@example.com"]}}]})";
  const BatchVerdict verdict = module.parse_response(response, RecordBatch(batch));
  REQUIRE(verdict.records.size() == 2);
  CHECK(verdict.records[1].kind == RecordVerdictKind::Rejected);
  CHECK(verdict.records[1].message == "VALIDATION_ERROR: rejected by HubSpot");
}
