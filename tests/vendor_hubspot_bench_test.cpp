// Throughput benchmark (hidden: never part of the suite; run by
// bench/run_vendors-a.sh). 100k changed contacts (BENCH_RECORDS overrides)
// delivered to the HubSpot emulator enforcing HubSpot's documented 100
// requests / 10 s, with the module's default rate limit: records/s as a
// share of the theoretical maximum (rate limit x batch size) and the share
// of requests answered 429.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <iostream>

#include "destinations/salesforce/salesforce_destination.h"
#include "tests/support/emulators/salesforce_emulator.h"
#include "tests/vendor_hubspot_support.h"

using namespace backflow::destinations;
using namespace backflow::test;

TEST_CASE("bench: HubSpot 100k changed records at the documented rate limit", "[.][bench-vendors]") {
  const char* override_count = std::getenv("BENCH_RECORDS");
  const std::size_t count = override_count != nullptr ? std::stoul(override_count) : 100000;
  HubSpotEmulator emulator;  // 100 requests / 10 s sliding window, as HubSpot documents
  auto settings = hubspot_settings(emulator, "hubspot-bench");
  settings.rate_limit.reset();  // the module's default: 100 / 10 s
  settings.total_timeout = std::chrono::seconds(30);
  HubSpotDestination module(HubSpotOptions{settings, "contacts", "email"});
  std::vector<DeliveryRecord> records;
  records.reserve(count);
  for (std::size_t i = 1; i <= count; ++i) {
    const int customer = static_cast<int>(i);
    records.push_back(ContactModel::upsert(customer, {{"email", "c" + std::to_string(customer) + "@example.com"},
                                                      {"firstname", "First"},
                                                      {"lifetime_value", customer % 5000}}));
  }
  DeliveryEngine engine(module, settings);
  VectorFeed feed(records);
  auto summary = engine.deliver({"bench", "run-1", SyncMode::upsert, 0, {}}, feed, {});
  const double seconds = static_cast<double>(summary.elapsed.count()) / 1000.0;
  const double rate = static_cast<double>(summary.accepted) / seconds;
  const double theoretical = 100.0 / 10.0 * 100.0;
  std::cout << "hubspot: " << summary.accepted << " records in " << seconds << " s = " << rate << " records/s; "
            << "theoretical " << theoretical << " records/s (100 req / 10 s x 100); share " << 100.0 * rate / theoretical
            << "%; requests " << summary.requests << ", 429s " << summary.throttled << " ("
            << 100.0 * static_cast<double>(summary.throttled) / static_cast<double>(summary.requests) << "%)\n";
  CHECK(summary.accepted == count);
  CHECK(emulator.objects("contacts").size() == count);
}

// Salesforce documents a daily quota, not a rate: the emulator enforces the
// module's default pacing (25 requests/s) as its quota window, answering 403
// REQUEST_LIMIT_EXCEEDED above it; theoretical maximum 25 x 200 records/s.
TEST_CASE("bench: Salesforce 100k changed records at the default rate limit", "[.][bench-vendors]") {
  const char* override_count = std::getenv("BENCH_RECORDS");
  const std::size_t count = override_count != nullptr ? std::stoul(override_count) : 100000;
  SalesforceEmulator emulator;
  emulator.set_quota(25, std::chrono::seconds(1));
  DestinationSettings settings;
  settings.name = "salesforce-bench";
  settings.url = emulator.instance_url();
  settings.secret = emulator.token();
  settings.total_timeout = std::chrono::seconds(30);
  SalesforceDestination module(SalesforceOptions{settings, "Contact", "External_Id__c"});
  std::vector<DeliveryRecord> records;
  records.reserve(count);
  for (std::size_t i = 1; i <= count; ++i) {
    DeliveryRecord record;
    record.key = std::to_string(i);
    record.key_json = {{"customer_id", i}};
    record.fields = {{"External_Id__c", "C-" + std::to_string(i)}, {"LastName", "Name"}, {"Score__c", i % 100}};
    records.push_back(std::move(record));
  }
  DeliveryEngine engine(module, settings);
  VectorFeed feed(records);
  auto summary = engine.deliver({"bench", "run-1", SyncMode::upsert, 0, {}}, feed, {});
  const double seconds = static_cast<double>(summary.elapsed.count()) / 1000.0;
  const double rate = static_cast<double>(summary.accepted) / seconds;
  const double theoretical = 25.0 * 200.0;
  std::cout << "salesforce: " << summary.accepted << " records in " << seconds << " s = " << rate
            << " records/s; theoretical " << theoretical << " records/s (25 req/s x 200); share "
            << 100.0 * rate / theoretical << "%; requests " << summary.requests << ", 403 quota refusals "
            << summary.throttled << " ("
            << 100.0 * static_cast<double>(summary.throttled) / static_cast<double>(summary.requests) << "%)\n";
  CHECK(summary.accepted == count);
  CHECK(emulator.records("Contact").size() == count);
}
