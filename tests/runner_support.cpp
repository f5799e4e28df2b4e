#include "tests/runner_support.h"

#include <catch2/catch.hpp>

#include <fstream>

#include "service/config/config_loader.h"
#include "state/state_db.h"
#include "tests/odbc_test_helpers.h"

namespace backflow::test {

ModelReceiver::ModelReceiver() : server_([this](const ReceivedRequest& request) { return handle(request); }, false) {}

ServerReply ModelReceiver::handle(const ReceivedRequest& request) {
  std::lock_guard lock(mutex_);
  if (auth_failure_) return ServerReply::json(401, R"({"error":"bad token"})");
  if (unavailable_) return ServerReply::json(503, R"({"error":"down for maintenance"})");
  if (throttle_left_ > 0) {
    --throttle_left_;
    ServerReply reply = ServerReply::json(429, R"({"error":"slow down"})");
    reply.headers.emplace_back("Retry-After", "1");
    return reply;
  }
  nlohmann::json body = nlohmann::json::parse(request.body);
  bodies_.push_back(body);
  const std::string idempotency = request.header("idempotency-key");
  const std::string run_id = body.value("run_id", "");
  nlohmann::json errors = nlohmann::json::array();
  const bool repeat = !seen_batches_.insert(idempotency).second;
  if (auto [first, inserted] = body_of_key_.emplace(idempotency, request.body); !inserted && first->second != request.body) {
    ++idempotency_conflicts_;
  }
  const auto& records = body["records"];
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& record = records[i];
    const std::string key = record["key"].dump();
    if (rejected_.count(key)) {
      errors.push_back({{"index", i}, {"message", "refused by the test receiver"}});
      continue;
    }
    ++received_;
    if (!seen_in_run_.insert({run_id, key}).second) ++repeated_;
    if (!seen_payloads_.insert(record.dump()).second) ++resent_;
    if (repeat) continue;
    if (record["op"] == "delete") {
      ++deletes_;
      records_.erase(key);
      continue;
    }
    nlohmann::json& held = records_[key];
    if (!held.is_object()) held = nlohmann::json::object();
    if (record.contains("fields")) held.update(record["fields"]);
  }
  ServerReply reply = ServerReply::json(200, nlohmann::json({{"errors", errors}}).dump());
  reply.delay = delay_;
  return reply;
}

std::uint64_t ModelReceiver::idempotency_conflicts() const {
  std::lock_guard lock(mutex_);
  return idempotency_conflicts_;
}

void ModelReceiver::throttle_next(std::uint64_t requests) {
  std::lock_guard lock(mutex_);
  throttle_left_ = requests;
}

void ModelReceiver::set_delay(std::chrono::milliseconds delay) {
  std::lock_guard lock(mutex_);
  delay_ = delay;
}

std::map<std::string, nlohmann::json> ModelReceiver::records() const {
  std::lock_guard lock(mutex_);
  return records_;
}
void ModelReceiver::set_rejected(std::set<std::string> key_texts) {
  std::lock_guard lock(mutex_);
  rejected_ = std::move(key_texts);
}
void ModelReceiver::set_auth_failure(bool on) {
  std::lock_guard lock(mutex_);
  auth_failure_ = on;
}
void ModelReceiver::set_unavailable(bool on) {
  std::lock_guard lock(mutex_);
  unavailable_ = on;
}
std::uint64_t ModelReceiver::records_received() const {
  std::lock_guard lock(mutex_);
  return received_;
}
std::uint64_t ModelReceiver::repeated_in_run() const {
  std::lock_guard lock(mutex_);
  return repeated_;
}
std::uint64_t ModelReceiver::resent() const {
  std::lock_guard lock(mutex_);
  return resent_;
}
std::uint64_t ModelReceiver::deletes_received() const {
  std::lock_guard lock(mutex_);
  return deletes_;
}
std::vector<nlohmann::json> ModelReceiver::bodies() const {
  std::lock_guard lock(mutex_);
  return bodies_;
}
void ModelReceiver::clear_log() {
  std::lock_guard lock(mutex_);
  bodies_.clear();
  received_ = 0;
}

std::string PeopleModel::name_of(const std::string& prefix, std::int64_t id) const {
  std::string name = prefix + " " + std::to_string(id);
  if (options_.long_name_every == 0 || id % static_cast<std::int64_t>(options_.long_name_every) != 0) return name;
  name += std::string(static_cast<std::size_t>(4090 - id % 5), '~');
  for (int i = 0; i < 300; ++i) name += "\xc3\xa9";  // é
  return name;
}

PeopleModel::PeopleModel(odbc::Connection connection, std::size_t rows, PeopleOptions options)
    : connection_(std::move(connection)), options_(options) {
  connection_.execute("drop table if exists people");
  connection_.execute("create table people (id integer primary key, name text, score integer)");
  connection_.set_autocommit(false);
  for (std::size_t i = 0; i < rows; ++i) {
    const std::int64_t id = next_id_++;
    connection_.execute("insert into people values (?, ?, ?)",
                        {Value::integer(id), Value::text(name_of("person", id)), Value::integer(id % 97)});
  }
  connection_.commit();
  connection_.set_autocommit(true);
}

