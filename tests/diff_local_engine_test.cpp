#include <catch2/catch.hpp>

#include <iostream>

#include "diff/diff_error.h"
#include "diff/local/local_diff_engine.h"
#include "model/row_codec.h"
#include "tests/diff_random_model.h"
#include "tests/diff_support.h"
#include "tests/support/test_env.h"

using namespace backflow;
using namespace backflow::diff;
using namespace backflow::test;

namespace {

ColumnInfo column(const char* name, ValueType type) {
  ColumnInfo c;
  c.name = name;
  c.type = type;
  return c;
}

// Model: id int, name text, score decimal, note text (unmapped).
std::vector<ColumnInfo> people_columns() {
  return {column("id", ValueType::Int), column("name", ValueType::Text), column("score", ValueType::Decimal),
          column("note", ValueType::Text)};
}

DiffSpec people_spec() {
  DiffSpec spec;
  spec.sync_name = "people";
  spec.primary_key = {"id"};
  spec.mapped_columns = {"name", "score"};
  return spec;
}

Row person(std::int64_t id, const char* name, const char* score, const char* note = "") {
  return {Value::integer(id), Value::text(name), Value::decimal(score), Value::text(note)};
}

struct Run {
  std::unique_ptr<PendingSnapshot> pending;
  std::vector<ChangeRecord> changes;
};

Run run_local(local::LocalDiffEngine& engine, const DiffSpec& spec, std::vector<Row> rows,
              std::vector<ColumnInfo> columns = people_columns()) {
  VectorRowSource source(std::move(columns), std::move(rows));
  Run run;
  run.pending = engine.diff(spec, source);
  run.changes = collect_changes(*run.pending);
  return run;
}

std::map<std::string, ChangeOp> ops_by_key(const std::vector<ChangeRecord>& changes) {
  std::map<std::string, ChangeOp> out;
  for (const auto& c : changes) out[c.key_id] = c.op;
  return out;
}

}  // namespace

TEST_CASE("local engine: added and changed and removed by primary key and unmapped columns do not count", "[diff][local]") {
  local::LocalDiffEngine engine(local::SnapshotStore::open(make_temp_dir("diff-local-basic")));
  auto first = run_local(engine, people_spec(), {person(1, "ann", "1.5"), person(2, "bob", "2"), person(3, "cy", "3")});
  CHECK(first.pending->counts().added == 3);
  CHECK(first.changes.size() == 3);
  first.pending->commit({});

  auto second = run_local(engine, people_spec(),
                          {person(1, "ann", "1.50"), person(2, "bob", "2", "note changed"), person(4, "di", "4")});
  CHECK(second.pending->counts() == DiffCounts{3, 1, 1, 1, 0});
  REQUIRE(second.changes.size() == 3);
  auto ops = ops_by_key(second.changes);
  CHECK(ops["1"] == ChangeOp::Changed);  // 1.5 -> 1.50: another rendering, a change
  CHECK(ops["3"] == ChangeOp::Removed);
  CHECK(ops["4"] == ChangeOp::Added);
  for (const auto& c : second.changes) {
    if (c.key_id == "1") CHECK(c.changed_columns == std::vector<std::size_t>{1});
    if (c.key_id == "4") CHECK(c.changed_columns == std::vector<std::size_t>{0, 1});
    if (c.op != ChangeOp::Removed) CHECK_FALSE(c.row.empty());
  }
  second.pending->commit({});

  auto third = run_local(engine, people_spec(), {person(1, "ann", "1.50"), person(2, "bob", "2"), person(4, "di", "4")});
  CHECK(third.changes.empty());
  CHECK(third.pending->counts().rows_read == 3);
}

