#include <catch2/catch.hpp>

#include <map>
#include <random>
#include <mutex>
#include <set>
#include <thread>

#include "destinations/delivery_engine.h"
#include "destinations/destination_error.h"
#include "destinations/webhook/webhook_destination.h"
#include "tests/support/http_test_server.h"

using namespace backflow::destinations;
using backflow::test::HttpTestServer;
using backflow::test::ReceivedRequest;
using backflow::test::ServerReply;
using namespace std::chrono_literals;

namespace {

std::vector<DeliveryRecord> make_records(int count, const std::string& prefix = "k") {
  std::vector<DeliveryRecord> records;
  for (int i = 0; i < count; ++i) {
    DeliveryRecord record;
    record.op = Operation::Upsert;
    record.key = prefix + std::to_string(i);
    record.key_json = {{"id", record.key}};
    record.fields = {{"n", i}, {"email", "user" + std::to_string(i) + "@example.com"}};
    records.push_back(record);
  }
  return records;
}

// A unique account name per test, so the process-wide rate limiters and
// request logs of one test never leak into another.
std::string unique_name(const std::string& label) {
  static std::atomic<int> counter{0};
  return label + "-" + std::to_string(++counter);
}

DestinationSettings webhook_settings(const HttpTestServer& server, const std::string& label) {
  DestinationSettings settings;
  settings.name = unique_name(label);
  settings.type = "webhook";
  settings.url = server.url();
  settings.secret = "whsec_test_secret_value";
  settings.batch_size = 10;
  settings.max_concurrency = 4;
  settings.retry.base_delay = 10ms;
  settings.retry.max_delay = 100ms;
  settings.connect_timeout = 2000ms;
  settings.total_timeout = 5000ms;
  return settings;
}

// What a receiver committed: the records of every request it answered 2xx,
// per key in arrival order, minus those it named in "errors".
class Receiver {
 public:
  using Decide = std::function<ServerReply(const ReceivedRequest&, const nlohmann::json&)>;

  explicit Receiver(Decide decide = nullptr) : decide_(std::move(decide)) {}

  HttpTestServer::Handler handler() {
    return [this](const ReceivedRequest& request) {
      auto body = nlohmann::json::parse(request.body);
      ServerReply reply = decide_ ? decide_(request, body) : ServerReply::json(200, "{}");
      if (reply.action == ServerReply::Action::Respond && reply.status >= 200 && reply.status < 300) {
        std::set<std::size_t> rejected;
        auto answer = nlohmann::json::parse(reply.body, nullptr, false);
        if (answer.is_object() && answer.contains("errors")) {
          for (const auto& error : answer["errors"]) rejected.insert(error["index"].get<std::size_t>());
        }
        std::lock_guard lock(mutex_);
        for (std::size_t i = 0; i < body["records"].size(); ++i) {
          if (rejected.count(i)) continue;
          const auto& record = body["records"][i];
          committed_[record["key"]["id"].get<std::string>()].push_back(record["op"].get<std::string>());
        }
      }
      return reply;
    };
  }

  std::map<std::string, std::vector<std::string>> committed() const {
    std::lock_guard lock(mutex_);
    return committed_;
  }

 private:
  Decide decide_;
  mutable std::mutex mutex_;
  std::map<std::string, std::vector<std::string>> committed_;
};

struct Collected {
  std::vector<RecordOutcome> outcomes;
  std::vector<BatchAck> acks;
  DeliveryCallbacks callbacks() {
    return DeliveryCallbacks{[this](const RecordOutcome& o) { outcomes.push_back(o); },
                             [this](const BatchAck& a) { acks.push_back(a); }};
  }
  std::map<std::string, RecordOutcome> by_key() const {
    std::map<std::string, RecordOutcome> map;
    for (const auto& o : outcomes) map[o.key] = o;
    return map;
  }
};

DeliveryRun run_named(const std::string& sync) { return DeliveryRun{sync, "run-1", SyncMode::upsert, 0, {}}; }

void check_each_committed_once(const Receiver& receiver, const std::vector<DeliveryRecord>& records) {
  auto committed = receiver.committed();
  CHECK(committed.size() == records.size());
  for (const auto& record : records) {
    INFO("key " << record.key);
    CHECK(committed[record.key].size() == 1);
  }
}

}  // namespace

