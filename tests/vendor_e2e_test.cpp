// Every vendor destination end to end through the real `backflow run`
// binary: a SQLite warehouse model, the vendor's emulator (or a real
// PostgreSQL table for `sql`). After the first run and after rounds of
// random model changes the vendor holds exactly the model (for mirror syncs
// removed rows are gone; for upsert syncs they stay); a record the vendor
// rejects is reported with the vendor's message by `run --json` and
// `status`, retried by the next run, and delivered once the row is fixed.
#include <catch2/catch.hpp>

#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "odbc/connection.h"
#include "tests/odbc_test_helpers.h"
#include "tests/support/emulators/braze_emulator.h"
#include "tests/support/emulators/hubspot_emulator.h"
#include "tests/support/emulators/intercom_emulator.h"
#include "tests/support/emulators/iterable_emulator.h"
#include "tests/support/emulators/klaviyo_emulator.h"
#include "tests/support/emulators/salesforce_emulator.h"
#include "tests/vendor_e2e_support.h"

using namespace backflow;
using namespace backflow::test;
using Held = std::map<std::string, nlohmann::json>;

namespace {

constexpr std::int64_t kRejectedId = 3;

std::string text_of(const nlohmann::json& value) { return value.is_string() ? value.get<std::string>() : value.dump(); }

// What one vendor's test supplies.
struct VendorCase {
  std::string label;
  VendorSyncYaml yaml;
  bool mirror = false;            // removed rows must vanish from the vendor
  std::string bad_email;          // an email the vendor rejects
  std::string vendor_message;     // part of the vendor's message for that record
  std::function<Held()> held;     // what the vendor holds, by the record's vendor key
  std::function<std::string(std::int64_t, const Customer&)> key_of;           // a model row's vendor key
  std::function<nlohmann::json(std::int64_t, const Customer&)> fields_of;    // what the vendor holds for it
  std::function<void()> before_reject;  // e.g. a constraint that makes bad_email fail
  std::function<void()> faults;         // transient failures injected before the second round
};

void require_holds_model(const VendorCase& vendor, CustomerModel& model, const std::set<std::string>& ever_sent) {
  Held expected;
  for (const auto& [id, customer] : model.rows()) expected[vendor.key_of(id, customer)] = vendor.fields_of(id, customer);
  const Held held = vendor.held();
  if (vendor.mirror) {
    REQUIRE(held == expected);
    return;
  }
  for (const auto& [key, fields] : expected) {
    INFO("key " << key);
    REQUIRE(held.count(key) == 1);
    REQUIRE(held.at(key) == fields);
  }
  for (const auto& [key, fields] : held) {
    INFO("held key " << key);
    REQUIRE(ever_sent.count(key) == 1);  // upsert: removed rows stay, nothing else appears
  }
}

void exercise(const VendorCase& vendor, CustomerModel& model) {
  VendorSyncRun sync(vendor.label, model, vendor.yaml);
  std::set<std::string> ever_sent;
  auto remember_sent = [&] {
    for (const auto& [id, customer] : model.rows()) ever_sent.insert(vendor.key_of(id, customer));
  };
  std::mt19937 random(11);

  remember_sent();
  nlohmann::json first = sync.run();
  CHECK(first["phase"] == "succeeded");
  CHECK(first["counts"]["rejected"] == 0);
  require_holds_model(vendor, model, ever_sent);
  for (int round = 0; round < 2; ++round) {
    if (round == 1 && vendor.faults) vendor.faults();  // retried inside the run: nothing lost
    model.random_changes(random);
    remember_sent();
    nlohmann::json changed = sync.run();
    CHECK(changed["counts"]["rejected"] == 0);
    CHECK(changed["counts"]["changed"].get<int>() > 0);
    require_holds_model(vendor, model, ever_sent);
  }

  // A record the vendor refuses: reported with its message, retried next run.
  if (vendor.before_reject) vendor.before_reject();
  const Customer before = model.rows().at(kRejectedId);
  model.set_email(kRejectedId, vendor.bad_email);
  // The run's one change was refused: 100% not accepted, so the run failed.
  nlohmann::json rejected = sync.run(/*expected_exit=*/1);
  CHECK(rejected["phase"] == "failed");
  CHECK(rejected["counts"]["rejected"] == 1);
  nlohmann::json failure = failure_for(rejected, std::to_string(kRejectedId));
  REQUIRE(failure.is_object());
  CHECK(failure["status"] == "rejected");
  CHECK_THAT(failure["message"].get<std::string>(), Catch::Contains(vendor.vendor_message));
  CHECK(sync.status()[0]["failing_records"] == 1);

  // Retried and refused again: a known failure, so partial, not failed.
  nlohmann::json retried = sync.run(/*expected_exit=*/4);
  CHECK(retried["phase"] == "partial");
  CHECK(retried["counts"]["failed_again"] == 1);
  CHECK(retried["counts"]["retried"] == 1);
  CHECK(retried["counts"]["rejected"] == 1);

  model.set_email(kRejectedId, before.email);
  remember_sent();
  nlohmann::json fixed = sync.run();
  CHECK(fixed["counts"]["rejected"] == 0);
  CHECK(fixed["failures"].empty());
  CHECK(sync.status()[0]["failing_records"] == 0);
  require_holds_model(vendor, model, ever_sent);
}

std::string fast_limits() { return "    rate_limit: { requests: 1000, per: 1s }\n"; }

}  // namespace

