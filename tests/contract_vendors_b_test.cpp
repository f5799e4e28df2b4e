// Every request shape the Iterable, Intercom and Klaviyo destinations produce
// is accepted by the vendor's published contract (../shared/specs, through
// Prism), and one known-bad request per endpoint is refused, proving the
// validator really checks. Braze publishes no contract: its emulator enforces
// the documented shape instead (vendor_braze_test.cpp).
#include <catch2/catch.hpp>

#include <algorithm>

#include "destinations/intercom/intercom_destination.h"
#include "destinations/iterable/iterable_destination.h"
#include "destinations/klaviyo/klaviyo_bulk_delivery.h"
#include "tests/support/prism_validator.h"

using namespace backflow::destinations;
using backflow::test::PrismValidator;
using backflow::test::ValidatorVerdict;
using namespace std::chrono_literals;

namespace {

DeliveryRecord person(int n, Operation op = Operation::Upsert) {
  DeliveryRecord record;
  record.op = op;
  record.key = std::to_string(n);
  record.key_json = {{"customer_id", n}};
  record.fields = {{"email", "c" + std::to_string(n) + "@example.com"},
                   {"name", "Ada"},
                   {"lifetime_value", 1234.5},
                   {"age", 36},
                   {"vip", true},
                   {"nickname", nullptr},
                   {"interests", nlohmann::json::array({"a", "b"})}};
  return record;
}

std::vector<DeliveryRecord> people(int count, Operation op = Operation::Upsert) {
  std::vector<DeliveryRecord> records;
  for (int i = 1; i <= count; ++i) records.push_back(person(i, op));
  return records;
}

HttpRequest request_for(const DestinationModule& module, SyncMode mode, const std::vector<DeliveryRecord>& records) {
  std::vector<const DeliveryRecord*> batch;
  for (const auto& record : records) batch.push_back(&record);
  return module.build_request({"contract", "run", "0", mode, 1}, batch);
}

void expect_accepted(PrismValidator& validator, const std::string& name, const HttpRequest& request) {
  const ValidatorVerdict verdict = validator.check(request);
  INFO(name << ": " << verdict.describe());
  CHECK(verdict.accepted());
}

void expect_refused(PrismValidator& validator, const std::string& name, const HttpRequest& request) {
  const ValidatorVerdict verdict = validator.check(request);
  INFO(name << " (known bad): " << verdict.describe());
  CHECK((verdict.status == 400 || verdict.status == 422));
}

}  // namespace

TEST_CASE("iterable requests match Iterable's published contract", "[contract][iterable]") {
  BACKFLOW_REQUIRE_CONTRACT(contract, "iterable-api.json");
  auto& validator = PrismValidator::shared(contract);
  DestinationSettings settings;
  settings.name = "iterable-contract";
  settings.url = validator.base_url();
  settings.secret = "iterable-contract-key";
  const IterableDestination by_email(settings, IterableOptions{"email", "purchase"});
  const IterableDestination by_user_id(settings, IterableOptions{"userId", "purchase"});
  for (int size : {1, 1000}) {
    const std::string n = " x" + std::to_string(size);
    expect_accepted(validator, "bulkUpdate by email" + n, request_for(by_email, SyncMode::upsert, people(size)));
    expect_accepted(validator, "bulkUpdate by userId" + n, request_for(by_user_id, SyncMode::upsert, people(size)));
    expect_accepted(validator, "trackBulk by email" + n, request_for(by_email, SyncMode::append, people(size)));
    expect_accepted(validator, "trackBulk by userId" + n, request_for(by_user_id, SyncMode::append, people(size)));
  }
  HttpRequest bad_users = request_for(by_email, SyncMode::upsert, people(1));
  bad_users.body = R"({"users":{"email":"a@b.c"}})";
  expect_refused(validator, "bulkUpdate with users not an array", bad_users);
  HttpRequest bad_events = request_for(by_email, SyncMode::append, people(1));
  bad_events.body = R"({"events":"purchase"})";
  expect_refused(validator, "trackBulk with events not an array", bad_events);
}