TEST_CASE("webhook delivery: every record arrives once, signed, in batches over kept-alive connections",
          "[delivery]") {
  Receiver receiver;
  HttpTestServer server(receiver.handler());
  auto settings = webhook_settings(server, "basic");
  WebhookDestination webhook(settings);
  DeliveryEngine engine(webhook, settings);
  auto records = make_records(95);
  VectorFeed feed(records);
  Collected collected;
  auto summary = engine.deliver(run_named("contacts"), feed, collected.callbacks());

  CHECK(summary.records == 95);
  CHECK(summary.accepted == 95);
  CHECK(summary.requests == 10);
  check_each_committed_once(receiver, records);
  CHECK(collected.outcomes.size() == 95);
  for (const auto& outcome : collected.outcomes) {
    CHECK(outcome.status == RecordStatus::Accepted);
    CHECK(outcome.http_status == 200);
  }
  REQUIRE_FALSE(collected.acks.empty());
  CHECK(collected.acks.back().settled_through == 95);
  std::size_t acked = 0;
  for (const auto& ack : collected.acks) acked += ack.records;
  CHECK(acked == 95);
  CHECK(server.connection_count() <= 4);  // connections were reused, not one per request
}

TEST_CASE("429 with Retry-After pauses the account and the batch is resent", "[delivery]") {
  std::atomic<int> calls{0};
  Receiver receiver([&](const ReceivedRequest&, const nlohmann::json&) {
    if (calls++ == 0) {
      ServerReply reply = ServerReply::json(429, "{\"error\":\"slow down\"}");
      reply.headers.emplace_back("Retry-After", "1");
      return reply;
    }
    return ServerReply::json(200, "{}");
  });
  HttpTestServer server(receiver.handler());
  auto settings = webhook_settings(server, "retry-after");
  settings.max_concurrency = 1;
  WebhookDestination webhook(settings);
  DeliveryEngine engine(webhook, settings);
  auto records = make_records(20);
  VectorFeed feed(records);
  Collected collected;
  auto started = std::chrono::steady_clock::now();
  auto summary = engine.deliver(run_named("s"), feed, collected.callbacks());
  CHECK(std::chrono::steady_clock::now() - started >= 950ms);
  CHECK(summary.throttled == 1);
  CHECK(summary.accepted == 20);
  check_each_committed_once(receiver, records);
  auto requests = server.requests();
  REQUIRE(requests.size() == 3);
  // The resent batch is the same batch: same idempotency key, next attempt.
  CHECK(requests[0].header("idempotency-key") == requests[1].header("idempotency-key"));
  CHECK(requests[1].header("x-backflow-attempt") == "2");
  CHECK(requests[1].received_at - requests[0].received_at >= 950ms);
}

TEST_CASE("500, 503, dropped connections and hung requests are retried until delivered", "[delivery]") {
  std::atomic<int> calls{0};
  Receiver receiver([&](const ReceivedRequest&, const nlohmann::json&) {
    switch (calls++ % 5) {
      case 0: return ServerReply::json(500, "{\"error\":\"boom\"}");
      case 1: return ServerReply::json(503, "{}");
      case 2: return ServerReply::drop();
      case 3: return calls < 10 ? ServerReply::hang() : ServerReply::json(200, "{}");
      default: return ServerReply::json(200, "{}");
    }
  });
  HttpTestServer server(receiver.handler());
  auto settings = webhook_settings(server, "flaky");
  settings.total_timeout = 300ms;
  settings.retry.max_attempts = 20;
  WebhookDestination webhook(settings);
  DeliveryEngine engine(webhook, settings);
  auto records = make_records(60);
  VectorFeed feed(records);
  Collected collected;
  auto summary = engine.deliver(run_named("s"), feed, collected.callbacks());
  CHECK(summary.accepted == 60);
  CHECK(summary.retried_requests > 0);
  check_each_committed_once(receiver, records);
  CHECK(collected.acks.back().settled_through == 60);
}

