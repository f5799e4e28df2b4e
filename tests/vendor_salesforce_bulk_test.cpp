// Salesforce Bulk API 2.0 ingest jobs against the emulator: results mapped
// back per record (successful, failed, unprocessed), and a job that stays in
// progress across a crash of the runner is polled again, never re-uploaded.
#include <catch2/catch.hpp>

#include "destinations/salesforce/csv.h"
#include "destinations/salesforce/salesforce_bulk_loader.h"
#include "tests/support/emulators/salesforce_emulator.h"

using namespace backflow::destinations;
using namespace backflow::test;
using namespace std::chrono_literals;

namespace {

SalesforceBulkOptions bulk_options(const SalesforceEmulator& emulator, const std::string& name) {
  SalesforceBulkOptions options;
  options.target.settings.name = name;
  options.target.settings.url = emulator.instance_url();
  options.target.settings.secret = emulator.token();
  options.target.settings.rate_limit = RateLimit{};
  options.target.settings.retry.base_delay = 5ms;
  options.target.object = "Contact";
  options.target.external_id_field = "External_Id__c";
  options.poll_interval = 10ms;
  return options;
}

std::vector<DeliveryRecord> contacts(int count, int invalid_every = 0) {
  std::vector<DeliveryRecord> records;
  for (int customer = 1; customer <= count; ++customer) {
    DeliveryRecord record;
    record.key = std::to_string(customer);
    record.key_json = {{"customer_id", customer}};
    const bool invalid = invalid_every > 0 && customer % invalid_every == 0;
    record.fields = {{"External_Id__c", "C-" + std::to_string(customer)},
                     {"LastName", "Name, \"quoted\"\nline " + std::to_string(customer)},
                     {"Email", invalid ? "broken" : "c" + std::to_string(customer) + "@example.com"},
                     {"Title", nullptr}};
    records.push_back(record);
  }
  return records;
}

struct Crash {};

}  // namespace

TEST_CASE("Bulk CSV round-trips quotes, commas and newlines", "[salesforce]") {
  std::string csv;
  append_csv_field("plain", csv);
  csv += ',';
  append_csv_field("a, \"b\"\nc", csv);
  csv += "\n";
  auto rows = parse_csv(csv);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0] == std::vector<std::string>{"plain", "a, \"b\"\nc"});
  CHECK(bulk_csv_value(nullptr) == "#N/A");
}

TEST_CASE("Salesforce Bulk job: failed records rejected with Salesforce's error and the rest accepted with ids",
          "[salesforce]") {
  SalesforceEmulator emulator;
  emulator.set_bulk_behaviour(2);
  SalesforceBulkLoader loader(bulk_options(emulator, "salesforce-bulk"));
  auto records = contacts(300, 7);
  VectorFeed feed(records);
  std::vector<RecordOutcome> outcomes;
  BulkCallbacks callbacks;
  callbacks.delivery.on_outcome = [&](const RecordOutcome& outcome) { outcomes.push_back(outcome); };
  auto summary = loader.deliver({"contacts_bulk", "run-1", SyncMode::Upsert, 0, {}}, feed, callbacks);
  CHECK(summary.accepted == 258);
  CHECK(summary.rejected == 42);
  REQUIRE(outcomes.size() == 300);
  for (const auto& outcome : outcomes) {
    const bool invalid = std::stoi(outcome.key) % 7 == 0;
    INFO("key " << outcome.key);
    CHECK(outcome.position == static_cast<std::uint64_t>(std::stoi(outcome.key) - 1));
    if (invalid) {
      CHECK(outcome.status == RecordStatus::Rejected);
      CHECK(outcome.message.find("INVALID_EMAIL_ADDRESS") != std::string::npos);
    } else {
      CHECK(outcome.status == RecordStatus::Accepted);
      CHECK(outcome.destination_id.size() == 18);
    }
  }
  auto held = emulator.records("Contact");
  CHECK(held.size() == 258);
  CHECK(held.begin()->second.fields["LastName"].get<std::string>().find("\"quoted\"\nline") != std::string::npos);
  CHECK(emulator.bulk_uploads() == 1);
}

