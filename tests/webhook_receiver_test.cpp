#include <catch2/catch.hpp>

#include <curl/curl.h>

#include <atomic>
#include <fstream>
#include <iterator>
#include <map>
#include <thread>
#include <vector>

#include "mappers/digest.h"
#include "mappers/exact_number.h"
#include "mappers/json_writer.h"
#include "service/webhook_receiver.h"
#include "tests/runner_support.h"
#include "tests/support/test_env.h"

using backflow::WebhookReceiver;
using nlohmann::json;

namespace {

json batch(std::initializer_list<json> records) { return {{"sync", "s"}, {"run_id", "run-1"}, {"records", records}}; }

std::string signed_header(const std::string& secret, const std::string& body) {
  return "sha256=" + backflow::mappers::hmac_sha256_hex(secret, body);
}

}  // namespace

TEST_CASE("HMAC-SHA256 matches the RFC 4231 test vector", "[receiver]") {
  // RFC 4231 test case 2.
  CHECK(backflow::mappers::hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("the receiver applies upserts and deletes once per idempotency key", "[receiver]") {
  WebhookReceiver::Options options;
  options.secret = "s3cret";
  auto dir = backflow::test::make_temp_dir("receiver");
  options.store_file = dir / "records.json";
  options.listen = "127.0.0.1:" + std::to_string(backflow::test::free_tcp_port());
  WebhookReceiver receiver(options);

  std::string body = batch({{{"op", "upsert"}, {"key", {{"id", 1}}}, {"fields", {{"email", "a@x.io"}, {"plan", "pro"}}}},
                            {{"op", "upsert"}, {"key", {{"id", 2}}}, {"fields", {{"email", "b@x.io"}}}}})
                         .dump();
  CHECK(receiver.handle(body, "sha256=deadbeef", "b1").first == 401);
  CHECK(receiver.records().empty());

  CHECK(receiver.handle(body, signed_header("s3cret", body), "b1").first == 200);
  CHECK(receiver.handle(body, signed_header("s3cret", body), "b1").second["duplicate"] == true);
  CHECK(receiver.stats().upserts == 2);

  std::string change = batch({{{"op", "upsert"}, {"key", {{"id", 1}}}, {"fields", {{"plan", "enterprise"}}}},
                              {{"op", "delete"}, {"key", {{"id", 2}}}},
                              {{"op", "upsert"}}})
                           .dump();
  auto [status, reply] = receiver.handle(change, signed_header("s3cret", change), "b2");
  CHECK(status == 200);
  REQUIRE(reply["errors"].size() == 1);
  CHECK(reply["errors"][0]["index"] == 2);

  auto records = receiver.records();
  REQUIRE(records.size() == 1);
  CHECK(records.at(json({{"id", 1}}).dump()) == json({{"email", "a@x.io"}, {"plan", "enterprise"}}));
  CHECK(json::parse(std::ifstream(*options.store_file)).size() == 1);

  std::string garbage = "not json";
  CHECK(receiver.handle(garbage, signed_header("s3cret", garbage), "b3").first == 400);
}

TEST_CASE("the receiver rejects upserts that lack a required field, per record", "[receiver]") {
  WebhookReceiver::Options options;
  options.listen = "127.0.0.1:" + std::to_string(backflow::test::free_tcp_port());
  options.required_fields = {"email", "company.domain"};
  WebhookReceiver receiver(options);
  const std::string body =
      batch({{{"op", "upsert"}, {"key", {{"id", 1}}}, {"fields", {{"email", "a@x.io"}, {"company", {{"domain", "x.io"}}}}}},
             {{"op", "upsert"}, {"key", {{"id", 2}}}, {"fields", {{"email", ""}, {"company", {{"domain", "x.io"}}}}}},
             {{"op", "upsert"}, {"key", {{"id", 3}}}, {"fields", {{"email", "c@x.io"}, {"company", {{"domain", nullptr}}}}}},
             {{"op", "delete"}, {"key", {{"id", 4}}}}})
          .dump();
  auto [status, reply] = receiver.handle(body, "", "batch-1");
  CHECK(status == 200);
  REQUIRE(reply["errors"].size() == 2);
  CHECK(reply["errors"][0] == json({{"index", 1}, {"message", "field 'email' is required"}}));
  CHECK(reply["errors"][1] == json({{"index", 2}, {"message", "field 'company.domain' is required"}}));
  auto held = receiver.records();
  CHECK(held.size() == 1);
  CHECK(held.count(R"({"id":1})") == 1);
}

TEST_CASE("the receiver applies a SYNC:FIELD requirement only to that sync's batches", "[receiver]") {
  WebhookReceiver::Options options;
  options.listen = "127.0.0.1:" + std::to_string(backflow::test::free_tcp_port());
  options.required_fields = {"customers:last_name"};
  WebhookReceiver receiver(options);
  const json nameless = {{"op", "upsert"}, {"key", {{"id", 1}}}, {"fields", {{"name", "Acme"}}}};
  json accounts = batch({nameless});
  accounts["sync"] = "accounts";
  CHECK_FALSE(receiver.handle(accounts.dump(), "", "a-1").second.contains("errors"));
  json customers = batch({nameless});
  customers["sync"] = "customers";
  auto [status, reply] = receiver.handle(customers.dump(), "", "c-1");
  CHECK(status == 200);
  REQUIRE(reply["errors"].size() == 1);
  CHECK(reply["errors"][0]["message"] == "field 'last_name' is required");
}

TEST_CASE("the receiver holds every write op of the payload, the older all-upsert one too, and refuses others",
          "[receiver]") {
  WebhookReceiver::Options options;
  options.listen = "127.0.0.1:" + std::to_string(backflow::test::free_tcp_port());
  options.required_fields = {"email"};
  WebhookReceiver receiver(options);
  json events = batch({{{"op", "insert"}, {"key", {{"id", 1}}}, {"fields", {{"email", "a@x.io"}}}},
                       {{"op", "update"}, {"key", {{"id", 2}}}, {"fields", {{"email", "b@x.io"}}}},
                       {{"op", "upsert"}, {"key", {{"id", 3}}}, {"fields", {{"email", "c@x.io"}}}},
                       {{"op", "event"}, {"key", {{"id", 4}}}, {"event_name", "signed_up"},
                        {"timestamp", "2024-05-01T12:00:00.250Z"}, {"fields", {{"email", "d@x.io"}}}},
                       {{"op", "event"}, {"key", {{"id", 5}}}, {"timestamp", "2024-05-01T12:00:00.250Z"}, {"fields", json::object()}},
                       {{"op", "merge"}, {"key", {{"id", 6}}}, {"fields", {{"email", "f@x.io"}}}},
                       {{"op", 7}, {"key", {{"id", 7}}}, {"fields", {{"email", "g@x.io"}}}}});
  events["object"] = "contacts";
  const std::string body = events.dump();
  auto [status, reply] = receiver.handle(body, "", "batch-1");
  CHECK(status == 200);
  CHECK(reply["errors"] ==
        json::array({json({{"index", 4}, {"message", "field 'email' is required"}}),
                     json({{"index", 5}, {"message", "op 'merge' is not one of insert, update, upsert, event, delete"}}),
                     json({{"index", 6}, {"message", "op '7' is not one of insert, update, upsert, event, delete"}})}));
  auto held = receiver.records();
  CHECK(held.size() == 4);
  CHECK(held.at(R"({"id":4})") == json({{"email", "d@x.io"}}));
  for (int id : {1, 2, 3}) CHECK(held.count(json({{"id", id}}).dump()) == 1);

  const std::string removal = batch({{{"op", "delete"}, {"key", {{"id", 1}}}}}).dump();
  CHECK(receiver.handle(removal, "", "batch-2").second == json::object());
  CHECK(receiver.records().size() == 3);
}

TEST_CASE("the receiver answers over HTTP on loopback", "[receiver]") {
  WebhookReceiver::Options options;
  options.listen = "127.0.0.1:" + std::to_string(backflow::test::free_tcp_port());
  WebhookReceiver receiver(options);
  std::string body = batch({{{"op", "upsert"}, {"key", {{"id", 9}}}, {"fields", {{"name", "Zoë 🚀"}}}}}).dump();

  CURL* curl = curl_easy_init();
  REQUIRE(curl);
  std::string url = "http://" + options.listen + "/hook";
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  std::string response;
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, +[](char* data, size_t size, size_t n, void* sink) {
    static_cast<std::string*>(sink)->append(data, size * n);
    return size * n;
  });
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  CHECK(curl_easy_perform(curl) == CURLE_OK);
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  CHECK(code == 200);
  CHECK(response == "{}");
  auto records = receiver.records();
  REQUIRE(records.size() == 1);
  CHECK(records.begin()->second["name"] == "Zoë 🚀");
}

TEST_CASE("the receiver keeps answering 48 concurrent keep-alive clients", "[receiver]") {
  WebhookReceiver::Options options;
  options.listen = "127.0.0.1:" + std::to_string(backflow::test::free_tcp_port());
  WebhookReceiver receiver(options);
  constexpr int kClients = 48, kRequestsEach = 10;
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      CURL* curl = curl_easy_init();
      std::string url = "http://" + options.listen + "/hook";
      std::string response;
      curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
      curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
      curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
      curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, +[](char*, size_t size, size_t n, void*) { return size * n; });
      for (int r = 0; r < kRequestsEach; ++r) {
        std::string body =
            batch({{{"op", "upsert"}, {"key", {{"id", c * 1000 + r}}}, {"fields", {{"n", r}}}}}).dump();
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
        long code = 0;
        if (curl_easy_perform(curl) == CURLE_OK &&
            curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code) == CURLE_OK && code == 200) {
          ++ok;
        }
      }
      curl_easy_cleanup(curl);
    });
  }
  for (auto& t : clients) t.join();
  CHECK(ok == kClients * kRequestsEach);
  CHECK(receiver.records().size() == static_cast<size_t>(kClients * kRequestsEach));
}

