// Delivery benchmark (issue 4): maps and delivers records to a local HTTP sink
// on loopback through the real engine, libcurl and the webhook module.
//   (a) no rate limit, batches of 1,000: records/s and CPU per 1k records
//   (b) a sink enforcing 100 requests / 10 s (sliding window, 429 beyond it),
//       batches of 100, for a fixed window: share of the allowed budget used
//       and share of 429 answers.
// Usage: bench_delivery [--records N] [--window-seconds S] [--only a|b]
#include <sys/resource.h>
#include <time.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>

#include "destinations/delivery_engine.h"
#include "destinations/webhook/webhook_destination.h"
#include "mappers/compiled_mapping.h"
// The loopback sink is the test suite's server; the bench CMake builds one
// executable per source file, so it is compiled into this one.
#include "tests/support/http_test_server.h"

using namespace backflow;
using namespace backflow::destinations;
using namespace std::chrono_literals;

namespace {

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

double process_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

std::vector<ColumnInfo> model_columns() {
  std::vector<ColumnInfo> columns;
  for (auto [name, type] : std::initializer_list<std::pair<const char*, ValueType>>{
           {"customer_id", ValueType::Int}, {"email", ValueType::Text}, {"first_name", ValueType::Text},
           {"last_name", ValueType::Text}, {"balance", ValueType::Decimal}, {"signed_up", ValueType::TimestampTz}}) {
    ColumnInfo column;
    column.name = name;
    column.type = type;
    columns.push_back(column);
  }
  return columns;
}

mappers::MappingSpec model_mapping() {
  using mappers::ExpressionKind;
  mappers::MappingSpec spec;
  auto column = [&](const char* field, const char* name, std::vector<mappers::TransformSpec> transforms = {}) {
    mappers::FieldMappingSpec f;
    f.field = field;
    f.kind = ExpressionKind::Column;
    f.column = name;
    f.transforms = std::move(transforms);
    spec.push_back(f);
  };
  column("email", "email", {{"trim", ""}, {"lower", ""}});
  column("firstname", "first_name");
  column("balance", "balance");
  column("dates.signed_up", "signed_up");
  mappers::FieldMappingSpec full;
  full.field = "full_name";
  full.kind = ExpressionKind::Template;
  full.template_text = "{{ first_name }} {{ last_name }}";
  spec.push_back(full);
  mappers::FieldMappingSpec stage;
  stage.field = "lifecyclestage";
  stage.kind = ExpressionKind::Constant;
  stage.constant = "customer";
  spec.push_back(stage);
  return spec;
}

// Synthesises model rows and maps them as the runner would: one record per row.
class MappedRowFeed : public RecordFeed {
 public:
  MappedRowFeed(std::uint64_t count, const mappers::CompiledMapping& mapping) : count_(count), mapping_(mapping) {
    row_.resize(6);
  }

  bool next(DeliveryRecord& record) override {
    if (produced_ == count_) return false;
    std::uint64_t id = produced_++;
    row_[0] = Value::integer(static_cast<std::int64_t>(id));
    row_[1] = Value::text("  User" + std::to_string(id) + "@Example.com ");
    row_[2] = Value::text("Ada");
    row_[3] = Value::text("Lovelace");
    row_[4] = Value::decimal("1234567890123456789." + std::to_string(id % 100));
    row_[5] = Value::timestamp_tz(Timestamp{Date{2024, 5, 1}, TimeOfDay{12, 0, 0, 0}});
    auto mapped = mapping_.apply(row_);
    record.op = Operation::Upsert;
    record.key = std::to_string(id);
    record.key_json = nlohmann::json::object({{"customer_id", id}});
    record.fields = std::move(mapped.fields);
    return true;
  }

