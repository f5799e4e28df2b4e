#include <catch2/catch.hpp>

#include <set>

#include "diff/local/local_diff_engine.h"
#include "diff/local/snapshot_keys.h"
#include "diff/local/sync_meta.h"
#include "tests/diff_support.h"
#include "tests/support/test_env.h"

using namespace backflow;
using namespace backflow::diff;
using namespace backflow::test;
namespace fs = std::filesystem;

namespace {

DiffSpec spec_for(const std::string& sync_name) {
  DiffSpec spec;
  spec.sync_name = sync_name;
  spec.primary_key = {"id"};
  spec.mapped_columns = {"name"};
  return spec;
}

std::vector<Row> rows(int count, const std::string& suffix = "") {
  std::vector<Row> out;
  for (int i = 1; i <= count; ++i) out.push_back({Value::integer(i), Value::text("name " + std::to_string(i) + suffix)});
  return out;
}

std::vector<ChangeRecord> run_and_commit(local::LocalDiffEngine& engine, const std::string& sync_name,
                                         std::vector<Row> model) {
  VectorRowSource source(id_name_columns(), std::move(model));
  auto pending = engine.diff(spec_for(sync_name), source);
  auto changes = collect_changes(*pending);
  pending->commit({});
  return changes;
}

std::set<std::string> options_files(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("OPTIONS-", 0) == 0 || name.rfind("MANIFEST-", 0) == 0) names.insert(name);
  }
  return names;
}

// Writes `sync_name`'s committed snapshot, as a run of the current engine
// leaves it, into a database of the first layout (one RocksDB for every
// sync) at `state_dir/snapshots`.
void write_shared_layout(const fs::path& state_dir, const std::string& sync_name, std::vector<Row> model) {
  const fs::path scratch = make_temp_dir("diff-local-store-scratch");
  auto store = local::SnapshotStore::open(scratch);
  {
    local::LocalDiffEngine engine(store);
    run_and_commit(engine, sync_name, std::move(model));
  }
  auto source = store->sync(sync_name);
  std::string meta_bytes;
  REQUIRE(source->db().Get({}, source->meta_family(), local::sync_meta_key(sync_name), &meta_bytes).ok());
  const auto generation = local::decode_sync_meta(meta_bytes).committed_generation;

  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  fs::create_directories(state_dir / "snapshots");
  REQUIRE(rocksdb::DB::Open(options, (state_dir / "snapshots").string(), &raw).ok());
  std::unique_ptr<rocksdb::DB> legacy(raw);
  rocksdb::ColumnFamilyHandle* family = nullptr;
  REQUIRE(legacy->CreateColumnFamily({}, "snapshot:" + sync_name + ":" + std::to_string(generation), &family).ok());
  std::unique_ptr<rocksdb::Iterator> it(source->db().NewIterator({}, source->generation(generation)));
  std::size_t copied = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next(), ++copied) REQUIRE(legacy->Put({}, family, it->key(), it->value()).ok());
  REQUIRE(copied > 0);
  REQUIRE(legacy->Put({}, local::sync_meta_key(sync_name), meta_bytes).ok());
  REQUIRE(legacy->DestroyColumnFamilyHandle(family).ok());
}

}  // namespace

TEST_CASE("local snapshot store: each sync has a database of its own that other syncs' runs leave alone", "[diff][local]") {
  const fs::path state_dir = make_temp_dir("diff-local-store-per-sync");
  auto store = local::SnapshotStore::open(state_dir);
  local::LocalDiffEngine engine(store);
  CHECK(run_and_commit(engine, "people", rows(50)).size() == 50);
  const fs::path people = state_dir / "snapshots" / "people";
  REQUIRE(fs::exists(people / "CURRENT"));
  const auto people_files = options_files(people);

  // Each run of another sync creates and drops a generation: in one shared
  // database that rewrote an OPTIONS file listing every sync's generations.
  for (int round = 0; round < 3; ++round) run_and_commit(engine, "orders", rows(20, std::to_string(round)));
  CHECK(fs::exists(state_dir / "snapshots" / "orders" / "CURRENT"));
  CHECK(options_files(people) == people_files);
  CHECK(run_and_commit(engine, "people", rows(50)).empty());
}

TEST_CASE("local snapshot store: sync names become safe, distinct directory names", "[diff][local]") {
  using local::SnapshotStore;
  CHECK(SnapshotStore::directory_name("daily_accounts-v2") == "daily_accounts-v2");
  CHECK(SnapshotStore::directory_name("a/b c") == "a%2fb%20c");
  CHECK(SnapshotStore::directory_name("..") == "%2e%2e");
  CHECK(SnapshotStore::directory_name("a b") != SnapshotStore::directory_name("a%20b"));
  const std::string long_a(300, 'a'), long_b = std::string(299, 'a') + "b";
  CHECK(SnapshotStore::directory_name(long_a).size() <= 160);
  CHECK(SnapshotStore::directory_name(long_a) != SnapshotStore::directory_name(long_b));

  const fs::path state_dir = make_temp_dir("diff-local-store-names");
  local::LocalDiffEngine engine(local::SnapshotStore::open(state_dir));
  CHECK(run_and_commit(engine, "../escape attempt", rows(3)).size() == 3);
  CHECK(run_and_commit(engine, long_a, rows(3)).size() == 3);
  CHECK(fs::exists(state_dir / "snapshots" / "%2e%2e%2fescape%20attempt" / "CURRENT"));
  CHECK(run_and_commit(engine, "../escape attempt", rows(3)).empty());
  CHECK(run_and_commit(engine, long_a, rows(3)).empty());
}

TEST_CASE("local snapshot store: snapshots of the shared-database layout are migrated and stay incremental", "[diff][local]") {
  const fs::path state_dir = make_temp_dir("diff-local-store-migrate");
  write_shared_layout(state_dir, "people", rows(40));
  REQUIRE(fs::exists(state_dir / "snapshots" / "CURRENT"));

  {
    local::LocalDiffEngine engine(local::SnapshotStore::open(state_dir));
    auto model = rows(40);
    model[4][1] = Value::text("renamed");
    model.pop_back();
    auto changes = run_and_commit(engine, "people", model);
    REQUIRE(changes.size() == 2);  // one changed, one removed: nothing resent
    CHECK(changes[0].op == ChangeOp::Changed);
    CHECK(changes[1].op == ChangeOp::Removed);
  }
  CHECK_FALSE(fs::exists(state_dir / "snapshots" / "CURRENT"));
  CHECK_FALSE(fs::exists(state_dir / "snapshots.shared-layout"));
  CHECK(fs::exists(state_dir / "snapshots" / "people" / "CURRENT"));

  // A migration interrupted after the old database was set aside is finished by the next open.
  const fs::path again = make_temp_dir("diff-local-store-migrate-again");
  write_shared_layout(again, "people", rows(10));
  fs::rename(again / "snapshots", again / "snapshots.shared-layout");
  fs::create_directories(again / "snapshots" / "people");  // a partial copy: redone
  local::LocalDiffEngine engine(local::SnapshotStore::open(again));
  CHECK(run_and_commit(engine, "people", rows(10)).empty());
  CHECK_FALSE(fs::exists(again / "snapshots.shared-layout"));
}
