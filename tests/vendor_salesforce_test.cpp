// Salesforce sObject Collections through the delivery engine against the
// stateful emulator: rounds of random changes leave Salesforce holding the
// model; per-record failures carry Salesforce's message; the API quota (403
// REQUEST_LIMIT_EXCEEDED) is waited out, not mistaken for bad credentials.
#include <catch2/catch.hpp>

#include <random>
#include <set>

#include "common/text.h"
#include "destinations/delivery_engine.h"
#include "destinations/destination_error.h"
#include "destinations/http_client.h"
#include "destinations/salesforce/salesforce_config.h"
#include "destinations/salesforce/salesforce_destination.h"
#include "destinations/salesforce/salesforce_oauth.h"
#include "mappers/exact_number.h"
#include "tests/support/emulators/salesforce_emulator.h"

using namespace backflow::destinations;
using namespace backflow::test;
using namespace std::chrono_literals;

namespace {

DestinationSettings salesforce_settings(const SalesforceEmulator& emulator, const std::string& name) {
  DestinationSettings settings;
  settings.name = name;
  settings.type = "salesforce";
  settings.url = emulator.instance_url();
  settings.secret = emulator.token();
  settings.rate_limit = RateLimit{};
  settings.retry.base_delay = 5ms;
  settings.retry.max_delay = 200ms;
  settings.retry.max_attempts = 30;
  settings.total_timeout = 400ms;
  return settings;
}

SalesforceDestination contacts(const DestinationSettings& settings) {
  return SalesforceDestination(SalesforceOptions{settings, "Contact", "External_Id__c"});
}

DeliveryRecord upsert(int customer, nlohmann::json fields) {
  DeliveryRecord record;
  record.key = std::to_string(customer);
  record.key_json = {{"customer_id", customer}};
  fields["External_Id__c"] = "C-" + std::to_string(customer);
  record.fields = std::move(fields);
  return record;
}

struct Run {
  DeliverySummary summary;
  std::vector<RecordOutcome> outcomes;
};

Run deliver(const SalesforceDestination& module, const DestinationSettings& settings, SyncMode mode,
            const std::vector<DeliveryRecord>& records, std::map<std::string, std::string>* ids = nullptr) {
  DeliveryEngine engine(module, settings);
  VectorFeed feed(records);
  Run run;
  DeliveryCallbacks callbacks;
  callbacks.on_outcome = [&](const RecordOutcome& outcome) {
    run.outcomes.push_back(outcome);
    if (ids == nullptr || outcome.status != RecordStatus::Accepted) return;
    if (outcome.op == Operation::Delete) {
      ids->erase(outcome.key);
    } else {
      (*ids)[outcome.key] = outcome.destination_id;
    }
  };
  run.summary = engine.deliver({"contacts_to_salesforce", "run-1", mode, 0, {}}, feed, callbacks);
  return run;
}

// External id -> fields, as the emulator holds them.
std::map<std::string, nlohmann::json> held(const SalesforceEmulator& emulator) {
  std::map<std::string, nlohmann::json> by_external_id;
  for (const auto& [id, record] : emulator.records("Contact")) {
    by_external_id[record.fields.value("External_Id__c", "(none) " + id)] = record.fields;
  }
  return by_external_id;
}

// The model's records without null fields (a null clears the field).
std::map<std::string, nlohmann::json> expected(const std::map<int, nlohmann::json>& model) {
  std::map<std::string, nlohmann::json> by_external_id;
  for (const auto& [customer, fields] : model) {
    nlohmann::json kept = nlohmann::json::object();
    for (const auto& [name, value] : fields.items()) {
      if (!value.is_null()) kept[name] = value;
    }
    by_external_id["C-" + std::to_string(customer)] = kept;
  }
  return by_external_id;
}

}  // namespace

