// backflow_dashboard_fixture: the API server with the test controller over a
// fresh state directory pre-filled with syncs, runs and rejected records, for
// the dashboard test in Chromium. Prints "READY <url>" when it listens and
// writes what it seeded as JSON to --describe, then serves until SIGTERM.
//
//   backflow_dashboard_fixture --state DIR --describe FILE [--token TOKEN]
#include <csignal>
#include <cstring>
#include <fstream>
#include <iostream>
#include <string>

#include "service/api/api_server.h"
#include "service/metrics/registry.h"
#include "state/failure_store.h"
#include "state/record_store.h"
#include "state/run_store.h"
#include "state/state_db.h"
#include "tests/support/test_env.h"
#include "tests/support/test_sync_controller.h"

using namespace backflow;
using nlohmann::json;

namespace {

struct Seeder {
  state::RunStore& runs;
  state::RecordStore& records;
  test::TestSyncController& controller;

  state::RunRecord run(const std::string& sync, state::RunPhase phase, std::int64_t started_ms,
                       std::int64_t duration_ms, state::RunCounts counts, const std::string& error = "") {
    auto record = runs.create(sync, state::RunTrigger::Schedule, false, false, started_ms);
    record.phase_ms = {{"preflight", duration_ms / 20},   {"snapshot", duration_ms * 4 / 10},
                       {"diff", duration_ms / 10},        {"guard", duration_ms / 50},
                       {"deliver", duration_ms * 4 / 10}, {"commit", duration_ms / 50}};
    if (!error.empty()) {
      record.error = error;
      record.error_phase = phase == state::RunPhase::Blocked ? "guard" : "deliver";
    }
    runs.save(record);
    return controller.finish_run(record.id, phase, counts, started_ms + duration_ms);
  }
};

state::RunCounts counts(std::uint64_t added, std::uint64_t changed, std::uint64_t removed, std::uint64_t rejected,
                        std::uint64_t invalid = 0) {
  state::RunCounts c;
  c.added = added;
  c.changed = changed;
  c.removed = removed;
  c.rejected = rejected;
  c.invalid = invalid;
  c.sent = added + changed + removed;
  c.accepted = c.sent - rejected;
  c.rows_read = 5000 + added;
  return c;
}

api::SyncSummary sync(const std::string& name, const std::string& source, const std::string& destination,
                      const std::string& object, const std::string& mode, const std::string& schedule,
                      std::optional<std::int64_t> next_run_ms) {
  api::SyncSummary s;
  s.name = name;
  s.source = source;
  s.destination = destination;
  s.object = object;
  s.mode = mode;
  s.schedule = schedule;
  s.next_run_ms = next_run_ms;
  return s;
}

volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) { g_stop = 1; }

}  // namespace