TEST_CASE("backflow run to HubSpot: mirror leaves HubSpot holding the model, rejected contacts retried",
          "[vendor-e2e][hubspot]") {
  HubSpotEmulator emulator;
  emulator.set_rate_limit(0, std::chrono::seconds(1));
  auto dir = make_temp_dir("e2e-hubspot-model");
  CustomerModel model(dir, 60);
  VendorCase vendor;
  vendor.label = "e2e-hubspot";
  vendor.yaml.destination = "    type: hubspot\n    token: " + emulator.token() + "\n    base_url: \"" +
                            emulator.base_url() + "\"\n" + fast_limits();
  vendor.yaml.sync_destination = "object: contacts, mode: mirror, match_on: { field: email, column: email }";
  vendor.yaml.mapping = "      email: email\n      firstname: first_name\n      score: score\n";
  vendor.mirror = true;
  vendor.bad_email = "not-an-email";
  vendor.vendor_message = "not-an-email";
  vendor.held = [&] {
    Held held;
    for (const auto& [id, object] : emulator.objects("contacts")) {
      nlohmann::json fields = object.properties;
      std::string email = fields["email"];
      fields.erase("email");
      held[email] = fields;
    }
    return held;
  };
  vendor.key_of = [](std::int64_t, const Customer& c) { return c.email; };
  vendor.fields_of = [](std::int64_t, const Customer& c) {
    return nlohmann::json{{"firstname", c.first_name}, {"score", std::to_string(c.score)}};
  };
  exercise(vendor, model);
}

namespace {

VendorCase salesforce_case(const SalesforceEmulator& emulator, const std::string& label, const std::string& extra) {
  VendorCase vendor;
  vendor.label = label;
  vendor.yaml.destination = "    type: salesforce\n    instance_url: \"" + emulator.instance_url() +
                            "\"\n    access_token: \"" + emulator.token() + "\"\n" + fast_limits() + extra;
  vendor.yaml.sync_destination = "object: Contact, mode: mirror, external_id_field: External_Id__c";
  vendor.yaml.mapping =
      "      External_Id__c: { template: \"C-{{ id }}\" }\n      Email: email\n      LastName: first_name\n"
      "      Score__c: score\n";
  vendor.mirror = true;
  vendor.bad_email = "not-an-email";
  vendor.vendor_message = "INVALID_EMAIL_ADDRESS";
  vendor.held = [&emulator] {
    Held held;
    for (const auto& [id, record] : emulator.records("Contact")) {
      // Bulk CSV writes text, Collections JSON numbers: compare as text.
      nlohmann::json fields = nlohmann::json::object();
      for (const char* name : {"Email", "LastName", "Score__c"}) fields[name] = text_of(record.fields.value(name, nlohmann::json()));
      held[text_of(record.fields["External_Id__c"])] = fields;
    }
    return held;
  };
  vendor.key_of = [](std::int64_t id, const Customer&) { return "C-" + std::to_string(id); };
  vendor.fields_of = [](std::int64_t, const Customer& c) {
    return nlohmann::json{{"Email", c.email}, {"LastName", c.first_name}, {"Score__c", std::to_string(c.score)}};
  };
  return vendor;
}

}  // namespace