void PeopleModel::random_changes(std::mt19937_64& rng) {
  const std::int64_t top = next_id_;
  std::uniform_int_distribution<std::int64_t> pick(1, std::max<std::int64_t>(1, top - 1));
  std::uniform_int_distribution<int> count(1, 6);
  connection_.set_autocommit(false);
  for (int i = count(rng); i > 0; --i) {
    connection_.execute(options_.mysql ? "update people set score = score + 1, name = concat(name, '!') where id = ?"
                                       : "update people set score = score + 1, name = name || '!' where id = ?",
                        {Value::integer(pick(rng))});
  }
  for (int i = count(rng) / 2; i > 0; --i) connection_.execute("delete from people where id = ?", {Value::integer(pick(rng))});
  for (int i = count(rng); i > 0; --i) {
    const std::int64_t id = next_id_++;
    connection_.execute("insert into people values (?, ?, ?)",
                        {Value::integer(id), Value::text(name_of("new", id)), Value::integer(id % 13)});
  }
  connection_.commit();
  connection_.set_autocommit(true);
}

std::size_t PeopleModel::row_count() { return expected().size(); }

std::map<std::string, nlohmann::json> PeopleModel::expected() {
  std::map<std::string, nlohmann::json> out;
  auto rows = read_all(connection_, "select id, name, score from people");
  for (const Row& row : rows) {
    nlohmann::json key = {{"id", row[0].as_int()}};
    out[key.dump()] = {{"name", row[1].as_text()}, {"score", row[2].as_int()}};
  }
  return out;
}

RunnerHarness::RunnerHarness(const std::string& label, const std::string& connection, const std::string& dialect,
                             const std::string& url, SyncSettings s)
    : dir_(make_temp_dir(label)), config_file_(dir_ / "backflow.yaml") {
  std::ofstream out(config_file_);
  out << "version: 1\n"
      << "state_dir: " << (dir_ / "state").string() << "\n"
      << "warehouses:\n  model:\n    connection: " << nlohmann::json(connection).dump() << "\n    dialect: " << dialect
      << "\n    bookkeeping_schema: " << s.bookkeeping_schema << "\n";
  if (!s.logs_connection.empty()) {
    out << "  logs:\n    connection: " << nlohmann::json(s.logs_connection).dump() << "\n    dialect: " << s.logs_dialect
        << "\n";
  }
  out << "destinations:\n  " << s.destination << ":\n    type: webhook\n    url: \"" << url << "\"\n    batch_size: " << s.batch_size
      << "\n    max_concurrency: " << s.max_concurrency << "\n    retry: { max_attempts: " << s.delivery_attempts
      << ", base_delay: 10ms, max_delay: 20ms }\n"
      << "syncs:\n  people_sync:\n    source: { warehouse: model, " << s.source << ", primary_key: id }\n"
      << "    destination: { name: " << s.destination << ", mode: " << s.mode << (s.mode == "upsert" || s.mode == "update" ? ", on_delete: " + s.on_delete : "")
      << (s.destination_keys.empty() ? "" : ", " + s.destination_keys) << " }\n"
      << "    mapping:\n      name: name\n      score: score\n"
      << "    diff: { engine: " << s.engine << ", send: " << s.send << " }\n"
      << "    retry: { max_attempts: " << s.max_attempts << " }\n";
  if (!s.guard.empty()) out << "    guard: { " << s.guard << " }\n";
  if (!s.outcome.empty()) out << "    outcome: { " << s.outcome << " }\n";
  if (!s.record_log.empty()) out << "    record_log: " << s.record_log << "\n";
  if (!s.writeback.empty()) out << "    writeback: { " << s.writeback << " }\n";
  out.close();
  config_ = config::load_config_or_throw(config_file_);
}

runner::RunReport RunnerHarness::run(bool full_resync, bool dry_run, bool force) {
  std::unique_ptr<state::StateDb> db;
  if (!dry_run || std::filesystem::exists(state_dir() / "state")) db = state::StateDb::open(state_dir() / "state");
  runner::SyncRunner sync_runner(config_, state_dir(), db.get());
  runner::RunRequest request;
  request.sync = "people_sync";
  request.full_resync = full_resync;
  request.dry_run = dry_run;
  request.force = force;
  return sync_runner.run(request);
}

CommandResult RunnerHarness::run_binary(const std::string& flags, const std::string& env) {
  return run_command(env + shell_quote(backflow_binary().string()) + " run -c " + shell_quote(config_file_.string()) +
                     " people_sync " + flags);
}

CrashCampaign kill_randomly(RunnerHarness& harness, PeopleModel& model, std::mt19937_64& rng, int kills) {
  const std::vector<std::string> points = {"preflight", "snapshot", "diff", "guard", "deliver",
                                           "ack",       "outcome",  "commit", "committed"};
  CrashCampaign campaign;
  // Until `kills` kills: a point the run never reaches (an append run has no
  // diff, guard or commit) just runs to the end, so allow enough rounds.
  for (int round = 0; round < 10 * kills && campaign.kills < kills; ++round) {
    if (round % 3 == 0) model.random_changes(rng);
    const std::string& point = points[rng() % points.size()];
    const int n = point == "ack" ? 1 + static_cast<int>(rng() % 20) : point == "outcome" ? 1 + static_cast<int>(rng() % 150) : 1;
    auto killed = harness.run_binary("", "BACKFLOW_TEST_KILL_AT=" + point + ":" + std::to_string(n) + " ");
    if (killed.exit_code == 128 + 9) {
      ++campaign.kills;
      if (point == "ack" || point == "outcome") ++campaign.kills_while_sending;
    }
    INFO("round " << round << " kill at " << point << ":" << n << " -> " << killed.output);
    CHECK((killed.exit_code == 0 || killed.exit_code == 128 + 9));
  }
  for (int i = 0; i < 2; ++i) {
    auto final_run = harness.run_binary();
    INFO(final_run.output);
    REQUIRE(final_run.exit_code == 0);
  }
  return campaign;
}

}  // namespace backflow::test
