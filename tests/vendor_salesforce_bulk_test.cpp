// Salesforce Bulk API 2.0 ingest jobs against the emulator: results mapped
// back per record (successful, failed, unprocessed), a job that stays in
// progress across a crash of the runner is polled again, never re-uploaded,
// and a feed bigger than one job's byte limit goes out as several jobs, part
// by part, with only one part held at a time and a crash between parts
// resumed without uploading any record twice.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>

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

DeliveryRecord contact(int customer, bool invalid = false) {
  DeliveryRecord record;
  record.key = std::to_string(customer);
  record.key_json = {{"customer_id", customer}};
  record.fields = {{"External_Id__c", "C-" + std::to_string(customer)},
                   {"LastName", "Name, \"quoted\"\nline " + std::to_string(customer)},
                   {"Email", invalid ? "broken" : "c" + std::to_string(customer) + "@example.com"},
                   {"Title", nullptr}};
  return record;
}

std::vector<DeliveryRecord> contacts(int count, int invalid_every = 0) {
  std::vector<DeliveryRecord> records;
  for (int customer = 1; customer <= count; ++customer) {
    records.push_back(contact(customer, invalid_every > 0 && customer % invalid_every == 0));
  }
  return records;
}

struct Crash {};

// A job journal whose process "dies" (throws Crash) right after the state of
// step `crash_at` is remembered for the `crash_on`-th time, as the runner's
// durable journal would have it on disk at a kill.
class CrashingJournal final : public JobJournal {
 public:
  explicit CrashingJournal(std::string step, int on = 1) : crash_at(std::move(step)), crash_on(on) {}
  std::optional<JobState> find(const std::string& key) const override { return jobs_.find(key); }
  void remember(const std::string& key, const JobState& state) override {
    jobs_.remember(key, state);
    if (!crash_at.empty() && state.step == crash_at && ++seen_ == crash_on) throw Crash{};
  }
  void forget(const std::string& key) override { jobs_.forget(key); }

  std::string crash_at;
  int crash_on = 1;

 private:
  MemoryJobJournal jobs_;
  int seen_ = 0;
};

// Contacts 1..count made one at a time, as the runner's feed streams them:
// counts how many were pulled, so a test can see how far ahead of the
// settled records the loader reads.
class GeneratedFeed final : public RecordFeed {
 public:
  GeneratedFeed(int first, int last, int invalid_every = 0) : next_(first), last_(last), invalid_every_(invalid_every) {}
  bool next(DeliveryRecord& record) override {
    if (next_ > last_) return false;
    record = contact(next_, invalid_every_ > 0 && next_ % invalid_every_ == 0);
    ++next_;
    ++pulled;
    return true;
  }
  std::uint64_t pulled = 0;

 private:
  int next_, last_, invalid_every_;
};

// What the runner keeps of acknowledgements: the records settled (counted
// from the start of the run's first attempt) and the next part's sequence.
struct Checkpoint {
  std::uint64_t settled = 0;
  std::uint64_t next_sequence = 0;
};

// The uploads the emulator received, each as its rows' external ids.
std::vector<std::vector<std::string>> uploaded_external_ids(SalesforceEmulator& emulator) {
  std::vector<std::vector<std::string>> uploads;
  for (const auto& body : emulator.bulk_upload_bodies()) {
    auto rows = parse_csv(body);
    REQUIRE_FALSE(rows.empty());
    REQUIRE(rows.front().front() == "External_Id__c");
    std::vector<std::string> ids;
    for (std::size_t r = 1; r < rows.size(); ++r) ids.push_back(rows[r].front());
    uploads.push_back(std::move(ids));
  }
  return uploads;
}

std::size_t largest_upload_bytes(SalesforceEmulator& emulator) {
  std::size_t largest = 0;
  for (const auto& body : emulator.bulk_upload_bodies()) largest = std::max(largest, body.size());
  return largest;
}

// Every external id 1..count uploaded exactly once over all uploads.
void require_each_uploaded_once(SalesforceEmulator& emulator, int count) {
  std::map<std::string, int> times;
  for (const auto& upload : uploaded_external_ids(emulator)) {
    for (const auto& id : upload) ++times[id];
  }
  REQUIRE(times.size() == static_cast<std::size_t>(count));
  for (const auto& [id, n] : times) {
    INFO("external id " << id);
    REQUIRE(n == 1);
  }
}

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
  const auto started = jobs.find("run-1.bulk.0");
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
  CHECK_FALSE(jobs.find("run-1.bulk.0"));  // settled: nothing left to resume
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