TEST_CASE("backflow run to Salesforce Collections: mirror leaves Salesforce holding the model",
          "[vendor-e2e][salesforce]") {
  SalesforceEmulator emulator;
  auto dir = make_temp_dir("e2e-salesforce-model");
  CustomerModel model(dir, 60);
  exercise(salesforce_case(emulator, "e2e-salesforce", ""), model);
  CHECK(emulator.bulk_jobs_created() == 0);
}

TEST_CASE("backflow run to Salesforce Bulk API 2.0 above bulk_threshold: mirror leaves Salesforce holding the model",
          "[vendor-e2e][salesforce]") {
  SalesforceEmulator emulator;
  emulator.set_bulk_behaviour(1);
  auto dir = make_temp_dir("e2e-salesforce-bulk-model");
  CustomerModel model(dir, 60);
  // 13 changes a round, the first run 60: every run but the single-record retries goes through Bulk.
  exercise(salesforce_case(emulator, "e2e-salesforce-bulk", "    bulk_threshold: 5\n    bulk_poll_interval: 10ms\n"),
           model);
  CHECK(emulator.bulk_jobs_created() >= 3);
}

TEST_CASE("backflow run to Braze: upsert leaves Braze holding the model, rejected users retried",
          "[vendor-e2e][braze]") {
  BrazeEmulator emulator("braze-key");
  emulator.reject_email("bad@reject.example");
  auto dir = make_temp_dir("e2e-braze-model");
  CustomerModel model(dir, 60);
  VendorCase vendor;
  vendor.label = "e2e-braze";
  vendor.yaml.destination = "    type: braze\n    api_key: braze-key\n    base_url: \"" + emulator.base_url() + "\"\n" +
                            fast_limits();
  vendor.yaml.sync_destination = "mode: upsert, match_on: { field: external_id, column: id }";
  vendor.yaml.mapping = "      email: email\n      first_name: first_name\n      score: score\n";
  vendor.bad_email = "bad@reject.example";
  vendor.vendor_message = "is not a valid email address";
  vendor.held = [&] { return emulator.users(); };
  vendor.key_of = [](std::int64_t id, const Customer&) { return std::to_string(id); };
  vendor.fields_of = [](std::int64_t, const Customer& c) {
    return nlohmann::json{{"email", c.email}, {"first_name", c.first_name}, {"score", c.score}};
  };
  vendor.faults = [&] { emulator.fail_next(2, 503); };
  exercise(vendor, model);
}

TEST_CASE("backflow run to Klaviyo: bulk import jobs leave Klaviyo holding the model, import errors retried",
          "[vendor-e2e][klaviyo]") {
  KlaviyoEmulator emulator("pk_klaviyo");
  emulator.reject_email("bad@reject.example");
  auto dir = make_temp_dir("e2e-klaviyo-model");
  CustomerModel model(dir, 60);
  VendorCase vendor;
  vendor.label = "e2e-klaviyo";
  vendor.yaml.destination = "    type: klaviyo\n    api_key: pk_klaviyo\n    base_url: \"" + emulator.base_url() +
                            "\"\n    poll_interval: 10ms\n" + fast_limits();
  vendor.yaml.sync_destination = "mode: upsert, list_id: L1";
  vendor.yaml.mapping =
      "      external_id: { column: id, transforms: [to_string] }\n      email: email\n      first_name: first_name\n"
      "      properties.score: score\n";
  vendor.bad_email = "bad@reject.example";
  vendor.vendor_message = "Klaviyo:";
  vendor.held = [&] { return emulator.profiles(); };
  vendor.key_of = [](std::int64_t id, const Customer&) { return std::to_string(id); };
  vendor.fields_of = [](std::int64_t id, const Customer& c) {
    return nlohmann::json{{"external_id", std::to_string(id)},
                          {"email", c.email},
                          {"first_name", c.first_name},
                          {"properties", {{"score", c.score}}}};
  };
  vendor.faults = [&] { emulator.fail_next(2, 503); };
  exercise(vendor, model);
  CHECK(emulator.list_members("L1").size() >= model.rows().size());
}