TEST_CASE("Salesforce mirror: random rounds under faults and quota refusals leave the model in Salesforce",
          "[salesforce]") {
  SalesforceEmulator emulator;
  emulator.set_quota(6, 200ms);
  emulator.set_fault_rate(0.1, 9);
  auto settings = salesforce_settings(emulator, "salesforce-mirror");
  settings.batch_size = 50;
  auto module = contacts(settings);
  std::mt19937 random(4);
  std::map<int, nlohmann::json> model;
  std::map<std::string, std::string> ids;
  int next_customer = 1;
  for (int round = 0; round < 4; ++round) {
    std::vector<DeliveryRecord> records;
    std::set<int> touched;
    for (int change = 0; change < 180; ++change) {
      const auto roll = random() % 10;
      if (model.empty() || roll < 4) {
        const int customer = next_customer++;
        model[customer] = {{"LastName", "L" + std::to_string(random() % 100)},
                           {"Email", "c" + std::to_string(customer) + "@example.com"},
                           {"Score__c", static_cast<int>(random() % 100)},
                           {"External_Id__c", "C-" + std::to_string(customer)}};
        touched.insert(customer);
        records.push_back(upsert(customer, model[customer]));
        continue;
      }
      auto it = std::next(model.begin(), static_cast<long>(random() % model.size()));
      if (!touched.insert(it->first).second) continue;
      if (roll < 8) {
        it->second["LastName"] = "Changed" + std::to_string(random() % 100);
        it->second["Title"] = random() % 2 == 0 ? nlohmann::json("VP") : nlohmann::json(nullptr);
        records.push_back(upsert(it->first, it->second));
      } else {
        DeliveryRecord removal;
        removal.op = Operation::Delete;
        removal.key = std::to_string(it->first);
        removal.key_json = {{"customer_id", it->first}};
        removal.destination_id = ids[removal.key];
        records.push_back(removal);
        model.erase(it);
      }
    }
    auto run = deliver(module, settings, SyncMode::mirror, records, &ids);
    INFO("round " << round);
    CHECK(run.summary.accepted == records.size());
    CHECK(held(emulator) == expected(model));
  }
  CHECK(emulator.quota_refusals() > 0);
  CHECK(emulator.faults() > 0);
}

TEST_CASE("Salesforce per-record failures keep Salesforce's message and the rest land", "[salesforce]") {
  SalesforceEmulator emulator;
  auto settings = salesforce_settings(emulator, "salesforce-partial");
  auto module = contacts(settings);
  std::vector<DeliveryRecord> records;
  for (int customer = 1; customer <= 12; ++customer) {
    records.push_back(upsert(customer, {{"LastName", "L"},
                                        {"Email", customer % 5 == 0 ? "broken" : "ok@example.com"},
                                        {"Amount__c", backflow::mappers::exact_number("12345678901234.25")}}));
  }
  auto run = deliver(module, settings, SyncMode::upsert, records);
  CHECK(run.summary.accepted == 10);
  CHECK(run.summary.rejected == 2);
  CHECK(run.summary.requests == 1);
  for (const auto& outcome : run.outcomes) {
    if (outcome.status != RecordStatus::Rejected) {
      CHECK(outcome.destination_id.size() == 18);
      continue;
    }
    CHECK(outcome.message.find("INVALID_EMAIL_ADDRESS") != std::string::npos);
  }
  // Exact decimals reach Salesforce as numbers, digit for digit.
  CHECK(emulator.records("Contact").begin()->second.fields["Amount__c"].dump() == "12345678901234.25");
}

TEST_CASE("Salesforce insert and update by id", "[salesforce]") {
  SalesforceEmulator emulator;
  auto settings = salesforce_settings(emulator, "salesforce-insert-update");
  auto module = contacts(settings);
  std::map<std::string, std::string> ids;
  auto inserted = deliver(module, settings, SyncMode::insert,
                          {upsert(1, {{"LastName", "One"}}), upsert(2, {{"LastName", "Two"}})}, &ids);
  CHECK(inserted.summary.accepted == 2);
  REQUIRE(emulator.records("Contact").size() == 2);

  auto changed = upsert(1, {{"LastName", "Uno"}});
  changed.destination_id = ids["1"];
  auto unknown = upsert(3, {{"LastName", "Three"}});  // never written: no id
  auto updated = deliver(module, settings, SyncMode::update, {changed, unknown});
  CHECK(updated.summary.accepted == 1);
  CHECK(updated.summary.rejected == 1);
  CHECK(emulator.records("Contact").at(ids["1"]).fields["LastName"] == "Uno");
  CHECK(emulator.records("Contact").size() == 2);
}

TEST_CASE("Salesforce batches hold at most 200 records and the emulator refuses 201", "[salesforce]") {
  SalesforceEmulator emulator;
  auto settings = salesforce_settings(emulator, "salesforce-batch-limit");
  settings.batch_size = 1000;
  auto module = contacts(settings);
  CHECK(module.batch_limits().max_records == 200);
  std::vector<DeliveryRecord> records;
  for (int customer = 1; customer <= 450; ++customer) records.push_back(upsert(customer, {{"LastName", "L"}}));
  auto run = deliver(module, settings, SyncMode::upsert, records);
  CHECK(run.summary.accepted == 450);
  CHECK(run.summary.requests == 3);

  records.resize(201);
  std::vector<const DeliveryRecord*> batch;
  for (const auto& record : records) batch.push_back(&record);
  HttpClient client({});
  client.start(module.build_request({"s", "r", "0", SyncMode::upsert, 1}, batch));
  std::vector<std::pair<std::uint64_t, HttpResponse>> done;
  while (done.empty()) done = client.poll(100ms);
  CHECK(done.front().second.status == 400);
  CHECK(done.front().second.body.find("EXCEEDED_ID_LIMIT") != std::string::npos);
}