TEST_CASE("intercom requests match Intercom's published 2.14 contract", "[contract][intercom]") {
  BACKFLOW_REQUIRE_CONTRACT(contract, "intercom-2.14.yaml");
  auto& validator = PrismValidator::shared(contract);
  DestinationSettings settings;
  settings.name = "intercom-contract";
  settings.url = validator.base_url();
  settings.secret = "intercom-contract-token";
  const std::vector<DeliveryRecord> one = people(1);
  const std::vector<DeliveryRecord> gone = people(1, Operation::Delete);
  std::vector<const DeliveryRecord*> batch = {&one[0]};

  const IntercomDestination by_external_id(settings, {});
  expect_accepted(validator, "find by external id", request_for(by_external_id, SyncMode::upsert, one));
  const IntercomDestination by_email(settings, IntercomOptions{"email", "2.14", "contacts", true});
  expect_accepted(validator, "search by email", request_for(by_email, SyncMode::upsert, one));

  // Teach a module the lookup answers, as the engine would, to reach the write steps.
  HttpResponse not_found;
  not_found.status = 404;
  const IntercomDestination creating(settings, {});
  creating.parse_response(not_found, batch);
  expect_accepted(validator, "create contact", request_for(creating, SyncMode::upsert, one));

  HttpResponse found;
  found.status = 200;
  found.body = R"({"type":"contact","id":"6762f0cd1bb69f9f2193bb7c"})";
  const IntercomDestination updating(settings, {});
  updating.parse_response(found, batch);
  expect_accepted(validator, "update contact", request_for(updating, SyncMode::upsert, one));
  expect_accepted(validator, "archive contact", request_for(updating, SyncMode::mirror, gone));

  HttpRequest bad_create = request_for(creating, SyncMode::upsert, one);
  bad_create.body = R"({"role":"user","custom_attributes":"plan"})";
  expect_refused(validator, "create with custom_attributes not an object", bad_create);
  HttpRequest bad_update = request_for(updating, SyncMode::upsert, one);
  bad_update.body = R"({"custom_attributes":["plan"]})";
  expect_refused(validator, "update with custom_attributes not an object", bad_update);
  // Prism does not check the search body against this contract (seen: any
  // JSON is accepted), so the known-bad search request is an unauthenticated
  // one; the email-search body shape is enforced by the Intercom emulator.
  HttpRequest bad_search = request_for(by_email, SyncMode::upsert, one);
  bad_search.headers.erase(std::remove_if(bad_search.headers.begin(), bad_search.headers.end(),
                                          [](const auto& header) { return header.first == "Authorization"; }),
                           bad_search.headers.end());
  const ValidatorVerdict unauthenticated = validator.check(bad_search);
  INFO("search without a token (known bad): " << unauthenticated.describe());
  CHECK(unauthenticated.status == 401);
}

TEST_CASE("klaviyo bulk import requests match Klaviyo's published contract", "[contract][klaviyo]") {
  BACKFLOW_REQUIRE_CONTRACT(contract, "klaviyo-profiles.json");
  auto& validator = PrismValidator::shared(contract);
  DestinationSettings settings;
  settings.name = "klaviyo-contract";
  settings.url = validator.base_url();
  settings.secret = "pk_contract_key";
  settings.rate_limit = RateLimit{};
  settings.retry.max_attempts = 1;
  KlaviyoOptions options;
  options.poll_interval = 10ms;
  options.max_job_wait = 300ms;  // Prism's example job may never complete
  for (const std::string list : {"", "VRgFBd"}) {
    for (int size : {1, 200}) {
      MemoryJobJournal journal;
      options.list_id = list;
      KlaviyoBulkDelivery delivery(settings, options, journal, KlaviyoLimiters::unlimited(),
                                   std::make_shared<RequestLog>(1000));
      auto records = people(size);
      VectorFeed feed(records);
      delivery.deliver({"contract", "run", SyncMode::upsert, 0, {}}, feed, {});
      auto exchanges = delivery.request_log()->entries();
      REQUIRE_FALSE(exchanges.empty());
      for (const auto& exchange : exchanges) {
        INFO("list '" << list << "' x" << size << ": " << exchange.method << " " << exchange.url << " -> "
                      << exchange.status << " " << exchange.response_body);
        CHECK((exchange.status >= 200 && exchange.status < 300));
      }
    }
  }
  // The import-errors read, as the delivery sends it after a job with failures.
  HttpRequest errors;
  errors.method = "GET";
  errors.url = validator.base_url() + "/api/profile-bulk-import-jobs/abc/import-errors?page%5Bsize%5D=100";
  errors.headers = {{"Authorization", "Klaviyo-API-Key pk_contract_key"}, {"revision", "2025-01-15"},
                    {"Accept", "application/vnd.api+json"}};
  expect_accepted(validator, "import errors", errors);

  HttpRequest bad_job;
  bad_job.method = "POST";
  bad_job.url = validator.base_url() + "/api/profile-bulk-import-jobs";
  bad_job.headers = {{"Authorization", "Klaviyo-API-Key pk_contract_key"}, {"revision", "2025-01-15"},
                     {"Content-Type", "application/vnd.api+json"}};
  bad_job.body = R"({"type":"profile-bulk-import-job"})";
  expect_refused(validator, "job without data", bad_job);
  HttpRequest bad_poll = errors;
  bad_poll.url = validator.base_url() + "/api/profile-bulk-import-jobs/abc";
  bad_poll.headers = {{"Authorization", "Klaviyo-API-Key pk_contract_key"}};  // revision is required
  expect_refused(validator, "job poll without revision", bad_poll);
  HttpRequest bad_errors = errors;
  bad_errors.headers = {{"Authorization", "Klaviyo-API-Key pk_contract_key"}};  // revision is required
  expect_refused(validator, "import errors without revision", bad_errors);
}