TEST_CASE("local engine: NULL and duplicate keys are invalid in every occurrence and keep their committed state",
          "[diff][local]") {
  local::LocalDiffEngine engine(local::SnapshotStore::open(make_temp_dir("diff-local-invalid")));
  run_local(engine, people_spec(), {person(7, "g", "1"), person(8, "h", "1")}).pending->commit({});

  Row null_key = person(0, "nobody", "0");
  null_key[0] = Value::null();
  auto run = run_local(engine, people_spec(),
                       {person(7, "g2", "1"), null_key, person(7, "g3", "1"), person(8, "h", "1"), person(7, "g", "1"),
                        person(9, "i", "1"), person(9, "i", "1")});
  CHECK(run.pending->counts().invalid == 6);
  CHECK(run.changes.empty());  // 7 is not removed, 9 not added
  const auto& sample = run.pending->invalid_sample();
  REQUIRE(sample.size() == 6);
  int dup7 = 0;
  bool null_seen = false;
  for (const auto& s : sample) {
    if (s.reason == "primary key (7) occurs 3 times in the model") ++dup7;
    if (s.reason == "NULL primary key column 'id'") null_seen = true;
  }
  CHECK(dup7 == 3);
  CHECK(null_seen);
  run.pending->commit({});

  // Once unique again, 7 is compared with what was committed before.
  auto after = run_local(engine, people_spec(), {person(7, "g", "1"), person(8, "h", "1"), person(9, "i", "1")});
  CHECK(after.changes.size() == 1);
  CHECK(ops_by_key(after.changes)["9"] == ChangeOp::Added);
}

TEST_CASE("local engine: the invalid sample keeps at most 100 rows", "[diff][local]") {
  local::LocalDiffEngine engine(local::SnapshotStore::open(make_temp_dir("diff-local-sample")));
  std::vector<Row> rows;
  for (int i = 0; i < 150; ++i) rows.push_back(person(1, "same", "1"));
  auto run = run_local(engine, people_spec(), rows);
  CHECK(run.pending->counts().invalid == 150);
  CHECK(run.pending->invalid_sample().size() == 100);
}

TEST_CASE("local engine: the invalid sample keeps at most 100 rows when ranges are merged in parallel",
          "[diff][local]") {
  local::LocalDiffOptions options;
  options.merge_ranges = 4;
  options.min_rows_per_range = 1;
  local::LocalDiffEngine engine(local::SnapshotStore::open(make_temp_dir("diff-local-sample-split")), options);
  // 60 keys twice each: every range finds duplicates, together 120 rows.
  std::vector<Row> rows;
  for (int id = 1; id <= 60; ++id) {
    rows.push_back(person(id, "a", "1"));
    rows.push_back(person(id, "b", "1"));
  }
  auto run = run_local(engine, people_spec(), rows);
  CHECK(run.pending->counts().invalid == 120);
  REQUIRE(run.pending->invalid_sample().size() == 100);
  CHECK(run.pending->invalid_sample().front().key_id == "1");
  CHECK(run.pending->invalid_sample().back().key_id == "50");
}

TEST_CASE("local engine: keys excluded from a commit come back even when unchanged", "[diff][local]") {
  local::LocalDiffEngine engine(local::SnapshotStore::open(make_temp_dir("diff-local-retention")));
  run_local(engine, people_spec(), {person(1, "a", "1"), person(2, "b", "2"), person(3, "c", "3")})
      .pending->commit({});
  auto run = run_local(engine, people_spec(), {person(1, "a2", "1"), person(3, "c", "3"), person(4, "d", "4")});
  REQUIRE(run.changes.size() == 3);  // 1 changed, 2 removed, 4 added
  run.pending->commit({{Value::integer(1)}, {Value::integer(2)}, {Value::integer(4)}});

  auto again = run_local(engine, people_spec(), {person(1, "a2", "1"), person(3, "c", "3"), person(4, "d", "4")});
  auto ops = ops_by_key(again.changes);
  CHECK(again.changes.size() == 3);
  CHECK(ops["1"] == ChangeOp::Changed);
  CHECK(ops["2"] == ChangeOp::Removed);
  CHECK(ops["4"] == ChangeOp::Added);
  again.pending->commit({});
  CHECK(run_local(engine, people_spec(), {person(1, "a2", "1"), person(3, "c", "3"), person(4, "d", "4")})
            .changes.empty());
}

