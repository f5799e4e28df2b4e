#include <catch2/catch.hpp>

#include "destinations/delivery_engine.h"
#include "destinations/destination_error.h"
#include "destinations/webhook/webhook_destination.h"
#include "mappers/digest.h"
#include "mappers/exact_number.h"
#include "tests/support/http_test_server.h"

using namespace backflow::destinations;
using backflow::test::HttpTestServer;
using backflow::test::ReceivedRequest;
using backflow::test::ServerReply;
using namespace std::chrono_literals;

namespace {

DestinationSettings settings_for(const HttpTestServer& server, const std::string& name) {
  DestinationSettings settings;
  settings.name = name;
  settings.type = "webhook";
  settings.url = server.url("/receive");
  settings.secret = "s3cr3t-signing-key";
  settings.batch_size = 2;
  settings.retry.base_delay = 5ms;
  settings.max_concurrency = 1;  // requests arrive in batch order
  return settings;
}

std::vector<DeliveryRecord> sample_records() {
  DeliveryRecord upsert;
  upsert.op = Operation::Upsert;
  upsert.key = "42";
  upsert.key_json = {{"customer_id", 42}};
  upsert.fields = {{"email", "ada@example.com"},
                   {"balance", backflow::mappers::exact_number("12345678901234567890123456789.123456789")},
                   {"address", {{"city", "Zürich"}}}};
  DeliveryRecord removal;
  removal.op = Operation::Delete;
  removal.key = "43";
  removal.key_json = {{"customer_id", 43}};
  DeliveryRecord third = upsert;
  third.key = "44";
  third.key_json = {{"customer_id", 44}};
  return {upsert, removal, third};
}

}  // namespace

TEST_CASE("webhook payload: sync, run id and records with op, key and fields, HMAC-signed", "[webhook]") {
  HttpTestServer server;
  auto settings = settings_for(server, "webhook-payload");
  settings.headers = {{"X-Tenant", "acme"}};
  WebhookDestination webhook(settings);
  DeliveryEngine engine(webhook, settings);
  auto records = sample_records();
  VectorFeed feed(records);
  auto summary = engine.deliver({"contacts_to_hook", "run-2024-05-01", SyncMode::upsert, 0, {}}, feed, {});
  CHECK(summary.accepted == 3);
  auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  const auto& first = requests[0];
  CHECK(first.method == "POST");
  CHECK(first.target == "/receive");
  CHECK(first.header("content-type") == "application/json");
  CHECK(first.header("x-tenant") == "acme");
  CHECK(first.body ==
        "{\"sync\":\"contacts_to_hook\",\"run_id\":\"run-2024-05-01\",\"records\":["
        "{\"op\":\"upsert\",\"key\":{\"customer_id\":42},\"fields\":{\"address\":{\"city\":\"Zürich\"},"
        "\"balance\":12345678901234567890123456789.123456789,\"email\":\"ada@example.com\"}},"
        "{\"op\":\"delete\",\"key\":{\"customer_id\":43}}]}");
  // A receiver verifies the signature over the raw body with the shared secret.
  CHECK(first.header("x-backflow-signature") ==
        "sha256=" + backflow::mappers::hmac_sha256_hex("s3cr3t-signing-key", first.body));
  CHECK(first.header("idempotency-key") ==
        "run-2024-05-01.0." + backflow::mappers::sha256_hex(first.body).substr(0, 32));
  CHECK(requests[1].header("idempotency-key") ==
        "run-2024-05-01.1." + backflow::mappers::sha256_hex(requests[1].body).substr(0, 32));
  CHECK(first.header("x-backflow-sync") == "contacts_to_hook");
  CHECK(first.header("accept-encoding").find("gzip") != std::string::npos);
}