TEST_CASE("backflow run to Iterable: bulkUpdate leaves Iterable holding the model, failed updates retried",
          "[vendor-e2e][iterable]") {
  IterableEmulator emulator("iterable-key");
  emulator.reject_email("bad@reject.example");
  auto dir = make_temp_dir("e2e-iterable-model");
  CustomerModel model(dir, 60);
  VendorCase vendor;
  vendor.label = "e2e-iterable";
  vendor.yaml.destination = "    type: iterable\n    api_key: iterable-key\n    base_url: \"" + emulator.base_url() +
                            "\"\n" + fast_limits();
  vendor.yaml.sync_destination = "mode: upsert, match_on: { field: email, column: email }";
  vendor.yaml.mapping = "      email: email\n      first_name: first_name\n      score: score\n";
  vendor.bad_email = "bad@reject.example";
  vendor.vendor_message = "Iterable: email listed in";
  vendor.held = [&] { return emulator.users(); };
  vendor.key_of = [](std::int64_t, const Customer& c) { return c.email; };
  vendor.fields_of = [](std::int64_t, const Customer& c) {
    return nlohmann::json{{"first_name", c.first_name}, {"score", c.score}};
  };
  vendor.faults = [&] { emulator.fail_next(2, 503); };
  exercise(vendor, model);
}

TEST_CASE("backflow run to Intercom: mirror leaves Intercom holding the model, refused contacts retried",
          "[vendor-e2e][intercom]") {
  IntercomEmulator emulator("intercom-token");
  emulator.reject_email("bad@reject.example");
  auto dir = make_temp_dir("e2e-intercom-model");
  CustomerModel model(dir, 40);
  VendorCase vendor;
  vendor.label = "e2e-intercom";
  vendor.yaml.destination = "    type: intercom\n    token: intercom-token\n    base_url: \"" + emulator.base_url() +
                            "\"\n" + fast_limits();
  vendor.yaml.sync_destination = "mode: mirror, match_on: { field: external_id, column: id }";
  vendor.yaml.mapping =
      "      external_id: { column: id, transforms: [to_string] }\n      email: email\n      name: first_name\n"
      "      custom_attributes.score: score\n";
  vendor.mirror = true;
  vendor.bad_email = "bad@reject.example";
  vendor.vendor_message = "Email address is invalid";
  vendor.held = [&] {
    Held held;
    for (const auto& [key, contact] : emulator.contacts()) {
      held[key] = {{"email", contact.value("email", "")},
                   {"name", contact.value("name", "")},
                   {"score", contact.value("custom_attributes", nlohmann::json::object()).value("score", nlohmann::json())}};
    }
    return held;
  };
  vendor.key_of = [](std::int64_t id, const Customer&) { return std::to_string(id); };
  vendor.fields_of = [](std::int64_t, const Customer& c) {
    return nlohmann::json{{"email", c.email}, {"name", c.first_name}, {"score", c.score}};
  };
  vendor.faults = [&] { emulator.fail_next(2, 503); };
  exercise(vendor, model);
}