TEST_CASE("Salesforce Bulk job: unprocessed records are reported for retry in the next run", "[salesforce]") {
  SalesforceEmulator emulator;
  emulator.set_bulk_behaviour(0, 100);
  SalesforceBulkLoader loader(bulk_options(emulator, "salesforce-bulk-unprocessed"));
  auto records = contacts(150);
  VectorFeed feed(records);
  auto summary = loader.deliver({"contacts_bulk", "run-1", SyncMode::Upsert, 0, {}}, feed, {});
  CHECK(summary.accepted == 100);
  CHECK(summary.retries_exhausted == 50);
}

TEST_CASE("Salesforce Bulk job in progress across a crash: the resumed run polls the same job without re-uploading",
          "[salesforce]") {
  SalesforceEmulator emulator;
  emulator.set_bulk_behaviour(3);
  auto records = contacts(120);
  std::string stored_detail;
  {
    SalesforceBulkLoader loader(bulk_options(emulator, "salesforce-bulk-crash"));
    VectorFeed feed(records);
    BulkCallbacks crashing;
    crashing.on_checkpoint = [&](const std::string& detail) {
      stored_detail = detail;  // what the runner persists with its checkpoint
      if (detail.find(";uploaded") != std::string::npos) throw Crash{};  // the runner dies here
    };
    CHECK_THROWS_AS(loader.deliver({"contacts_bulk", "run-1", SyncMode::Upsert, 0, {}}, feed, crashing), Crash);
  }
  CHECK(stored_detail.rfind("bulk_job=750", 0) == 0);
  CHECK(emulator.bulk_uploads() == 1);

  SalesforceBulkLoader resumed(bulk_options(emulator, "salesforce-bulk-crash"));
  VectorFeed feed(records);
  std::size_t accepted = 0;
  BulkCallbacks callbacks;
  callbacks.delivery.on_outcome = [&](const RecordOutcome& outcome) {
    accepted += outcome.status == RecordStatus::Accepted ? 1 : 0;
  };
  callbacks.on_checkpoint = [](const std::string&) { FAIL("a resumed job must not start another"); };
  auto summary = resumed.deliver({"contacts_bulk", "run-1", SyncMode::Upsert, 0, {}}, feed, callbacks, stored_detail);
  CHECK(summary.accepted == 120);
  CHECK(accepted == 120);
  CHECK(emulator.bulk_jobs_created() == 1);
  CHECK(emulator.bulk_uploads() == 1);
  CHECK(emulator.bulk_polls() >= 4);
  CHECK(emulator.records("Contact").size() == 120);
}

TEST_CASE("Salesforce Bulk: a crash before the upload was closed aborts that job and uploads once more",
          "[salesforce]") {
  SalesforceEmulator emulator;
  auto records = contacts(10);
  std::string stored_detail;
  {
    SalesforceBulkLoader loader(bulk_options(emulator, "salesforce-bulk-open"));
    VectorFeed feed(records);
    BulkCallbacks crashing;
    crashing.on_checkpoint = [&](const std::string& detail) {
      stored_detail = detail;
      throw Crash{};  // right after the job was created
    };
    CHECK_THROWS_AS(loader.deliver({"s", "run-1", SyncMode::Upsert, 0, {}}, feed, crashing), Crash);
  }
  SalesforceBulkLoader resumed(bulk_options(emulator, "salesforce-bulk-open"));
  VectorFeed feed(records);
  auto summary = resumed.deliver({"s", "run-1", SyncMode::Upsert, 0, {}}, feed, {}, stored_detail);
  CHECK(summary.accepted == 10);
  CHECK(emulator.bulk_jobs_created() == 2);
  CHECK(emulator.bulk_uploads() == 1);
}
