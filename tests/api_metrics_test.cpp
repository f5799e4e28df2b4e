#include <catch2/catch.hpp>
#include <cmath>
#include <sstream>
#include <thread>

#include "service/metrics/registry.h"
#include "service/metrics/text_format.h"
#include "tests/api_fixture.h"

using namespace backflow::metrics;

namespace {

// A parsed exposition: samples by series text with labels in order,
// TYPE and HELP by family name. Throws on any line that breaks format 0.0.4.
struct Sample {
  std::string name;
  std::vector<std::pair<std::string, std::string>> labels;
  double value = 0;
};
struct Exposition {
  std::map<std::string, std::string> types, helps;
  std::vector<Sample> samples;

  std::optional<double> value(const std::string& name, const std::map<std::string, std::string>& labels) const {
    for (const auto& s : samples) {
      if (s.name != name) continue;
      std::map<std::string, std::string> have(s.labels.begin(), s.labels.end());
      if (have == labels) return s.value;
    }
    return std::nullopt;
  }
};

double parse_value(const std::string& text) {
  if (text == "+Inf") return INFINITY;
  if (text == "-Inf") return -INFINITY;
  if (text == "NaN") return NAN;
  std::size_t used = 0;
  double v = std::stod(text, &used);
  if (used != text.size()) throw std::runtime_error("bad sample value '" + text + "'");
  return v;
}

Exposition parse_exposition(const std::string& text) {
  Exposition out;
  std::istringstream in(text);
  std::string line;
  REQUIRE(!text.empty());
  REQUIRE(text.back() == '\n');
  while (std::getline(in, line)) {
    INFO(line);
    REQUIRE(!line.empty());
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
      std::string rest = line.substr(7);
      auto space = rest.find(' ');
      REQUIRE(space != std::string::npos);
      std::string name = rest.substr(0, space);
      REQUIRE(is_valid_metric_name(name));
      (line[2] == 'H' ? out.helps : out.types)[name] = rest.substr(space + 1);
      continue;
    }
    REQUIRE(line[0] != '#');
    Sample sample;
    std::size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') sample.name += line[i++];
    REQUIRE(is_valid_metric_name(sample.name));
    if (line[i] == '{') {
      ++i;
      while (line.at(i) != '}') {
        std::string label;
        while (line.at(i) != '=') label += line[i++];
        REQUIRE(is_valid_label_name(label));
        REQUIRE(line.at(++i) == '"');
        std::string value;
        for (++i; line.at(i) != '"'; ++i) {
          if (line[i] == '\\') {
            char next = line.at(++i);
            REQUIRE((next == '\\' || next == '"' || next == 'n'));
            value += next == 'n' ? '\n' : next;
          } else {
            value += line[i];
          }
        }
        ++i;
        if (line.at(i) == ',') ++i;
        sample.labels.emplace_back(label, value);
      }
      ++i;
    }
    REQUIRE(line.at(i) == ' ');
    sample.value = parse_value(line.substr(i + 1));
    out.samples.push_back(std::move(sample));
  }
  // Every sample belongs to a family announced before it.
  for (const auto& s : out.samples) {
    std::string family = s.name;
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      std::string sfx = suffix;
      if (!out.types.count(family) && family.size() > sfx.size() && family.ends_with(sfx)) {
        family = family.substr(0, family.size() - sfx.size());
      }
    }
    INFO(s.name);
    CHECK(out.types.count(family) == 1);
    CHECK(out.helps.count(family) == 1);
  }
  return out;
}

}  // namespace

TEST_CASE("counters, gauges and histograms render in the Prometheus text format", "[metrics]") {
  Registry registry;
  auto& runs = registry.counter("backflow_runs_total", "Runs finished.\nBy status \\ sync.", {"sync", "status"});
  runs.with({"contacts", "succeeded"}).inc();
  runs.with({"contacts", "succeeded"}).inc(2);
  runs.with({"we\"ird\\name\nx", "failed"}).inc();
  runs.with({"contacts", "failed"}).inc(-5);  // ignored: counters only go up
  registry.gauge("backflow_queue_depth", "Waiting runs.").with().set(3.5);
  auto& duration = registry.histogram("backflow_run_duration_seconds", "Run time.", {"sync"}, {0.5, 1, 5});
  for (double v : {0.1, 0.5, 0.7, 3.0, 100.0}) duration.with({"contacts"}).observe(v);

  const std::string text = registry.render();
  CHECK(text.find("# HELP backflow_runs_total Runs finished.\\nBy status \\\\ sync.\n") != std::string::npos);
  CHECK(text.find("# TYPE backflow_runs_total counter\n") != std::string::npos);
  CHECK(text.find("backflow_runs_total{sync=\"we\\\"ird\\\\name\\nx\",status=\"failed\"} 1\n") != std::string::npos);
  CHECK(text.find("# TYPE backflow_queue_depth gauge\nbackflow_queue_depth 3.5\n") != std::string::npos);
  CHECK(text.find("backflow_run_duration_seconds_bucket{sync=\"contacts\",le=\"0.5\"} 2\n") != std::string::npos);

  Exposition parsed = parse_exposition(text);
  CHECK(parsed.types["backflow_run_duration_seconds"] == "histogram");
  CHECK(parsed.value("backflow_runs_total", {{"sync", "contacts"}, {"status", "succeeded"}}) == 3.0);
  CHECK(parsed.value("backflow_runs_total", {{"sync", "contacts"}, {"status", "failed"}}) == 0.0);
  CHECK(parsed.value("backflow_runs_total", {{"sync", "we\"ird\\name\nx"}, {"status", "failed"}}) == 1.0);
  CHECK(parsed.value("backflow_run_duration_seconds_bucket", {{"sync", "contacts"}, {"le", "1"}}) == 3.0);
  CHECK(parsed.value("backflow_run_duration_seconds_bucket", {{"sync", "contacts"}, {"le", "5"}}) == 4.0);
  CHECK(parsed.value("backflow_run_duration_seconds_bucket", {{"sync", "contacts"}, {"le", "+Inf"}}) == 5.0);
  CHECK(parsed.value("backflow_run_duration_seconds_count", {{"sync", "contacts"}}) == 5.0);
  CHECK(parsed.value("backflow_run_duration_seconds_sum", {{"sync", "contacts"}}) == Approx(104.3));
}