TEST_CASE("backflow run to a PostgreSQL table: create_table, mirror leaves the table holding the model, "
          "a row the database refuses is retried", "[vendor-e2e][sql][pg]") {
  odbc::Connection pg = odbc::Connection::open(pg_connection_string(), "destination");
  pg.execute("drop table if exists public.e2e_customers");
  auto dir = make_temp_dir("e2e-sql-model");
  CustomerModel model(dir, 60);
  VendorCase vendor;
  vendor.label = "e2e-sql";
  vendor.yaml.destination = "    type: sql\n    connection: " + nlohmann::json(pg_connection_string()).dump() +
                            "\n    dialect: postgres\n    create_table: true\n    batch_size: 25\n";
  vendor.yaml.sync_destination = "mode: mirror, table: public.e2e_customers";
  vendor.yaml.mapping = "      email: email\n      first_name: first_name\n      score: score\n";
  vendor.mirror = true;
  vendor.bad_email = "not-an-email";
  vendor.vendor_message = "email_has_at";
  vendor.before_reject = [&] {
    pg.execute("alter table public.e2e_customers add constraint email_has_at check (email like '%@%')");
  };
  vendor.held = [&] {
    Held held;
    for (const Row& row : read_all(pg, "select id, email, first_name, score from public.e2e_customers")) {
      held[std::to_string(row[0].as_int())] = {
          {"email", row[1].as_text()}, {"first_name", row[2].as_text()}, {"score", row[3].as_int()}};
    }
    return held;
  };
  vendor.key_of = [](std::int64_t id, const Customer&) { return std::to_string(id); };
  vendor.fields_of = [](std::int64_t, const Customer& c) {
    return nlohmann::json{{"email", c.email}, {"first_name", c.first_name}, {"score", c.score}};
  };
  exercise(vendor, model);
  // The table was created with the model's types.
  auto types = read_all(pg, "select data_type from information_schema.columns where table_name = 'e2e_customers' "
                            "and column_name in ('id', 'score') order by column_name");
  REQUIRE(types.size() == 2);
  CHECK(types[0][0].as_text() == "bigint");
  CHECK(types[1][0].as_text() == "bigint");
}

TEST_CASE("backflow run killed while a Salesforce Bulk job is in progress: the resumed run polls the same job",
          "[vendor-e2e][salesforce]") {
  SalesforceEmulator emulator;
  emulator.set_bulk_behaviour(2);
  auto dir = make_temp_dir("e2e-salesforce-bulk-crash-model");
  CustomerModel model(dir, 40);
  VendorCase vendor =
      salesforce_case(emulator, "e2e-salesforce-bulk-crash", "    bulk_threshold: 5\n    bulk_poll_interval: 10ms\n");
  VendorSyncRun sync(vendor.label, model, vendor.yaml);
  // The job's state is journaled a second time once the upload is closed: die right there.
  auto killed = sync.run_unchecked("BACKFLOW_TEST_KILL_AT=job:2 ");
  INFO(killed.output);
  REQUIRE(killed.exit_code != 0);
  CHECK(emulator.bulk_uploads() == 1);
  nlohmann::json resumed = sync.run();
  CHECK(resumed["phase"] == "succeeded");
  CHECK(emulator.bulk_jobs_created() == 1);
  CHECK(emulator.bulk_uploads() == 1);
  require_holds_model(vendor, model, {});
}

TEST_CASE("backflow run killed after a Klaviyo job was created: the resumed run polls it, never uploads twice",
          "[vendor-e2e][klaviyo]") {
  KlaviyoEmulator emulator("pk_klaviyo");
  emulator.set_polls_until_complete(2);
  auto dir = make_temp_dir("e2e-klaviyo-crash-model");
  CustomerModel model(dir, 30);
  VendorSyncYaml yaml;
  yaml.destination = "    type: klaviyo\n    api_key: pk_klaviyo\n    base_url: \"" + emulator.base_url() +
                     "\"\n    poll_interval: 10ms\n" + fast_limits();
  yaml.sync_destination = "mode: upsert";
  yaml.mapping = "      email: email\n      first_name: first_name\n";
  VendorSyncRun sync("e2e-klaviyo-crash", model, yaml);
  auto killed = sync.run_unchecked("BACKFLOW_TEST_KILL_AT=job:1 ");
  INFO(killed.output);
  REQUIRE(killed.exit_code != 0);
  CHECK(emulator.jobs_created() == 1);
  nlohmann::json resumed = sync.run();
  CHECK(resumed["phase"] == "succeeded");
  CHECK(resumed["counts"]["accepted"] == 30);
  CHECK(emulator.jobs_created() == 1);
  CHECK(emulator.profiles().size() == 30);
}

