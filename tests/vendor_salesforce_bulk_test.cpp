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

// A job journal whose process "dies" (throws Crash) right after the state of
// step `crash_at` is remembered, as the runner's durable journal would have
// it on disk at a kill.
class CrashingJournal final : public JobJournal {
 public:
  explicit CrashingJournal(std::string step) : crash_at(std::move(step)) {}
  std::optional<JobState> find(const std::string& key) const override { return jobs_.find(key); }
  void remember(const std::string& key, const JobState& state) override {
    jobs_.remember(key, state);
    if (!crash_at.empty() && state.step == crash_at) throw Crash{};
  }
  void forget(const std::string& key) override { jobs_.forget(key); }

  std::string crash_at;

 private:
  MemoryJobJournal jobs_;
};

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
  DeliveryCallbacks callbacks;
  callbacks.on_outcome = [&](const RecordOutcome& outcome) { outcomes.push_back(outcome); };
  MemoryJobJournal jobs;
  auto summary = loader.deliver({"contacts_bulk", "run-1", SyncMode::upsert, 0, {}}, feed, callbacks, jobs);
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
  MemoryJobJournal jobs;
  auto summary = loader.deliver({"contacts_bulk", "run-1", SyncMode::upsert, 0, {}}, feed, {}, jobs);
  CHECK(summary.accepted == 100);
  CHECK(summary.retries_exhausted == 50);
}

TEST_CASE("Salesforce Bulk job in progress across a crash: the resumed run polls the same job without re-uploading",
          "[salesforce]") {
  SalesforceEmulator emulator;
  emulator.set_bulk_behaviour(3);
  auto records = contacts(120);
  CrashingJournal jobs("uploaded");  // the process dies once the closed upload is journaled
  {
    SalesforceBulkLoader loader(bulk_options(emulator, "salesforce-bulk-crash"));
    VectorFeed feed(records);
    CHECK_THROWS_AS(loader.deliver({"contacts_bulk", "run-1", SyncMode::upsert, 0, {}}, feed, {}, jobs), Crash);
  }
  const auto started = jobs.find("run-1.bulk");
  REQUIRE(started);
  CHECK(started->job_id.rfind("750", 0) == 0);
  CHECK(started->step == "uploaded");
  CHECK(emulator.bulk_uploads() == 1);

  SalesforceBulkLoader resumed(bulk_options(emulator, "salesforce-bulk-crash"));
  VectorFeed feed(records);
  std::size_t accepted = 0;
  DeliveryCallbacks callbacks;
  callbacks.on_outcome = [&](const RecordOutcome& outcome) {
    accepted += outcome.status == RecordStatus::Accepted ? 1 : 0;
  };
  jobs.crash_at = "created";  // a resumed job must not start another
  auto summary = resumed.deliver({"contacts_bulk", "run-1", SyncMode::upsert, 0, {}}, feed, callbacks, jobs);
  CHECK(summary.accepted == 120);
  CHECK(accepted == 120);
  CHECK(emulator.bulk_jobs_created() == 1);
  CHECK(emulator.bulk_uploads() == 1);
  CHECK(emulator.bulk_polls() >= 4);
  CHECK(emulator.records("Contact").size() == 120);
  CHECK_FALSE(jobs.find("run-1.bulk"));  // settled: nothing left to resume
}

TEST_CASE("Salesforce Bulk: a crash before the upload was closed aborts that job and uploads once more",
          "[salesforce]") {
  SalesforceEmulator emulator;
  auto records = contacts(10);
  CrashingJournal jobs("created");  // right after the job was created
  {
    SalesforceBulkLoader loader(bulk_options(emulator, "salesforce-bulk-open"));
    VectorFeed feed(records);
    CHECK_THROWS_AS(loader.deliver({"s", "run-1", SyncMode::upsert, 0, {}}, feed, {}, jobs), Crash);
  }
  jobs.crash_at.clear();
  SalesforceBulkLoader resumed(bulk_options(emulator, "salesforce-bulk-open"));
  VectorFeed feed(records);
  auto summary = resumed.deliver({"s", "run-1", SyncMode::upsert, 0, {}}, feed, {}, jobs);
  CHECK(summary.accepted == 10);
  CHECK(emulator.bulk_jobs_created() == 2);
  CHECK(emulator.bulk_uploads() == 1);
}
