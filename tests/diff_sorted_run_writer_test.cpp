// The local engine's writer of snapshot entries: sorted table files
// ingested into a generation.
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>
#include <vector>
#include <string>

#include "diff/local/snapshot_store.h"
#include "diff/local/sorted_run_writer.h"
#include "tests/support/test_env.h"

using namespace backflow;
using namespace backflow::diff::local;
using namespace backflow::test;

namespace {

std::string key(int n) {
  char buffer[24];
  std::snprintf(buffer, sizeof buffer, "e%09d", n);
  return buffer;
}

}  // namespace

TEST_CASE("sorted run writer: entries added in any order read back sorted and whole, over several files",
          "[diff][local]") {
  auto store = SnapshotStore::open(make_temp_dir("sorted-runs"));
  auto db = store->sync("runs");
  rocksdb::ColumnFamilyHandle* generation = db->create_generation(1);
  const int count = 5000;
  {
    SortedRunWriter writer(*db, generation, db->path() / "spill", "runs", 4096);  // ~180 entries a file
    // 7919 is prime: i * 7919 mod count visits every number once, scrambled.
    for (int i = 0; i < count; ++i) {
      const int n = static_cast<int>((static_cast<long long>(i) * 7919) % count);
      writer.add(key(n), "value " + std::to_string(n));
    }
    writer.finish();
    CHECK(writer.files() > 20);
  }
  std::unique_ptr<rocksdb::Iterator> it(db->db().NewIterator(rocksdb::ReadOptions(), generation));
  int expected = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next(), ++expected) {
    REQUIRE(it->key().ToString() == key(expected));
    REQUIRE(it->value().ToString() == "value " + std::to_string(expected));
  }
  REQUIRE(it->status().ok());
  CHECK(expected == count);
  // The table files were moved into the database, not left beside it.
  CHECK(std::filesystem::is_empty(db->path() / "spill"));
}

TEST_CASE("sorted run writer: a repeated key is an error naming the table file", "[diff][local]") {
  auto store = SnapshotStore::open(make_temp_dir("sorted-runs-dup"));
  auto db = store->sync("runs");
  rocksdb::ColumnFamilyHandle* generation = db->create_generation(1);
  SortedRunWriter writer(*db, generation, db->path() / "spill", "dup", 1 << 20);
  writer.add(key(1), "a");
  writer.add(key(2), "b");
  writer.add(key(1), "c");
  CHECK_THROWS_WITH(writer.finish(), Catch::Contains("dup-0.sst"));
  // Later calls keep failing rather than losing entries silently.
  CHECK_THROWS(writer.finish());
}

TEST_CASE("sorted run writer: abandoned before finish, it stops without writing what is buffered",
          "[diff][local]") {
  auto store = SnapshotStore::open(make_temp_dir("sorted-runs-abandon"));
  auto db = store->sync("runs");
  rocksdb::ColumnFamilyHandle* generation = db->create_generation(1);
  {
    SortedRunWriter writer(*db, generation, db->path() / "spill", "gone", 1 << 20);
    for (int i = 0; i < 100; ++i) writer.add(key(i), "x");
  }
  std::unique_ptr<rocksdb::Iterator> it(db->db().NewIterator(rocksdb::ReadOptions(), generation));
  it->SeekToFirst();
  CHECK_FALSE(it->Valid());
}

TEST_CASE("sorted run writer: keys alike in their first 16 bytes, or prefixes of each other, sort bytewise",
          "[diff][local]") {
  auto store = SnapshotStore::open(make_temp_dir("sorted-runs-prefix"));
  auto db = store->sync("runs");
  rocksdb::ColumnFamilyHandle* generation = db->create_generation(1);
  const std::string common = "e-twenty-bytes-alike";  // 20 bytes
  const std::vector<std::string> keys{"e",          "e\x01",       std::string("e\0", 2), "ea",
                                        common,       common + "\x01", common + "a",        common + "b\xff",
                                        common + "c"};
  std::vector<std::string> expected = keys;
  std::sort(expected.begin(), expected.end());
  {
    SortedRunWriter writer(*db, generation, db->path() / "spill", "prefix", 1 << 20);
    for (auto it = keys.rbegin(); it != keys.rend(); ++it) writer.add(*it, "v");
    writer.finish();
  }
  std::vector<std::string> read;
  std::unique_ptr<rocksdb::Iterator> it(db->db().NewIterator(rocksdb::ReadOptions(), generation));
  for (it->SeekToFirst(); it->Valid(); it->Next()) read.push_back(it->key().ToString());
  CHECK(read == expected);
}