namespace {

// Every model row's external id in exactly one of the emulator's Bulk uploads.
void require_each_row_uploaded_once(SalesforceEmulator& emulator, CustomerModel& model) {
  std::map<std::string, int> times;
  for (const auto& body : emulator.bulk_upload_bodies()) {
    std::istringstream lines(body);
    std::string line;
    std::getline(lines, line);  // header
    while (std::getline(lines, line)) {
      if (!line.empty()) ++times[line.substr(0, line.find(','))];
    }
  }
  std::map<std::string, int> expected;
  for (const auto& [id, customer] : model.rows()) expected["C-" + std::to_string(id)] = 1;
  REQUIRE(times == expected);
}

}  // namespace

TEST_CASE("backflow run killed between two Salesforce Bulk jobs (bulk_job_bytes): the resumed run sends only the "
          "parts not yet acknowledged",
          "[vendor-e2e][salesforce]") {
  SalesforceEmulator emulator;
  emulator.set_bulk_behaviour(1);
  auto dir = make_temp_dir("e2e-salesforce-bulk-parts-model");
  CustomerModel model(dir, 40);
  VendorCase vendor = salesforce_case(emulator, "e2e-salesforce-bulk-parts",
                                      "    bulk_threshold: 5\n    bulk_poll_interval: 10ms\n    bulk_job_bytes: 500\n");
  VendorSyncRun sync(vendor.label, model, vendor.yaml);
  // Die right after the first part's job was acknowledged.
  auto killed = sync.run_unchecked("BACKFLOW_TEST_KILL_AT=ack:1 ");
  INFO(killed.output);
  REQUIRE(killed.exit_code != 0);
  CHECK(emulator.bulk_jobs_created() == 1);
  nlohmann::json resumed = sync.run();
  CHECK(resumed["phase"] == "succeeded");
  CHECK(resumed["counts"]["rejected"] == 0);
  require_holds_model(vendor, model, {});
  CHECK(emulator.bulk_uploads() >= 3);  // 500 bytes hold about a dozen rows
  CHECK(emulator.bulk_jobs_created() == emulator.bulk_uploads());
  for (const auto& body : emulator.bulk_upload_bodies()) CHECK(body.size() <= 500);
  require_each_row_uploaded_once(emulator, model);
}

TEST_CASE("backflow run killed after a later Salesforce Bulk part's job was created: only that job is redone",
          "[vendor-e2e][salesforce]") {
  SalesforceEmulator emulator;
  emulator.set_bulk_behaviour(1);
  auto dir = make_temp_dir("e2e-salesforce-bulk-part-job-model");
  CustomerModel model(dir, 40);
  VendorCase vendor = salesforce_case(emulator, "e2e-salesforce-bulk-part-job",
                                      "    bulk_threshold: 5\n    bulk_poll_interval: 10ms\n    bulk_job_bytes: 500\n");
  VendorSyncRun sync(vendor.label, model, vendor.yaml);
  // Journal writes: part 0 created, part 0 uploaded, part 1 created: die there, before part 1's upload.
  auto killed = sync.run_unchecked("BACKFLOW_TEST_KILL_AT=job:3 ");
  INFO(killed.output);
  REQUIRE(killed.exit_code != 0);
  CHECK(emulator.bulk_jobs_created() == 2);
  CHECK(emulator.bulk_uploads() == 1);
  nlohmann::json resumed = sync.run();
  CHECK(resumed["phase"] == "succeeded");
  require_holds_model(vendor, model, {});
  CHECK(emulator.bulk_uploads() >= 3);
  CHECK(emulator.bulk_jobs_created() == emulator.bulk_uploads() + 1);  // part 1's first job aborted
  require_each_row_uploaded_once(emulator, model);
}