TEST_CASE("webhook op follows the mode, object labels the batch, events carry event_name and timestamp",
          "[webhook]") {
  HttpTestServer server;
  auto settings = settings_for(server, "webhook-modes");
  settings.batch_size = 10;
  WebhookOptions options;
  options.object = "contacts";
  options.event_name = "Signed Up";
  options.run_started_ms = 1714564800250;  // 2024-05-01T12:00:00.250Z
  WebhookDestination webhook(settings, options);
  DeliveryEngine engine(webhook, settings);
  auto records = sample_records();  // upsert 42, delete 43, upsert 44

  auto sent = [&](SyncMode mode, const std::vector<DeliveryRecord>& batch) {
    const std::size_t before = server.requests().size();
    VectorFeed feed(batch);
    auto summary = engine.deliver({"s", "run-9", mode, 0, {}}, feed, {});
    CHECK(summary.accepted == batch.size());
    auto requests = server.requests();
    REQUIRE(requests.size() == before + 1);
    return nlohmann::json::parse(requests.back().body);
  };
  for (auto [mode, op] : {std::pair{SyncMode::insert, "insert"}, std::pair{SyncMode::update, "update"},
                          std::pair{SyncMode::upsert, "upsert"}, std::pair{SyncMode::mirror, "upsert"}}) {
    INFO(to_string(mode));
    auto body = sent(mode, records);
    CHECK(body["object"] == "contacts");
    REQUIRE(body["records"].size() == 3);
    CHECK(body["records"][0]["op"] == op);
    CHECK(body["records"][1]["op"] == "delete");
    CHECK(body["records"][2]["op"] == op);
    for (const auto& record : body["records"]) {
      CHECK_FALSE(record.contains("event_name"));
      CHECK_FALSE(record.contains("timestamp"));
    }
  }
  std::vector<DeliveryRecord> events = {records[0], records[2]};
  auto body = sent(SyncMode::append, events);
  CHECK(body["object"] == "contacts");
  for (const auto& record : body["records"]) {
    CHECK(record["op"] == "event");
    CHECK(record["event_name"] == "Signed Up");
    CHECK(record["timestamp"] == "2024-05-01T12:00:00.250Z");
    CHECK(record["fields"]["email"] == "ada@example.com");
  }
  CHECK(body["records"][1]["key"] == nlohmann::json{{"customer_id", 44}});

  // Without object or event_name, neither is sent; the timestamp still is.
  WebhookDestination plain(settings, WebhookOptions{"", "", 951782400000});
  DeliveryEngine plain_engine(plain, settings);
  VectorFeed feed(events);
  plain_engine.deliver({"s", "run-9", SyncMode::append, 0, {}}, feed, {});
  auto plain_body = nlohmann::json::parse(server.requests().back().body);
  CHECK_FALSE(plain_body.contains("object"));
  CHECK_FALSE(plain_body["records"][0].contains("event_name"));
  CHECK(plain_body["records"][0]["timestamp"] == "2000-02-29T00:00:00.000Z");
}

TEST_CASE("webhook timestamps are ISO 8601 UTC with milliseconds", "[webhook]") {
  CHECK(WebhookDestination::utc_timestamp(0) == "1970-01-01T00:00:00.000Z");
  CHECK(WebhookDestination::utc_timestamp(1714564800250) == "2024-05-01T12:00:00.250Z");
  CHECK(WebhookDestination::utc_timestamp(951868799999) == "2000-02-29T23:59:59.999Z");
  CHECK(WebhookDestination::utc_timestamp(4102444800000) == "2100-01-01T00:00:00.000Z");
}

TEST_CASE("webhook idempotency keys repeat when a run resumes from its checkpointed batch", "[webhook]") {
  HttpTestServer server;
  auto settings = settings_for(server, "webhook-resume");
  settings.batch_size = 1;
  WebhookDestination webhook(settings);
  DeliveryEngine engine(webhook, settings);
  auto records = sample_records();
  VectorFeed all(records);
  engine.deliver({"s", "run-7", SyncMode::upsert, 0, {}}, all, {});
  // "Crash" after the first batch: the resumed run skips it and starts at sequence 1.
  std::vector<DeliveryRecord> rest(records.begin() + 1, records.end());
  VectorFeed resumed(rest);
  engine.deliver({"s", "run-7", SyncMode::upsert, 1, {}}, resumed, {});
  auto requests = server.requests();
  REQUIRE(requests.size() == 5);
  CHECK(requests[3].header("idempotency-key") == requests[1].header("idempotency-key"));
  CHECK(requests[3].body == requests[1].body);
  CHECK(requests[3].header("x-backflow-signature") == requests[1].header("x-backflow-signature"));
  CHECK(requests[4].header("idempotency-key") == requests[2].header("idempotency-key"));
}