TEST_CASE("local engine: retry keys are emitted again as changed or removed when gone", "[diff][local]") {
  local::LocalDiffEngine engine(local::SnapshotStore::open(make_temp_dir("diff-local-retry")));
  run_local(engine, people_spec(), {person(1, "a", "1"), person(2, "b", "2")}).pending->commit({});
  DiffSpec spec = people_spec();
  spec.retry_keys = {{Value::integer(1)}, {Value::integer(5)}};
  auto run = run_local(engine, spec, {person(1, "a", "1"), person(2, "b", "2")});
  REQUIRE(run.changes.size() == 1);
  CHECK(run.changes[0].op == ChangeOp::Changed);
  CHECK(run.changes[0].key_id == "1");
  CHECK(run.changes[0].changed_columns == std::vector<std::size_t>{0, 1});
  CHECK(run.pending->counts().changed == 1);
}

TEST_CASE("local engine: a full resync adds everything and removes nothing and keeps the committed snapshot until commit",
          "[diff][local]") {
  local::LocalDiffEngine engine(local::SnapshotStore::open(make_temp_dir("diff-local-resync")));
  run_local(engine, people_spec(), {person(1, "a", "1"), person(2, "b", "2")}).pending->commit({});
  DiffSpec resync = people_spec();
  resync.full_resync = true;
  {
    auto run = run_local(engine, resync, {person(1, "a", "1"), person(3, "c", "3")});
    CHECK(run.pending->counts() == DiffCounts{2, 2, 0, 0, 0});
    // Not committed: the old snapshot is still in force.
  }
  auto normal = run_local(engine, people_spec(), {person(1, "a", "1"), person(3, "c", "3")});
  CHECK(ops_by_key(normal.changes) == std::map<std::string, ChangeOp>{{"2", ChangeOp::Removed}, {"3", ChangeOp::Added}});
  normal.pending.reset();

  auto run = run_local(engine, resync, {person(1, "a", "1"), person(3, "c", "3")});
  CHECK(run.changes.size() == 2);
  run.pending->commit({{Value::integer(3)}});  // 3 undelivered: still not committed
  auto after = run_local(engine, people_spec(), {person(1, "a", "1"), person(3, "c", "3")});
  CHECK(ops_by_key(after.changes) == std::map<std::string, ChangeOp>{{"3", ChangeOp::Added}});
}

TEST_CASE("local engine: bad input gives clear errors and leaves the snapshot intact", "[diff][local]") {
  local::LocalDiffEngine engine(local::SnapshotStore::open(make_temp_dir("diff-local-bad")));
  std::vector<Row> rows{person(1, "a", "1"), person(2, "b", "2"), person(3, "c", "3")};
  run_local(engine, people_spec(), rows).pending->commit({});

  SECTION("model without the key column") {
    DiffSpec spec = people_spec();
    spec.primary_key = {"user_id"};
    spec.full_resync = true;
    CHECK_THROWS_WITH(run_local(engine, spec, rows),
                      "sync 'people': primary key column 'user_id' is not in the model (columns: id, name, score, note)");
  }
  SECTION("a mapped column dropped from the model") {
    std::vector<ColumnInfo> columns = people_columns();
    columns[2].name = "score_renamed";
    CHECK_THROWS_WITH(run_local(engine, people_spec(), rows, columns),
                      Catch::Contains("mapped column 'score' is not in the model"));
  }
  SECTION("a query failing mid-stream") {
    VectorRowSource source(people_columns(), {person(1, "x", "1"), person(2, "y", "2"), person(9, "z", "9")});
    source.fail_after = 2;
    CHECK_THROWS_WITH(engine.diff(people_spec(), source), Catch::Contains("connection lost"));
  }
  SECTION("the primary key changed") {
    DiffSpec spec = people_spec();
    spec.primary_key = {"name"};
    CHECK_THROWS_WITH(run_local(engine, spec, rows), Catch::Contains("primary key changed from (id) to (name)"));
  }
  // Whatever failed, the next run compares with the last committed snapshot.
  auto next = run_local(engine, people_spec(), {person(1, "a", "1"), person(2, "b", "2"), person(4, "d", "4")});
  CHECK(ops_by_key(next.changes) == std::map<std::string, ChangeOp>{{"3", ChangeOp::Removed}, {"4", ChangeOp::Added}});
}