TEST_CASE("Salesforce: 403 REQUEST_LIMIT_EXCEEDED is throttling and 401 is an auth error", "[salesforce]") {
  SalesforceEmulator emulator;
  auto settings = salesforce_settings(emulator, "salesforce-quota");
  auto module = contacts(settings);
  HttpResponse quota;
  quota.status = 403;
  quota.body = R"([{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}])";
  CHECK(module.signals_rate_limit(quota));
  HttpResponse forbidden;
  forbidden.status = 403;
  forbidden.body = R"([{"message":"no access","errorCode":"INSUFFICIENT_ACCESS"}])";
  CHECK_FALSE(module.signals_rate_limit(forbidden));

  emulator.set_quota(1, 300ms);
  std::vector<DeliveryRecord> records;
  for (int customer = 1; customer <= 5; ++customer) records.push_back(upsert(customer, {{"LastName", "L"}}));
  settings.batch_size = 1;
  auto limited = contacts(settings);
  auto run = deliver(limited, settings, SyncMode::upsert, records);
  CHECK(run.summary.accepted == 5);
  CHECK(run.summary.throttled > 0);

  settings.secret = "00Dxx!wrong";
  auto wrong = contacts(settings);
  CHECK_THROWS_AS(deliver(wrong, settings, SyncMode::upsert, records), DestinationAuthError);
}

TEST_CASE("Salesforce OAuth: refresh-token and client-credentials grants give the token and instance URL",
          "[salesforce]") {
  SalesforceEmulator emulator;
  emulator.set_oauth_client("connected-app", "app-secret", "refresh-123");
  SalesforceCredentials credentials;
  credentials.destination = "salesforce-oauth";
  credentials.login_url = emulator.instance_url();
  credentials.client_id = "connected-app";
  credentials.client_secret = "app-secret";
  credentials.refresh_token = "refresh-123";
  auto session = obtain_salesforce_session(credentials);
  CHECK(session.access_token == emulator.token());
  CHECK(session.instance_url == emulator.instance_url());

  credentials.refresh_token.clear();  // client credentials
  CHECK(obtain_salesforce_session(credentials).access_token == emulator.token());
  CHECK(emulator.token_grants() == 2);

  credentials.refresh_token = "revoked-refresh-token";
  try {
    obtain_salesforce_session(credentials);
    FAIL("expected DestinationAuthError");
  } catch (const DestinationAuthError& error) {
    const std::string message = error.what();
    CHECK(message.find("invalid_grant") != std::string::npos);
    CHECK(message.find("revoked-refresh-token") == std::string::npos);
    CHECK(message.find("app-secret") == std::string::npos);
  }
  CHECK(backflow::text::percent_encode("a b&c=d/é") == "a%20b%26c%3Dd%2F%C3%A9");
}

TEST_CASE("Salesforce module from config: OAuth session used when no access token is set", "[salesforce]") {
  SalesforceEmulator emulator;
  emulator.set_oauth_client("connected-app", "app-secret", "refresh-123");
  backflow::destinations::Destination account;
  account.name = "salesforce";
  account.type = "salesforce";
  account.options = {{"login_url", emulator.instance_url()}, {"client_id", "connected-app"},
                     {"refresh_token", "refresh-123"}};
  backflow::destinations::SyncDestination sync;
  sync.name = "salesforce";
  sync.object = "Contact";
  sync.options = {{"external_id_field", "External_Id__c"}};
  DestinationSettings settings;
  settings.name = "salesforce-from-config";
  settings.rate_limit = RateLimit{};
  auto module = make_salesforce_destination(settings, account, sync);
  DeliveryEngine engine(*module, settings);
  std::vector<DeliveryRecord> records{upsert(1, {{"LastName", "One"}})};
  VectorFeed feed(records);
  CHECK(engine.deliver({"s", "r", SyncMode::upsert, 0, {}}, feed, {}).accepted == 1);
  CHECK(emulator.records("Contact").size() == 1);
}