int main(int argc, char** argv) {
  std::string state_dir, describe_file, token;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--state"))
      state_dir = argv[i + 1];
    else if (!std::strcmp(argv[i], "--describe"))
      describe_file = argv[i + 1];
    else if (!std::strcmp(argv[i], "--token"))
      token = argv[i + 1];
  }
  if (state_dir.empty() || describe_file.empty()) {
    std::cerr << "usage: backflow_dashboard_fixture --state DIR --describe FILE [--token TOKEN]\n";
    return 2;
  }
  try {
    auto db = state::StateDb::open(state_dir);
    state::RunStore runs(*db);
    state::RecordStore records(*db);
    state::FailureStore failures(*db);
    test::TestSyncController controller(runs, failures);
    const std::int64_t now = test::now_ms();
    const std::int64_t minute = 60'000;

    controller.add_sync(sync("contacts_to_hubspot", "analytics: public.customers", "hubspot", "contacts", "upsert",
                             "*/15 * * * *", now + 7 * minute));
    controller.add_sync(sync("deals_to_salesforce", "analytics: marts.deals", "salesforce", "Opportunity", "upsert",
                             "every 30m", now + 21 * minute));
    controller.add_sync(sync("orders_webhook", "analytics: select * from orders", "webhook", "", "mirror",
                             "after contacts_to_hubspot", std::nullopt));
    controller.add_sync(sync("leads_to_marketo", "analytics: public.leads", "marketo", "leads", "upsert", "0 6 * * *",
                             now + 300 * minute));
    controller.add_sync(
        sync("products_manual", "warehouse: public.products", "webhook", "", "upsert", "manual", std::nullopt));
    controller.pause("leads_to_marketo");
    controller.add_destination("hubspot",
                               json::array({{{"method", "POST"},
                                             {"url", "https://api.hubapi.com/crm/v3/objects/contacts/batch/upsert"},
                                             {"status", 207},
                                             {"authorization", "[redacted]"}}}));

    Seeder seed{runs, records, controller};
    state::RunRecord last_contacts;
    for (int i = 0; i < 14; ++i) {
      const std::int64_t start = now - (14 - i) * 15 * minute;
      const auto phase = i == 9 ? state::RunPhase::Failed : state::RunPhase::Succeeded;
      const std::uint64_t k = static_cast<std::uint64_t>(i);
      last_contacts =
          seed.run("contacts_to_hubspot", phase, start, 40'000 + i * 3'000,
                   phase == state::RunPhase::Failed ? counts(0, 0, 0, 0)
                                                    : counts(20 + k * 7, 30 + (k * 13) % 40, k % 5, k % 3, k % 2),
                   phase == state::RunPhase::Failed ? "HubSpot answered HTTP 503 for 5 attempts" : "");
    }
    last_contacts = controller.finish_run(last_contacts.id, state::RunPhase::Succeeded, counts(120, 37, 4, 3, 2),
                                          last_contacts.ended_at_ms);
    std::vector<state::RecordResult> results = {
        {"[1042]", "changed", "rejected", 400,
         "Property values were not valid: email 'bob@@example' is not a valid email"},
        {"[2077]", "added", "rejected", 409, "Contact already exists. Existing ID: 5012"},
        {"[3150]", "added", "rejected", 400,
         "Property 'lifecyclestage' cannot be set backwards from 'customer' to 'lead'"},
        {"[4001]", "added", "invalid", 0, "email: required column is null"},
        {"[4002]", "changed", "invalid", 0, "firstname: text of 412 characters exceeds the limit of 255"},
    };
    for (int i = 0; i < 120; ++i) {
      char key[16];
      std::snprintf(key, sizeof key, "[%d]", 5000 + i);
      results.push_back({key, i % 3 ? "added" : "changed", "accepted", 200, ""});
    }
    records.add(last_contacts.id, last_contacts.started_at_ms, results, true);

    for (int i = 0; i < 6; ++i) {
      const std::uint64_t k = static_cast<std::uint64_t>(i);
      const bool failed = i >= 4;
      seed.run("deals_to_salesforce", failed ? state::RunPhase::Failed : state::RunPhase::Succeeded,
               now - (6 - i) * 30 * minute, 95'000, failed ? counts(3, 1, 0, 0) : counts(8 + k, 14, 1, 0),
               failed ? "Salesforce refused the login: INVALID_SESSION_ID (HTTP 401)" : "");
    }
    seed.run("orders_webhook", state::RunPhase::Succeeded, now - 200 * minute, 12'000, counts(400, 12, 3, 0));
    seed.run("orders_webhook", state::RunPhase::Blocked, now - 50 * minute, 9'000, counts(5, 2, 310, 0),
             "the run would remove 310 of 815 records (38.0%), more than guard.max_removed_pct (20.0%) "
             "(run with --force to override once)");
    seed.run("leads_to_marketo", state::RunPhase::Succeeded, now - 26 * 60 * minute, 61'000, counts(57, 210, 0, 1));

    failures.record_failure("contacts_to_hubspot", "[1042]", last_contacts.id, "HTTP 400", 1);

    api::ApiServer::Options options;
    options.listen = "127.0.0.1:" + std::to_string(test::free_tcp_port());
    options.auth_token = token;
    metrics::Registry registry;
    api::ApiServer server(options, controller, runs, records, registry);

    json describe = {
        {"url", server.base_url()},
        {"syncs",
         {{"contacts_to_hubspot",
           {{"health", "Healthy"}, {"added", "120"}, {"changed", "37"}, {"removed", "4"}, {"rejected", "3"}}},
          {"deals_to_salesforce",
           {{"health", "Failing"}, {"added", "3"}, {"changed", "1"}, {"removed", "0"}, {"rejected", "0"}}},
          {"orders_webhook",
           {{"health", "Blocked"}, {"added", "5"}, {"changed", "2"}, {"removed", "310"}, {"rejected", "0"}}},
          {"leads_to_marketo", {{"health", "Paused"}}},
          {"products_manual", {{"health", "Never run"}}}}},
        {"run_with_rejections", last_contacts.id},
        {"rejected_key", "[2077]"},
        {"rejected_message", "Contact already exists. Existing ID: 5012"},
    };
    std::ofstream(describe_file) << describe.dump(2) << "\n";

    std::signal(SIGTERM, on_signal);
    std::signal(SIGINT, on_signal);
    std::cout << "READY " << server.base_url() << std::endl;
    while (!g_stop) ::pause();
    std::cout << "stopping" << std::endl;
  } catch (const std::exception& e) {
    std::cerr << "dashboard fixture: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
