// The local engine reads the model on one thread and writes the snapshot on
// another (diff/local/generation_writer.h): models larger than the blocks
// handed between them, and errors on either side.
#include <catch2/catch.hpp>

#include <future>
#include <thread>

#include "diff/local/local_diff_engine.h"
#include "diff/local/row_block_queue.h"
#include "tests/diff_support.h"
#include "tests/support/test_env.h"

using namespace backflow;
using namespace backflow::diff;
using namespace backflow::test;

namespace {

DiffSpec spec() {
  DiffSpec s;
  s.sync_name = "big";
  s.primary_key = {"id"};
  s.mapped_columns = {"name"};
  return s;
}

Row row(std::int64_t id, std::string name) { return {Value::integer(id), Value::text(std::move(name))}; }

}  // namespace

TEST_CASE("row block queue: blocks arrive in order and cancel wakes a waiting side", "[diff][local]") {
  SECTION("order") {
    local::RowBlockQueue queue(2, 1);
    auto consumer = std::async(std::launch::async, [&] {
      std::vector<std::int64_t> seen;
      while (local::RowBlock* block = queue.pop_full()) {
        seen.push_back(block->rows[0][0].as_int());
        queue.release(block);
      }
      return seen;
    });
    for (std::int64_t i = 0; i < 50; ++i) {
      local::RowBlock* block = queue.acquire_empty();
      REQUIRE(block);
      block->rows[0] = {Value::integer(i)};
      block->size = 1;
      queue.push_full(block);
    }
    queue.finish();
    std::vector<std::int64_t> expected(50);
    for (std::int64_t i = 0; i < 50; ++i) expected[static_cast<std::size_t>(i)] = i;
    CHECK(consumer.get() == expected);
  }
  SECTION("a producer waiting for an empty block is released by cancel") {
    local::RowBlockQueue queue(1, 1);
    queue.push_full(queue.acquire_empty());  // no empty block left
    auto producer = std::async(std::launch::async, [&] { return queue.acquire_empty(); });
    queue.cancel();
    CHECK(producer.get() == nullptr);
    CHECK(queue.pop_full() == nullptr);
  }
}

TEST_CASE("local engine: a model of many row blocks keeps duplicates, NULL keys and changes exact", "[diff][local]") {
  local::LocalDiffEngine engine(local::SnapshotStore::open(make_temp_dir("diff-local-blocks")));
  std::vector<Row> rows;
  for (std::int64_t i = 0; i < 5000; ++i) rows.push_back(row(i, "v" + std::to_string(i)));
  {
    VectorRowSource source(id_name_columns(), rows);
    auto pending = engine.diff(spec(), source);
    CHECK(pending->counts().added == 5000);
    pending->commit({});
  }
  // Change one row per block, duplicate a key across blocks (rows 10 and
  // 4990), NULL a key in the last block, drop the last row.
  rows[1500][1] = Value::text("changed");
  rows[4990][0] = Value::integer(10);
  rows[4000][0] = Value::null();
  rows.pop_back();
  VectorRowSource source(id_name_columns(), rows);
  auto pending = engine.diff(spec(), source);
  const DiffCounts& counts = pending->counts();
  CHECK(counts.rows_read == 4999);
  CHECK(counts.invalid == 3);  // both occurrences of 10, the NULL key
  CHECK(counts.changed == 1);
  // 4000 lost its row to the NULL key, 4990 to the duplicate, 4999 is gone.
  CHECK(counts.removed == 3);
  CHECK(counts.added == 0);
  std::map<std::string, ChangeOp> ops;
  for (const auto& c : collect_changes(*pending)) ops[c.key_id] = c.op;
  CHECK(ops == std::map<std::string, ChangeOp>{{"1500", ChangeOp::Changed},
                                               {"4000", ChangeOp::Removed},
                                               {"4990", ChangeOp::Removed},
                                               {"4999", ChangeOp::Removed}});
}

TEST_CASE("local engine: a read error after several row blocks leaves the committed snapshot as it was",
          "[diff][local]") {
  local::LocalDiffEngine engine(local::SnapshotStore::open(make_temp_dir("diff-local-blocks-fail")));
  std::vector<Row> rows;
  for (std::int64_t i = 0; i < 3000; ++i) rows.push_back(row(i, "v"));
  {
    VectorRowSource source(id_name_columns(), rows);
    engine.diff(spec(), source)->commit({});
  }
  std::vector<Row> changed = rows;
  for (auto& r : changed) r[1] = Value::text("w");
  VectorRowSource failing(id_name_columns(), changed);
  failing.fail_after = 2500;
  CHECK_THROWS_WITH(engine.diff(spec(), failing), Catch::Contains("connection lost"));
  rows.push_back(row(3000, "new"));
  VectorRowSource source(id_name_columns(), rows);
  auto pending = engine.diff(spec(), source);
  CHECK(pending->counts().added == 1);
  CHECK(pending->counts().changed == 0);
  CHECK(pending->counts().removed == 0);
}