TEST_CASE("records a receiver names in \"errors\" are rejected with its message", "[delivery]") {
  Receiver receiver([](const ReceivedRequest&, const nlohmann::json& body) {
    nlohmann::json errors = nlohmann::json::array();
    for (std::size_t i = 0; i < body["records"].size(); ++i) {
      int n = body["records"][i]["fields"]["n"];
      if (n % 7 == 3) errors.push_back({{"index", i}, {"message", "email " + std::to_string(n) + " is invalid"}});
    }
    return ServerReply::json(200, nlohmann::json{{"errors", errors}}.dump());
  });
  HttpTestServer server(receiver.handler());
  auto settings = webhook_settings(server, "errors");
  WebhookDestination webhook(settings);
  DeliveryEngine engine(webhook, settings);
  auto records = make_records(50);
  VectorFeed feed(records);
  Collected collected;
  auto summary = engine.deliver(run_named("s"), feed, collected.callbacks());
  CHECK(summary.rejected == 7);
  CHECK(summary.accepted == 43);
  auto outcomes = collected.by_key();
  for (int n = 0; n < 50; ++n) {
    const auto& outcome = outcomes["k" + std::to_string(n)];
    if (n % 7 == 3) {
      CHECK(outcome.status == RecordStatus::Rejected);
      CHECK(outcome.message == "email " + std::to_string(n) + " is invalid");
    } else {
      CHECK(outcome.status == RecordStatus::Accepted);
    }
  }
}

TEST_CASE("a batch rejected as a whole is bisected until exactly the bad records are isolated",
          "[delivery]") {
  const std::set<std::string> bad = {"k3", "k17", "k18", "k64"};
  Receiver receiver([&](const ReceivedRequest&, const nlohmann::json& body) {
    for (const auto& record : body["records"]) {
      auto key = record["key"]["id"].get<std::string>();
      if (bad.count(key)) return ServerReply::json(400, "{\"error\":\"record " + key + " has a bad email\"}");
    }
    return ServerReply::json(200, "{}");
  });
  HttpTestServer server(receiver.handler());
  auto settings = webhook_settings(server, "bisect");
  settings.batch_size = 32;
  WebhookDestination webhook(settings);
  DeliveryEngine engine(webhook, settings);
  auto records = make_records(80);
  VectorFeed feed(records);
  Collected collected;
  auto summary = engine.deliver(run_named("s"), feed, collected.callbacks());
  CHECK(summary.rejected == 4);
  CHECK(summary.accepted == 76);
  CHECK(summary.bisections > 0);
  auto committed = receiver.committed();
  CHECK(committed.size() == 76);
  for (const auto& [key, ops] : committed) {
    CHECK(ops.size() == 1);
    CHECK(bad.count(key) == 0);
  }
  for (const auto& [key, outcome] : collected.by_key()) {
    if (bad.count(key)) {
      CHECK(outcome.status == RecordStatus::Rejected);
      CHECK(outcome.http_status == 400);
      CHECK(outcome.message == "HTTP 400: record " + key + " has a bad email");
    }
  }
}

TEST_CASE("401 stops the delivery at once with an error naming the destination", "[delivery]") {
  HttpTestServer server([](const ReceivedRequest& request) {
    if (request.header("authorization") != "Bearer right-token") {
      return ServerReply::json(401, "{\"error\":\"invalid token\"}");
    }
    return ServerReply::json(200, "{}");
  });
  auto settings = webhook_settings(server, "auth");
  settings.headers = {{"Authorization", "Bearer wrong-token"}};
  WebhookDestination webhook(settings);
  DeliveryEngine engine(webhook, settings);
  auto records = make_records(1000);
  VectorFeed feed(records);
  Collected collected;
  try {
    engine.deliver(run_named("s"), feed, collected.callbacks());
    FAIL("expected DestinationAuthError");
  } catch (const DestinationAuthError& e) {
    CHECK(e.http_status() == 401);
    std::string message = e.what();
    CHECK(message.find("destination '" + settings.name + "'") != std::string::npos);
    CHECK(message.find("HTTP 401") != std::string::npos);
    CHECK(message.find("wrong-token") == std::string::npos);
  }
  CHECK(server.request_count() <= settings.max_concurrency);
  CHECK(collected.outcomes.empty());

  settings.headers = {{"Authorization", "Bearer right-token"}};
  WebhookDestination authorised(settings);
  DeliveryEngine good(authorised, settings);
  VectorFeed again(records);
  CHECK(good.deliver(run_named("s"), again, {}).accepted == 1000);
}