TEST_CASE("local engine: a column whose type changes makes every row changed once", "[diff][local]") {
  local::LocalDiffEngine engine(local::SnapshotStore::open(make_temp_dir("diff-local-type")));
  run_local(engine, people_spec(), {person(1, "a", "1"), person(2, "b", "2")}).pending->commit({});
  std::vector<ColumnInfo> columns = people_columns();
  columns[2].type = ValueType::Text;
  std::vector<Row> as_text{{Value::integer(1), Value::text("a"), Value::text("1"), Value::text("")},
                           {Value::integer(2), Value::text("b"), Value::text("2"), Value::text("")}};
  auto run = run_local(engine, people_spec(), as_text, columns);
  CHECK(run.pending->counts().changed == 2);
  for (const auto& c : run.changes) CHECK(c.changed_columns == std::vector<std::size_t>{1});
  run.pending->commit({});
  CHECK(run_local(engine, people_spec(), as_text, columns).changes.empty());
}

TEST_CASE("local engine: a new mapped column makes rows changed in that column only", "[diff][local]") {
  local::LocalDiffEngine engine(local::SnapshotStore::open(make_temp_dir("diff-local-layout")));
  DiffSpec narrow = people_spec();
  narrow.mapped_columns = {"name"};
  run_local(engine, narrow, {person(1, "a", "1")}).pending->commit({});
  auto run = run_local(engine, people_spec(), {person(1, "a", "1")});
  REQUIRE(run.changes.size() == 1);
  CHECK(run.changes[0].changed_columns == std::vector<std::size_t>{1});
  run.pending->commit({});
  CHECK(run_local(engine, people_spec(), {person(1, "a", "1")}).changes.empty());
}

namespace {

void check_matches_reference(const local::LocalDiffOptions& options, const std::string& dir_name) {
  const std::uint64_t seed = Catch::rngSeed() ? Catch::rngSeed() : 20261122;
  INFO("seed " << seed);
  RandomModel model(seed);
  ReferenceDiff reference(RandomModel::key_columns(), RandomModel::mapped_columns());
  local::LocalDiffEngine engine(local::SnapshotStore::open(make_temp_dir(dir_name)), options);
  for (int round = 0; round < 30; ++round) {
    INFO("round " << round);
    model.mutate(round == 0 ? 300 : 40);
    DiffSpec spec = RandomModel::spec("random");
    spec.full_resync = model.rng()() % 10 == 0;
    spec.retry_keys = model.random_keys(4);
    ReferenceResult expected = reference.diff(model.rows(), spec);
    VectorRowSource source(RandomModel::columns(), model.rows());
    auto pending = engine.diff(spec, source);
    CHECK(pending->counts() == expected.counts);
    CHECK(pending->invalid_sample().size() == std::min<std::uint64_t>(expected.counts.invalid, 100));
    auto changes = collect_changes(*pending);
    REQUIRE(changes == expected.changes);
    std::vector<Row> excluded = model.random_keys(6);
    pending->commit(excluded);
    reference.commit(excluded);
  }
}

// Every model, however small, merged as several key ranges on threads.
local::LocalDiffOptions split_merge() {
  local::LocalDiffOptions options;
  options.merge_ranges = 4;
  options.min_rows_per_range = 1;
  return options;
}

}  // namespace