 private:
  std::uint64_t count_;
  std::uint64_t produced_ = 0;
  const mappers::CompiledMapping& mapping_;
  Row row_;
};

std::size_t count_records(const std::string& body) {
  std::size_t count = 0;
  for (std::size_t at = body.find("{\"op\":"); at != std::string::npos; at = body.find("{\"op\":", at + 6)) ++count;
  return count;
}

void throughput(std::uint64_t records) {
  std::atomic<std::uint64_t> received{0};
  test::HttpTestServer sink(
      [&](const test::ReceivedRequest& request) {
        received += count_records(request.body);
        return test::ServerReply::json(200, "{}");
      },
      false);
  DestinationSettings settings;
  settings.name = "bench-throughput";
  settings.url = sink.url();
  settings.secret = "bench-secret";
  settings.batch_size = 1000;
  settings.max_concurrency = 4;
  WebhookDestination webhook(settings);
  DeliveryEngine engine(webhook, settings);
  auto columns = model_columns();
  auto mapping = mappers::CompiledMapping::compile(model_mapping(), columns);
  MappedRowFeed feed(records, mapping);

  const double process_cpu_before = process_cpu_seconds();
  const double thread_cpu_before = thread_cpu_seconds();
  auto started = std::chrono::steady_clock::now();
  auto summary = engine.deliver({"bench", "bench-run", SyncMode::upsert, 0, {}}, feed, {});
  std::chrono::duration<double> wall = std::chrono::steady_clock::now() - started;
  const double thread_cpu = thread_cpu_seconds() - thread_cpu_before;
  const double process_cpu = process_cpu_seconds() - process_cpu_before;

  std::printf("(a) throughput, no rate limit, batches of 1000, concurrency 4\n");
  std::printf("    records delivered     %llu (sink counted %llu), requests %llu\n",
              static_cast<unsigned long long>(summary.accepted), static_cast<unsigned long long>(received.load()),
              static_cast<unsigned long long>(summary.requests));
  std::printf("    wall                  %.2f s\n", wall.count());
  std::printf("    records/s             %.0f\n", static_cast<double>(summary.accepted) / wall.count());
  std::printf("    CPU per 1k records    %.2f ms (delivering thread: map + serialise + sign + HTTP)\n",
              thread_cpu * 1e6 / static_cast<double>(summary.accepted));
  std::printf("    CPU per 1k records    %.2f ms (whole process, including the sink)\n",
              process_cpu * 1e6 / static_cast<double>(summary.accepted));
}

void rate_limited(double window_seconds) {
  test::SlidingWindowLimit enforced(100, 10s);
  std::atomic<std::uint64_t> admitted{0}, throttled{0};
  test::HttpTestServer sink(
      [&](const test::ReceivedRequest&) {
        if (!enforced.admit()) {
          ++throttled;
          auto reply = test::ServerReply::json(429, "{\"error\":\"rate limited\"}");
          reply.headers.emplace_back("Retry-After", std::to_string(static_cast<int>(enforced.seconds_until_free()) + 1));
          return reply;
        }
        ++admitted;
        return test::ServerReply::json(200, "{}");
      },
      false);
  DestinationSettings settings;
  settings.name = "bench-rate-limited";
  settings.url = sink.url();
  settings.batch_size = 100;
  settings.rate_limit = RateLimit{100, 10s};
  WebhookDestination webhook(settings);
  DeliveryEngine engine(webhook, settings);
  auto columns = model_columns();
  auto mapping = mappers::CompiledMapping::compile(model_mapping(), columns);
  MappedRowFeed feed(1000000, mapping);
  std::stop_source stop;
  std::thread timer([&] {
    auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(window_seconds);
    while (std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(10ms);
    stop.request_stop();
  });
  auto summary = engine.deliver({"bench", "bench-run", SyncMode::upsert, 0, stop.get_token()}, feed, {});
  timer.join();
  const double budget = 100.0 * window_seconds / 10.0;
  const double requests = static_cast<double>(admitted.load() + throttled.load());
  std::printf("(b) sink enforcing 100 requests / 10 s, batches of 100, %.0f s window\n", window_seconds);
  std::printf("    requests answered 2xx %llu of an allowed %.0f: budget used %.1f%%\n",
              static_cast<unsigned long long>(admitted.load()), budget, 100.0 * static_cast<double>(admitted.load()) / budget);
  std::printf("    429 answers           %llu (%.2f%% of %.0f requests)\n", static_cast<unsigned long long>(throttled.load()),
              requests > 0 ? 100.0 * static_cast<double>(throttled.load()) / requests : 0.0, requests);
  std::printf("    records accepted      %llu\n", static_cast<unsigned long long>(summary.accepted));
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t records = 1000000;
  double window_seconds = 60;
  std::string only;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--records") records = std::stoull(argv[i + 1]);
    else if (flag == "--window-seconds") window_seconds = std::stod(argv[i + 1]);
    else if (flag == "--only") only = argv[i + 1];
    else {
      std::cerr << "unknown flag " << flag << "\n";
      return 2;
    }
  }
  if (only.empty() || only == "a") throughput(records);
  if (only.empty() || only == "b") rate_limited(window_seconds);
  return 0;
}