TEST_CASE("transient failures that never end exhaust the retry budget per batch", "[delivery]") {
  HttpTestServer server([](const ReceivedRequest&) { return ServerReply::json(503, "{\"error\":\"down\"}"); });
  auto settings = webhook_settings(server, "exhausted");
  settings.retry.max_attempts = 3;
  WebhookDestination webhook(settings);
  DeliveryEngine engine(webhook, settings);
  auto records = make_records(25);
  VectorFeed feed(records);
  Collected collected;
  auto summary = engine.deliver(run_named("s"), feed, collected.callbacks());
  CHECK(summary.retries_exhausted == 25);
  CHECK(server.request_count() == 3 * 3);  // 3 batches, 3 attempts each
  for (const auto& outcome : collected.outcomes) {
    CHECK(outcome.status == RecordStatus::RetriesExhausted);
    CHECK(outcome.http_status == 503);
    CHECK(outcome.attempts == 3);
    CHECK(outcome.message == "gave up after 3 attempts; last: HTTP 503: {\"error\":\"down\"}");
  }
  CHECK(collected.acks.back().settled_through == 25);
}

TEST_CASE("operations on one key reach the receiver in feed order despite failures and concurrency",
          "[delivery]") {
  std::atomic<int> calls{0};
  Receiver receiver([&](const ReceivedRequest&, const nlohmann::json&) {
    int n = calls++;
    if (n % 3 == 0) return ServerReply::json(500, "{}");
    if (n % 5 == 0) {
      ServerReply slow = ServerReply::json(200, "{}");
      slow.delay = 30ms;
      return slow;
    }
    return ServerReply::json(200, "{}");
  });
  HttpTestServer server(receiver.handler());
  auto settings = webhook_settings(server, "order");
  settings.batch_size = 5;
  settings.retry.max_attempts = 50;
  WebhookDestination webhook(settings);
  DeliveryEngine engine(webhook, settings);
  // 20 keys, each upserted, deleted, upserted again: 60 changes, interleaved.
  std::vector<DeliveryRecord> records;
  for (int round = 0; round < 3; ++round) {
    for (auto record : make_records(20)) {
      record.op = round == 1 ? Operation::Delete : Operation::Upsert;
      records.push_back(record);
    }
  }
  VectorFeed feed(records);
  auto summary = engine.deliver(run_named("s"), feed, {});
  CHECK(summary.accepted == 60);
  auto committed = receiver.committed();
  CHECK(committed.size() == 20);
  for (const auto& [key, ops] : committed) {
    CHECK(ops == std::vector<std::string>{"upsert", "delete", "upsert"});
  }
}

TEST_CASE("the request log keeps the last exchanges with credentials redacted", "[delivery]") {
  HttpTestServer server([](const ReceivedRequest&) {
    ServerReply reply = ServerReply::json(200, "{\"echo\":\"token sk_live_abcdef123456\"}");
    reply.headers.emplace_back("Set-Cookie", "session=abc123456");
    return reply;
  });
  auto settings = webhook_settings(server, "log");
  settings.url = server.url("/hook?api_key=sk_query_987654&page=1");
  settings.headers = {{"Authorization", "Bearer sk_live_abcdef123456"}, {"X-Api-Key", "apikey-42424242"},
                      {"X-Team", "growth"}};
  settings.request_log_size = 3;
  WebhookDestination webhook(settings);
  DeliveryEngine engine(webhook, settings);
  auto records = make_records(50);
  records[0].fields["note"] = "whsec_test_secret_value";  // a secret echoed into the data
  VectorFeed feed(records);
  engine.deliver(run_named("s"), feed, {});
  auto entries = engine.request_log()->entries();
  REQUIRE(entries.size() == 3);
  for (const auto& entry : entries) {
    std::string all = entry.url + entry.request_body + entry.response_body;
    std::map<std::string, std::string> headers;
    for (const auto& [name, value] : entry.request_headers) {
      headers[name] = value;
      all += name + value;
    }
    for (const auto& [name, value] : entry.response_headers) all += name + value;
    for (const char* secret : {"sk_live_abcdef123456", "apikey-42424242", "sk_query_987654",
                               "whsec_test_secret_value", "abc123456"}) {
      CHECK(all.find(secret) == std::string::npos);
    }
    CHECK(headers["Authorization"] == "[REDACTED]");
    CHECK(headers["X-Backflow-Signature"] == "[REDACTED]");
    CHECK(headers["X-Team"] == "growth");
    CHECK(entry.url == server.url("/hook?api_key=[REDACTED]&page=1"));
    CHECK(entry.status == 200);
    CHECK(entry.sync == "s");
  }
  CHECK(RequestLogRegistry::global().find(settings.name) == engine.request_log());
  CHECK(RequestLogRegistry::global().find("never-used-destination") == nullptr);
  // The log is about the destination, the server got the real credentials.
  CHECK(server.requests().front().header("authorization") == "Bearer sk_live_abcdef123456");
}