TEST_CASE("BulkCsvBuilder: a column a later record brings pads the earlier rows, and a row over the limit is refused",
          "[salesforce]") {
  BulkCsvBuilder csv("Id__c");
  CHECK(csv.size() == std::string("Id__c\n").size());
  REQUIRE(csv.add({{"Id__c", "1"}, {"A", "x"}}, 1000));
  REQUIRE(csv.add({{"Id__c", "2"}, {"B", "y,z"}}, 1000));
  REQUIRE(csv.add({{"Id__c", "3"}}, 1000));
  const std::string expected = "Id__c,A,B\n1,x,\n2,,\"y,z\"\n3,,\n";
  CHECK(csv.size() == expected.size());
  // One byte short for a fourth row that brings a column: refused, nothing changed.
  const std::string with_fourth = "Id__c,A,B,C\n1,x,,\n2,,\"y,z\",\n3,,,\n4,,,w\n";
  CHECK_FALSE(csv.add({{"Id__c", "4"}, {"C", "w"}}, with_fourth.size() - 1));
  CHECK(csv.size() == expected.size());
  CHECK(csv.rows() == 3);
  CHECK(csv.finish() == expected);
  // Empty again, with only the key column.
  CHECK(csv.rows() == 0);
  REQUIRE(csv.add({{"Id__c", "4"}, {"C", "w"}}, 1000));
  CHECK(csv.finish() == "Id__c,C\n4,w\n");
}

TEST_CASE("Salesforce Bulk: a feed bigger than one job's byte limit goes out as several jobs, one part held at a time",
          "[salesforce]") {
  SalesforceEmulator emulator;
  emulator.set_bulk_behaviour(0);
  auto options = bulk_options(emulator, "salesforce-bulk-parts");
  options.max_job_bytes = 1000;
  SalesforceBulkLoader loader(options);
  constexpr int kCount = 300;
  GeneratedFeed feed(1, kCount, 7);
  std::map<std::uint64_t, RecordOutcome> outcomes;  // by feed position
  std::uint64_t most_unsettled = 0;  // records pulled from the feed without an outcome yet
  std::vector<BatchAck> acks;
  DeliveryCallbacks callbacks;
  callbacks.on_outcome = [&](const RecordOutcome& outcome) {
    REQUIRE(outcomes.emplace(outcome.position, outcome).second);
    most_unsettled = std::max<std::uint64_t>(most_unsettled, feed.pulled - outcomes.size());
  };
  callbacks.on_acknowledged = [&](const BatchAck& ack) {
    // A part ends where the previous one did plus its records, and every record through its end has an outcome.
    REQUIRE(ack.settled_through == (acks.empty() ? 0 : acks.back().settled_through) + ack.records);
    for (std::uint64_t position = 0; position < ack.settled_through; ++position) REQUIRE(outcomes.count(position));
    REQUIRE(ack.sequence == acks.size());
    acks.push_back(ack);
  };
  MemoryJobJournal jobs;
  auto summary = loader.deliver({"contacts_bulk", "run-1", SyncMode::upsert, 0, {}}, feed, callbacks, jobs);

  CHECK(summary.records == kCount);
  CHECK(summary.accepted == 258);
  CHECK(summary.rejected == 42);
  REQUIRE(outcomes.size() == kCount);
  for (const auto& [position, outcome] : outcomes) {
    INFO("position " << position);
    REQUIRE(outcome.key == std::to_string(position + 1));
    if ((position + 1) % 7 == 0) {
      CHECK(outcome.status == RecordStatus::Rejected);
      CHECK(outcome.message.find("INVALID_EMAIL_ADDRESS") != std::string::npos);
    } else {
      CHECK(outcome.status == RecordStatus::Accepted);
      CHECK(outcome.destination_id.size() == 18);
    }
  }
  const std::size_t parts = acks.size();
  CHECK(parts >= 10);
  CHECK(acks.back().settled_through == kCount);
  CHECK(emulator.bulk_jobs_created() == parts);
  CHECK(emulator.bulk_uploads() == parts);
  CHECK(largest_upload_bytes(emulator) <= 1000);
  require_each_uploaded_once(emulator, kCount);
  // Memory is one part: the loader never read more than a part (and the
  // record that did not fit it) ahead of the settled records.
  std::size_t largest_part = 0;
  for (const auto& ack : acks) largest_part = std::max(largest_part, ack.records);
  CHECK(most_unsettled <= largest_part + 1);
  CHECK(most_unsettled < kCount / 10);
  // What Salesforce holds: every valid contact once, with its fields.
  auto held = emulator.records("Contact");
  CHECK(held.size() == 258);
  std::set<std::string> external_ids;
  for (const auto& [id, record] : held) {
    const std::string external = record.fields["External_Id__c"].get<std::string>();
    external_ids.insert(external);
    CHECK(record.fields["Email"] == "c" + external.substr(2) + "@example.com");
  }
  CHECK(external_ids.size() == 258);
  for (std::size_t n = 0; n < parts; ++n) CHECK_FALSE(jobs.find(SalesforceBulkLoader::job_key("run-1", n)));
}