TEST_CASE("the metrics registry refuses misuse with the metric's name", "[metrics]") {
  Registry registry;
  auto& family = registry.counter("backflow_x_total", "x", {"sync"});
  CHECK(&registry.counter("backflow_x_total", "x", {"sync"}) == &family);
  CHECK_THROWS_WITH(registry.gauge("backflow_x_total", "x", {"sync"}), Catch::Contains("backflow_x_total"));
  CHECK_THROWS_AS(registry.counter("backflow_x_total", "x", {"destination"}), MetricError);
  CHECK_THROWS_AS(family.with({}), MetricError);
  CHECK_THROWS_AS(registry.counter("bad-name", "x"), MetricError);
  CHECK_THROWS_AS(registry.counter("ok_name", "x", {"__reserved"}), MetricError);
  CHECK_THROWS_AS(registry.histogram("h", "x", {"le"}, {1}), MetricError);
  CHECK_THROWS_AS(registry.histogram("h2", "x", {}, {2, 1}), MetricError);
  CHECK(format_value(1e21) == "1e+21");
  CHECK(format_value(42) == "42");
  CHECK(format_value(0.25) == "0.25");
}

TEST_CASE("metrics are consistent under concurrent updates", "[metrics]") {
  Registry registry;
  auto& counter = registry.counter("c_total", "c", {"t"});
  auto& histogram = registry.histogram("h_seconds", "h", {}, {1, 2});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10000; ++i) {
        counter.with({std::to_string(t % 2)}).inc();
        histogram.with().observe(1.5);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(counter.with({"0"}).value() == 20000);
  CHECK(counter.with({"1"}).value() == 20000);
  auto snap = histogram.with().snapshot();
  CHECK(snap.count == 40000);
  CHECK(snap.cumulative_counts == std::vector<std::uint64_t>{0, 40000});
}

TEST_CASE("GET /metrics serves the registry, including the API's own request counts", "[api][metrics]") {
  backflow::test::ApiFixture api;
  ServiceMetrics service(api.registry);
  service.runs_total.with({"contacts", "succeeded"}).inc(4);
  service.last_success_timestamp_seconds.with({"contacts"}).set(1700000000);
  api.get("/api/v1/syncs");
  api.get("/api/v1/syncs");
  api.get("/api/v1/syncs/ghost");

  auto reply = api.get("/metrics");
  REQUIRE(reply.status == 200);
  CHECK(reply.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8");
  Exposition parsed = parse_exposition(reply.body);
  CHECK(parsed.types["backflow_runs_total"] == "counter");
  CHECK(parsed.types["backflow_queue_depth"] == "gauge");
  CHECK(parsed.types["backflow_run_duration_seconds"] == "histogram");
  CHECK(parsed.value("backflow_runs_total", {{"sync", "contacts"}, {"status", "succeeded"}}) == 4.0);
  CHECK(parsed.value("backflow_last_success_timestamp_seconds", {{"sync", "contacts"}}) == 1700000000.0);
  CHECK(parsed.value("backflow_api_requests_total", {{"method", "GET"}, {"route", "/api/v1/syncs"}, {"code", "200"}}) ==
        2.0);
  CHECK(parsed.value("backflow_api_requests_total",
                     {{"method", "GET"}, {"route", "/api/v1/syncs/{name}"}, {"code", "404"}}) == 1.0);
  auto count = parsed.value("backflow_api_request_duration_seconds_count", {{"route", "/api/v1/syncs"}});
  auto inf = parsed.value("backflow_api_request_duration_seconds_bucket", {{"route", "/api/v1/syncs"}, {"le", "+Inf"}});
  CHECK(count == 2.0);
  CHECK(inf == count);
}