TEST_CASE("a record larger than the byte budget is rejected without a request", "[delivery]") {
  Receiver receiver;
  HttpTestServer server(receiver.handler());
  auto settings = webhook_settings(server, "bytes");
  settings.max_bytes = 2000;
  WebhookDestination webhook(settings);
  DeliveryEngine engine(webhook, settings);
  auto records = make_records(30);
  records[5].fields["blob"] = std::string(5000, 'x');
  VectorFeed feed(records);
  Collected collected;
  auto summary = engine.deliver(run_named("s"), feed, collected.callbacks());
  CHECK(summary.rejected == 1);
  CHECK(summary.accepted == 29);
  CHECK(collected.by_key()["k5"].message.find("accepts at most 2000 bytes") != std::string::npos);
  for (const auto& request : server.requests()) CHECK(request.body.size() <= 2000 + 100);
}

TEST_CASE("a stop request cancels the delivery", "[delivery]") {
  HttpTestServer server([](const ReceivedRequest&) {
    ServerReply reply = ServerReply::json(200, "{}");
    reply.delay = 50ms;
    return reply;
  });
  auto settings = webhook_settings(server, "cancel");
  settings.max_concurrency = 1;
  WebhookDestination webhook(settings);
  DeliveryEngine engine(webhook, settings);
  auto records = make_records(1000);
  VectorFeed feed(records);
  std::stop_source stop;
  DeliveryRun run = run_named("s");
  run.stop = stop.get_token();
  std::thread canceller([&] {
    std::this_thread::sleep_for(200ms);
    stop.request_stop();
  });
  auto summary = engine.deliver(run, feed, {});
  canceller.join();
  CHECK(summary.cancelled);
  CHECK(summary.accepted < 1000);
}

TEST_CASE("gzip-encoded responses are decoded before the module reads them", "[delivery]") {
  static const char kGzipped[] =
      "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\xab\x56\x4a\x2d\x2a\xca\x2f\x2a\x56\xb2\x8a\xae\x56\xca\xcc"
      "\x4b\x49\xad\x50\xb2\x32\xd4\x51\xca\x4d\x2d\x2e\x4e\x4c\x4f\x55\xb2\x52\x4a\xaf\xca\x2c\x28\x48\x4d"
      "\x51\x28\x4a\xcd\x4a\x4d\x2e\xc9\xcc\xcf\x53\xaa\x8d\xad\x05\x00\x6e\xd3\x3a\x0a\x36\x00\x00\x00";
  HttpTestServer server([](const ReceivedRequest&) {
    ServerReply reply = ServerReply::json(200, std::string(kGzipped, sizeof kGzipped - 1));
    reply.headers.emplace_back("Content-Encoding", "gzip");
    return reply;
  });
  auto settings = webhook_settings(server, "gzip");
  settings.batch_size = 2;
  settings.max_concurrency = 1;
  WebhookDestination webhook(settings);
  DeliveryEngine engine(webhook, settings);
  auto records = make_records(2);
  VectorFeed feed(records);
  Collected collected;
  engine.deliver(run_named("s"), feed, collected.callbacks());
  auto outcomes = collected.by_key();
  CHECK(outcomes["k0"].status == RecordStatus::Accepted);
  CHECK(outcomes["k1"].status == RecordStatus::Rejected);
  CHECK(outcomes["k1"].message == "gzipped rejection");
}

