#include <catch2/catch.hpp>

#include <curl/curl.h>

#include <atomic>
#include <fstream>
#include <thread>
#include <vector>

#include "mappers/digest.h"
#include "service/webhook_receiver.h"
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