TEST_CASE("the receiver holds and stores numbers exactly as they were sent", "[receiver]") {
  WebhookReceiver::Options options;
  auto dir = backflow::test::make_temp_dir("receiver-exact");
  options.store_file = dir / "records.json";
  options.listen = "127.0.0.1:" + std::to_string(backflow::test::free_tcp_port());
  WebhookReceiver receiver(options);

  // What backflow's webhook sends for a NUMERIC(38,10) and a NUMERIC(30,0)
  // (beyond 2^64): nlohmann would round both to doubles.
  const std::string body =
      R"({"sync":"s","run_id":"run-1","records":[)"
      R"({"op":"upsert","key":{"id":1},"fields":{"balance":1234567890123456789012345679.1234567890,)"
      R"("big":123456789012345678901234567890,"count":42,"ratio":0.10,"negative":-18446744073709551617}},)"
      R"({"op":"upsert","key":{"account":98765432109876543210987.5},"fields":{"name":"Zoë"}}]})";
  auto [status, reply] = receiver.handle(body, "", "exact-1");
  CHECK(status == 200);
  CHECK(reply == json::object());

  auto records = receiver.records();
  REQUIRE(records.size() == 2);
  const json& held = records.at(R"({"id":1})");
  CHECK(backflow::mappers::exact_number_text(held["balance"]) == "1234567890123456789012345679.1234567890");
  CHECK(backflow::mappers::exact_number_text(held["big"]) == "123456789012345678901234567890");
  CHECK(backflow::mappers::exact_number_text(held["ratio"]) == "0.10");
  CHECK(backflow::mappers::exact_number_text(held["negative"]) == "-18446744073709551617");
  CHECK(held["count"] == 42);  // a 64-bit integer stays a JSON integer
  CHECK(records.count(R"({"account":98765432109876543210987.5})") == 1);

  std::ifstream in(*options.store_file);
  const std::string stored((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(stored ==
        "{\n"
        "  \"{\\\"account\\\":98765432109876543210987.5}\": {\n"
        "    \"name\": \"Zoë\"\n"
        "  },\n"
        "  \"{\\\"id\\\":1}\": {\n"
        "    \"balance\": 1234567890123456789012345679.1234567890,\n"
        "    \"big\": 123456789012345678901234567890,\n"
        "    \"count\": 42,\n"
        "    \"negative\": -18446744073709551617,\n"
        "    \"ratio\": 0.10\n"
        "  }\n"
        "}\n");

  // A later upsert of other fields merges and keeps the exact ones; a delete
  // by a decimal key finds the record.
  const std::string change =
      R"({"sync":"s","run_id":"run-1","records":[{"op":"upsert","key":{"id":1},"fields":{"count":43,"tags":[],"meta":{}}},)"
      R"({"op":"delete","key":{"account":98765432109876543210987.5}}]})";
  CHECK(receiver.handle(change, "", "exact-2").first == 200);
  records = receiver.records();
  REQUIRE(records.size() == 1);
  CHECK(backflow::mappers::to_json_text(records.at(R"({"id":1})")) ==
        R"({"balance":1234567890123456789012345679.1234567890,"big":123456789012345678901234567890,"count":43,)"
        R"("meta":{},"negative":-18446744073709551617,"ratio":0.10,"tags":[]})");
}

TEST_CASE("the receiver's store file keeps nlohmann's indented layout for ordinary values", "[receiver]") {
  // scripts/demo.sh greps the store file line by line.
  WebhookReceiver::Options options;
  options.store_file = backflow::test::make_temp_dir("receiver-layout") / "records.json";
  options.listen = "127.0.0.1:" + std::to_string(backflow::test::free_tcp_port());
  WebhookReceiver receiver(options);
  const json fields = {{"email", "a@x.io"},
                       {"quote", "say \"hi\"\n"},
                       {"active", true},
                       {"none", nullptr},
                       {"n", -7},
                       {"list", {1, "two", json::object()}},
                       {"company", {{"name", "Ünïcode"}}}};
  const std::string body = batch({{{"op", "upsert"}, {"key", {{"customer_id", 1}}}, {"fields", fields}}}).dump();
  REQUIRE(receiver.handle(body, "", "layout-1").first == 200);
  std::ifstream in(*options.store_file);
  const std::string stored((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(stored == json({{json({{"customer_id", 1}}).dump(), fields}}).dump(2) + "\n");
}

TEST_CASE("batches of two state directories posting to one receiver both land", "[receiver][runner]") {
  // Each state directory numbers its runs from the same start, so both
  // installations send sync people_sync, the same run id and batch "0";
  // only their contents differ.
  WebhookReceiver::Options options;
  options.listen = "127.0.0.1:" + std::to_string(backflow::test::free_tcp_port());
  WebhookReceiver receiver(options);
  const std::string url = "http://" + options.listen + "/hook";
  auto dir = backflow::test::make_temp_dir("receiver-two-installations");

  const std::string first_db = backflow::test::sqlite_connection_string(dir / "first.db");
  const std::string second_db = backflow::test::sqlite_connection_string(dir / "second.db");
  backflow::test::PeopleModel first_model(backflow::odbc::Connection::open(first_db, "first"), 25);
  backflow::test::PeopleModel second_model(backflow::odbc::Connection::open(second_db, "second"), 25);
  second_model.execute("update people set id = id + 1000, name = 'other ' || name");

  backflow::test::SyncSettings first_settings, second_settings;
  first_settings.destination = "first_hook";
  second_settings.destination = "second_hook";
  backflow::test::RunnerHarness first("receiver-first-installation", first_db, "sqlite", url, first_settings);
  backflow::test::RunnerHarness second("receiver-second-installation", second_db, "sqlite", url, second_settings);
  REQUIRE(first.state_dir() != second.state_dir());

  auto first_report = first.run();
  auto second_report = second.run();
  INFO(first_report.record.error << " / " << second_report.record.error);
  REQUIRE(first_report.record.phase == backflow::state::RunPhase::Succeeded);
  REQUIRE(second_report.record.phase == backflow::state::RunPhase::Succeeded);
  REQUIRE(first_report.record.id == second_report.record.id);  // the premise: run ids coincide
  CHECK(second_report.record.counts.accepted == 25);

  std::map<std::string, json> expected = first_model.expected();
  for (auto& [key, fields] : second_model.expected()) expected.emplace(key, fields);
  CHECK(receiver.records() == expected);
  CHECK(receiver.stats().duplicate_batches == 0);
  CHECK(receiver.stats().batches == 6);  // 3 batches of at most 10 records each
}