TEST_CASE("webhook idempotency keys differ between installations whose run and batch ids coincide", "[webhook]") {
  // Two state directories number their runs alike: both send "run-00000001"
  // batch "0" of sync "s". Only the content tells their batches apart.
  HttpTestServer server;
  auto settings = settings_for(server, "webhook-installations");
  settings.batch_size = 1;
  WebhookDestination webhook(settings);
  DeliveryEngine engine(webhook, settings);
  auto records = sample_records();
  std::vector<DeliveryRecord> first_installation = {records[0]};
  std::vector<DeliveryRecord> second_installation = {records[2]};  // another key, same fields
  VectorFeed first_feed(first_installation), second_feed(second_installation), retried_feed(first_installation);
  const DeliveryRun run{"s", "run-00000001", SyncMode::upsert, 0, {}};
  engine.deliver(run, first_feed, {});
  engine.deliver(run, second_feed, {});
  engine.deliver(run, retried_feed, {});  // the first installation resends its batch (resumed run)
  auto requests = server.requests();
  REQUIRE(requests.size() == 3);
  for (const auto& request : requests) CHECK(request.header("x-backflow-batch") == "0");
  CHECK(requests[0].header("idempotency-key") != requests[1].header("idempotency-key"));
  CHECK(requests[2].header("idempotency-key") == requests[0].header("idempotency-key"));

  // The key is a pure function of the batch's identity and its exact body.
  BatchContext context{"s", "run-00000001", "0", SyncMode::upsert, 1};
  const std::string key = WebhookDestination::idempotency_key(context, R"({"records":[]})");
  CHECK(key.rfind("run-00000001.0.", 0) == 0);
  CHECK(key.size() == std::string("run-00000001.0.").size() + 32);
  context.attempt = 2;  // a retry of the same request
  CHECK(WebhookDestination::idempotency_key(context, R"({"records":[]})") == key);
  CHECK(WebhookDestination::idempotency_key(context, R"({"records":[1]})") != key);
  context.batch_id = "1";
  CHECK(WebhookDestination::idempotency_key(context, R"({"records":[]})") != key);
}

TEST_CASE("webhook without a secret sends no signature - without a url it is refused", "[webhook]") {
  HttpTestServer server;
  auto settings = settings_for(server, "webhook-unsigned");
  settings.secret.clear();
  WebhookDestination webhook(settings);
  DeliveryEngine engine(webhook, settings);
  auto records = sample_records();
  VectorFeed feed(records);
  engine.deliver({"s", "r", SyncMode::upsert, 0, {}}, feed, {});
  CHECK(server.requests().front().header("x-backflow-signature").empty());

  DestinationSettings no_url;
  no_url.name = "hook";
  CHECK_THROWS_AS(WebhookDestination(no_url), DestinationError);
}

TEST_CASE("webhook responses: errors array rejects or retries named records, 4xx rejects the batch", "[webhook]") {
  DestinationSettings settings;
  settings.name = "parse";
  settings.url = "http://127.0.0.1:1/";
  WebhookDestination webhook(settings);
  auto records = sample_records();
  std::vector<const DeliveryRecord*> batch = {&records[0], &records[1], &records[2]};

  HttpResponse ok;
  ok.status = 202;
  ok.body = "not json";
  auto all = webhook.parse_response(ok, batch);
  REQUIRE(all.records.size() == 3);
  for (const auto& verdict : all.records) CHECK(verdict.kind == RecordVerdictKind::Accepted);

  HttpResponse partial;
  partial.status = 200;
  partial.body = R"({"errors":[{"index":2,"message":"email taken"},{"index":0,"message":"busy","retryable":true},
                    {"index":9,"message":"out of range, ignored"}]})";
  auto verdict = webhook.parse_response(partial, batch);
  CHECK(verdict.records[0].kind == RecordVerdictKind::Retryable);
  CHECK(verdict.records[1].kind == RecordVerdictKind::Accepted);
  CHECK(verdict.records[2].kind == RecordVerdictKind::Rejected);
  CHECK(verdict.records[2].message == "email taken");

  HttpResponse bad;
  bad.status = 422;
  bad.body = R"({"message":"field email missing"})";
  auto rejected = webhook.parse_response(bad, batch);
  CHECK(rejected.rejected_as_whole);
  CHECK(rejected.message == "HTTP 422: field email missing");
}

TEST_CASE("records a receiver asks to retry are resent alone", "[webhook]") {
  std::atomic<int> calls{0};
  HttpTestServer server([&](const ReceivedRequest&) {
    if (calls++ == 0) return ServerReply::json(200, R"({"errors":[{"index":1,"message":"locked","retryable":true}]})");
    return ServerReply::json(200, "{}");
  });
  auto settings = settings_for(server, "webhook-retry-some");
  settings.batch_size = 3;
  WebhookDestination webhook(settings);
  DeliveryEngine engine(webhook, settings);
  auto records = sample_records();
  VectorFeed feed(records);
  auto summary = engine.deliver({"s", "r", SyncMode::upsert, 0, {}}, feed, {});
  CHECK(summary.accepted == 3);
  auto requests = server.requests();
  REQUIRE(requests.size() == 2);
  auto resent = nlohmann::json::parse(requests[1].body);
  CHECK(resent["records"].size() == 1);
  CHECK(resent["records"][0]["key"]["customer_id"] == 43);
  CHECK(requests[1].header("idempotency-key") == "r.0.r1." + backflow::mappers::sha256_hex(requests[1].body).substr(0, 32));
}