TEST_CASE("requests in flight never exceed max_concurrency", "[delivery]") {
  std::atomic<int> current{0}, highest{0};
  HttpTestServer server([&](const ReceivedRequest&) {
    int now = ++current;
    int seen = highest.load();
    while (now > seen && !highest.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(20ms);
    --current;
    return ServerReply::json(200, "{}");
  });
  auto settings = webhook_settings(server, "concurrency");
  settings.batch_size = 1;
  settings.max_concurrency = 3;
  WebhookDestination webhook(settings);
  DeliveryEngine engine(webhook, settings);
  auto records = make_records(30);
  VectorFeed feed(records);
  CHECK(engine.deliver(run_named("s"), feed, {}).accepted == 30);
  CHECK(highest.load() == 3);
}

TEST_CASE("403 stops delivery too - an unusable URL fails without retrying", "[delivery]") {
  HttpTestServer server([](const ReceivedRequest&) { return ServerReply::json(403, "{\"error\":\"forbidden\"}"); });
  auto settings = webhook_settings(server, "forbidden");
  WebhookDestination webhook(settings);
  DeliveryEngine engine(webhook, settings);
  auto records = make_records(200);
  VectorFeed feed(records);
  CHECK_THROWS_AS(engine.deliver(run_named("s"), feed, {}), DestinationAuthError);
  CHECK(server.request_count() <= settings.max_concurrency);

  auto broken = webhook_settings(server, "bad-url");
  broken.url = "gopherx://127.0.0.1/hook";
  WebhookDestination bad(broken);
  DeliveryEngine bad_engine(bad, broken);
  VectorFeed again(records);
  try {
    bad_engine.deliver(run_named("s"), again, {});
    FAIL("expected DestinationError");
  } catch (const DestinationError& e) {
    CHECK(std::string(e.what()).find("cannot succeed on retry") != std::string::npos);
  }
}

TEST_CASE("bisection isolates random sets of bad records exactly", "[delivery]") {
  std::mt19937 random(42);
  for (int round = 0; round < 5; ++round) {
    std::set<std::string> bad;
    std::uniform_int_distribution<int> pick(0, 199);
    const int bad_count = round * 3;
    while (static_cast<int>(bad.size()) < bad_count) bad.insert("k" + std::to_string(pick(random)));
    Receiver receiver([&](const ReceivedRequest&, const nlohmann::json& body) {
      for (const auto& record : body["records"]) {
        if (bad.count(record["key"]["id"].get<std::string>())) return ServerReply::json(422, "{\"error\":\"bad\"}");
      }
      return ServerReply::json(200, "{}");
    });
    HttpTestServer server(receiver.handler());
    auto settings = webhook_settings(server, "bisect-random");
    settings.batch_size = 50;
    WebhookDestination webhook(settings);
    DeliveryEngine engine(webhook, settings);
    auto records = make_records(200);
    VectorFeed feed(records);
    Collected collected;
    auto summary = engine.deliver(run_named("s"), feed, collected.callbacks());
    INFO("round " << round);
    CHECK(summary.rejected == bad.size());
    CHECK(summary.accepted == 200 - bad.size());
    for (const auto& [key, outcome] : collected.by_key()) {
      CHECK((outcome.status == RecordStatus::Rejected) == (bad.count(key) == 1));
    }
    auto committed = receiver.committed();
    CHECK(committed.size() == 200 - bad.size());
  }
}

TEST_CASE("a Retry-After beyond max_server_wait defers the rest of the run instead of stalling it",
          "[delivery]") {
  HttpTestServer server([](const ReceivedRequest&) {
    ServerReply reply = ServerReply::json(429, "{\"error\":\"daily quota exhausted\"}");
    reply.headers.emplace_back("Retry-After", "3600");
    return reply;
  });
  auto settings = webhook_settings(server, "quota");
  settings.retry.max_server_wait = 60000ms;
  WebhookDestination webhook(settings);
  DeliveryEngine engine(webhook, settings);
  auto records = make_records(500);
  VectorFeed feed(records);
  Collected collected;
  auto started = std::chrono::steady_clock::now();
  auto summary = engine.deliver(run_named("s"), feed, collected.callbacks());
  CHECK(std::chrono::steady_clock::now() - started < 3s);
  CHECK(summary.retries_exhausted == 500);
  CHECK(server.request_count() <= settings.max_concurrency);
  CHECK(collected.outcomes.size() == 500);
  CHECK(collected.outcomes.back().message.find("asked to wait 3600 s") != std::string::npos);
  CHECK(collected.acks.back().settled_through == 500);
}