TEST_CASE("Salesforce Bulk: killed between two jobs, the resumed run goes on with the next part and uploads nothing twice",
          "[salesforce]") {
  SalesforceEmulator emulator;
  emulator.set_bulk_behaviour(1);
  auto options = bulk_options(emulator, "salesforce-bulk-between");
  options.max_job_bytes = 1000;
  constexpr int kCount = 200;
  MemoryJobJournal jobs;
  Checkpoint checkpoint;
  std::map<std::string, RecordStatus> status_by_key;
  // The runner's callbacks: positions of a resumed feed count from its first record (`base` records in).
  auto runner_callbacks = [&](std::uint64_t base, int crash_after_acks) {
    DeliveryCallbacks callbacks;
    callbacks.on_outcome = [&](const RecordOutcome& outcome) { status_by_key[outcome.key] = outcome.status; };
    auto acks = std::make_shared<int>(0);
    callbacks.on_acknowledged = [&checkpoint, base, crash_after_acks, acks](const BatchAck& ack) {
      checkpoint.settled = base + ack.settled_through;
      checkpoint.next_sequence = *ack.sequence + 1;
      // Killed once the checkpoint is durable, before the part's job is forgotten.
      if (++*acks == crash_after_acks) throw Crash{};
    };
    return callbacks;
  };
  {
    SalesforceBulkLoader loader(options);
    GeneratedFeed feed(1, kCount);
    CHECK_THROWS_AS(
        loader.deliver({"contacts_bulk", "run-1", SyncMode::upsert, 0, {}}, feed, runner_callbacks(0, 2), jobs), Crash);
  }
  REQUIRE(checkpoint.next_sequence == 2);
  REQUIRE(checkpoint.settled > 0);
  REQUIRE(checkpoint.settled < kCount);
  CHECK(jobs.find("run-1.bulk.1"));  // acknowledged but not yet forgotten at the kill
  CHECK(emulator.bulk_uploads() == 2);

  SalesforceBulkLoader resumed(options);
  GeneratedFeed feed(static_cast<int>(checkpoint.settled) + 1, kCount);
  const std::uint64_t resumed_at = checkpoint.settled;
  auto summary = resumed.deliver({"contacts_bulk", "run-1", SyncMode::upsert, checkpoint.next_sequence, {}}, feed,
                                 runner_callbacks(resumed_at, 0), jobs);
  CHECK(summary.records == kCount - resumed_at);
  CHECK(summary.accepted == kCount - resumed_at);
  CHECK(checkpoint.settled == kCount);
  CHECK_FALSE(jobs.find("run-1.bulk.1"));  // the resumed run forgot the acknowledged part's entry
  CHECK(emulator.bulk_jobs_created() == checkpoint.next_sequence);
  CHECK(emulator.bulk_uploads() == checkpoint.next_sequence);
  require_each_uploaded_once(emulator, kCount);
  CHECK(status_by_key.size() == kCount);
  for (const auto& [key, status] : status_by_key) CHECK(status == RecordStatus::Accepted);
  CHECK(emulator.records("Contact").size() == kCount);
}