TEST_CASE("local engine matches the reference over random rounds", "[diff][local][property]") {
  check_matches_reference({}, "diff-local-property");
}

TEST_CASE("local engine merging four key ranges in parallel matches the reference over random rounds",
          "[diff][local][property]") {
  check_matches_reference(split_merge(), "diff-local-property-split");
}

TEST_CASE("local engine: a merge split into key ranges keeps duplicates whole and the sample in key order",
          "[diff][local]") {
  local::LocalDiffEngine engine(local::SnapshotStore::open(make_temp_dir("diff-local-split")), split_merge());
  // Keys 1..400, each of 1, 100, 200, 300 and 400 three times: every range
  // cut falls on or next to a duplicated key.
  std::vector<Row> rows;
  for (int id = 1; id <= 400; ++id) {
    const int copies = id == 1 || id % 100 == 0 ? 3 : 1;
    for (int copy = 0; copy < copies; ++copy) rows.push_back(person(id, ("p" + std::to_string(id)).c_str(), "1"));
  }
  auto first = run_local(engine, people_spec(), rows);
  CHECK(first.pending->counts().added == 395);
  CHECK(first.pending->counts().invalid == 15);
  std::vector<std::string> sampled_keys;
  for (const auto& invalid : first.pending->invalid_sample()) sampled_keys.push_back(invalid.key_id);
  CHECK(sampled_keys == std::vector<std::string>{"1", "1", "1", "100", "100", "100", "200", "200", "200", "300", "300",
                                                 "300", "400", "400", "400"});
  first.pending->commit({});

  // Next run: the duplicates resolved; 250 changed, 2 removed, one added at the end.
  rows.clear();
  for (int id = 1; id <= 400; ++id) {
    if (id == 7 || id == 333) continue;
    rows.push_back(person(id, ("p" + std::to_string(id)).c_str(), id == 250 ? "2" : "1"));
  }
  rows.push_back(person(401, "new", "1"));
  auto second = run_local(engine, people_spec(), rows);
  CHECK(ops_by_key(second.changes) == std::map<std::string, ChangeOp>{{"1", ChangeOp::Added},
                                                                       {"100", ChangeOp::Added},
                                                                       {"200", ChangeOp::Added},
                                                                       {"250", ChangeOp::Changed},
                                                                       {"300", ChangeOp::Added},
                                                                       {"333", ChangeOp::Removed},
                                                                       {"400", ChangeOp::Added},
                                                                       {"401", ChangeOp::Added},
                                                                       {"7", ChangeOp::Removed}});
  // Changes stream in key order across the ranges.
  std::vector<std::string> order;
  second.pending->for_each_change([&](const Change& c) { order.push_back(c.key.id); });
  CHECK(order == std::vector<std::string>{"1", "7", "100", "200", "250", "300", "333", "400", "401"});
}

TEST_CASE("local engine: a lost committed generation is an error that a full resync repairs", "[diff][local]") {
  auto store = local::SnapshotStore::open(make_temp_dir("diff-local-lost"));
  local::LocalDiffEngine engine(store);
  run_local(engine, people_spec(), {person(1, "a", "1")}).pending->commit({});
  for (auto generation : store->sync("people")->generations()) store->sync("people")->drop_generation(generation);

  CHECK_THROWS_WITH(run_local(engine, people_spec(), {person(1, "a", "1")}),
                    Catch::Contains("committed snapshot (generation 1) is missing") && Catch::Contains("full resync"));
  DiffSpec resync = people_spec();
  resync.full_resync = true;
  auto run = run_local(engine, resync, {person(1, "a", "1")});
  CHECK(ops_by_key(run.changes) == std::map<std::string, ChangeOp>{{"1", ChangeOp::Added}});
  run.pending->commit({});
  CHECK(run_local(engine, people_spec(), {person(1, "a", "1")}).changes.empty());
}