TEST_CASE("Salesforce Bulk: killed after a later part's job was created, only that job is aborted and redone",
          "[salesforce]") {
  SalesforceEmulator emulator;
  emulator.set_bulk_behaviour(1);
  auto options = bulk_options(emulator, "salesforce-bulk-later-open");
  options.max_job_bytes = 1000;
  constexpr int kCount = 120;
  CrashingJournal jobs("created", 3);  // the third part's job exists, its upload not sent
  Checkpoint checkpoint;
  DeliveryCallbacks callbacks;
  callbacks.on_acknowledged = [&](const BatchAck& ack) {
    checkpoint.settled = ack.settled_through;
    checkpoint.next_sequence = *ack.sequence + 1;
  };
  {
    SalesforceBulkLoader loader(options);
    GeneratedFeed feed(1, kCount);
    CHECK_THROWS_AS(loader.deliver({"contacts_bulk", "run-1", SyncMode::upsert, 0, {}}, feed, callbacks, jobs), Crash);
  }
  REQUIRE(checkpoint.next_sequence == 2);
  const auto open = jobs.find("run-1.bulk.2");
  REQUIRE(open);
  CHECK(open->step == "created");
  CHECK(emulator.bulk_uploads() == 2);

  jobs.crash_at.clear();
  const std::uint64_t resumed_at = checkpoint.settled;
  std::size_t accepted = 0;
  DeliveryCallbacks resumed_callbacks;
  resumed_callbacks.on_outcome = [&](const RecordOutcome& outcome) {
    accepted += outcome.status == RecordStatus::Accepted ? 1 : 0;
  };
  resumed_callbacks.on_acknowledged = [&](const BatchAck& ack) {
    checkpoint.settled = resumed_at + ack.settled_through;
    checkpoint.next_sequence = *ack.sequence + 1;
  };
  SalesforceBulkLoader resumed(options);
  GeneratedFeed feed(static_cast<int>(resumed_at) + 1, kCount);
  resumed.deliver({"contacts_bulk", "run-1", SyncMode::upsert, 2, {}}, feed, resumed_callbacks, jobs);
  CHECK(accepted == kCount - resumed_at);
  CHECK(checkpoint.settled == kCount);
  const std::uint64_t parts = checkpoint.next_sequence;
  CHECK(emulator.bulk_jobs_created() == parts + 1);  // the aborted one
  CHECK(emulator.bulk_uploads() == parts);
  require_each_uploaded_once(emulator, kCount);
  CHECK(emulator.records("Contact").size() == kCount);
  CHECK_FALSE(jobs.find("run-1.bulk.2"));
}

TEST_CASE("Salesforce Bulk: deletes among the upserts are delivered with their part, before it is acknowledged",
          "[salesforce]") {
  SalesforceEmulator emulator;
  emulator.set_bulk_behaviour(0);
  auto options = bulk_options(emulator, "salesforce-bulk-deletes");
  options.max_job_bytes = 600;
  constexpr int kCount = 40;
  std::map<std::string, std::string> salesforce_ids;  // by key
  {
    SalesforceBulkLoader loader(options);
    auto records = contacts(kCount);
    VectorFeed feed(records);
    DeliveryCallbacks callbacks;
    callbacks.on_outcome = [&](const RecordOutcome& outcome) { salesforce_ids[outcome.key] = outcome.destination_id; };
    MemoryJobJournal jobs;
    loader.deliver({"contacts_bulk", "run-1", SyncMode::mirror, 0, {}}, feed, callbacks, jobs);
  }
  REQUIRE(salesforce_ids.size() == kCount);
  REQUIRE(emulator.records("Contact").size() == kCount);

  // Every fourth contact deleted, the others renamed.
  std::vector<DeliveryRecord> changes;
  for (int customer = 1; customer <= kCount; ++customer) {
    DeliveryRecord record = contact(customer);
    if (customer % 4 == 0) {
      record.op = Operation::Delete;
      record.fields = nullptr;
      record.destination_id = salesforce_ids[record.key];
    } else {
      record.fields["LastName"] = "Renamed " + std::to_string(customer);
    }
    changes.push_back(record);
  }
  std::map<std::uint64_t, RecordOutcome> outcomes;
  std::vector<BatchAck> acks;
  DeliveryCallbacks callbacks;
  callbacks.on_outcome = [&](const RecordOutcome& outcome) { REQUIRE(outcomes.emplace(outcome.position, outcome).second); };
  callbacks.on_acknowledged = [&](const BatchAck& ack) {
    for (std::uint64_t position = 0; position < ack.settled_through; ++position) REQUIRE(outcomes.count(position));
    acks.push_back(ack);
  };
  SalesforceBulkLoader loader(options);
  VectorFeed feed(changes);
  MemoryJobJournal jobs;
  auto summary = loader.deliver({"contacts_bulk", "run-2", SyncMode::mirror, 0, {}}, feed, callbacks, jobs);
  CHECK(summary.accepted == kCount);
  CHECK(acks.size() >= 3);
  REQUIRE(outcomes.size() == kCount);
  for (const auto& [position, outcome] : outcomes) {
    INFO("position " << position);
    CHECK(outcome.key == std::to_string(position + 1));
    CHECK(outcome.op == ((position + 1) % 4 == 0 ? Operation::Delete : Operation::Upsert));
    CHECK(outcome.status == RecordStatus::Accepted);
  }
  auto held = emulator.records("Contact");
  CHECK(held.size() == kCount - kCount / 4);
  for (const auto& [id, record] : held) {
    const std::string external = record.fields["External_Id__c"].get<std::string>();
    INFO("contact " << external);
    CHECK(std::stoi(external.substr(2)) % 4 != 0);
    CHECK(record.fields["LastName"] == "Renamed " + external.substr(2));
  }
}
