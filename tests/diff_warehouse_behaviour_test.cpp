// Warehouse engine behaviour on SQLite and PostgreSQL: the decimal rule,
// failed-key retention, full resync, bad input, schema and mapping changes,
// and the unique-key shortcut on PostgreSQL.
#include <catch2/catch.hpp>

#include "diff/diff_error.h"
#include "diff/local/local_diff_engine.h"
#include "odbc/error.h"
#include "diff/warehouse/warehouse_diff_engine.h"
#include "tests/diff_sql_model.h"
#include "tests/diff_support.h"
#include "tests/support/test_env.h"

using namespace backflow;
using namespace backflow::diff;
using namespace backflow::test;

namespace {

struct People {
  Dialect dialect;
  odbc::Connection conn;
  std::string table;
  warehouse::WarehouseDiffEngine engine;

  explicit People(Dialect d, const std::string& name)
      : dialect(d),
        conn(open_warehouse(d, name)),
        table(d == Dialect::postgres ? "public." + name : name),
        engine(conn, d, "bf_" + name) {
    if (d == Dialect::postgres) conn.execute("DROP SCHEMA IF EXISTS " + quote_identifier(d, "bf_" + name) + " CASCADE");
    conn.execute("DROP TABLE IF EXISTS " + quoted());
    conn.execute("CREATE TABLE " + quoted() + " (id integer, name text, score numeric, note text)");
  }
  std::string quoted() const { return quote_qualified(dialect, table); }
  void set(const std::vector<Row>& rows) {
    conn.execute("DELETE FROM " + quoted());
    for (const auto& r : rows) conn.execute("INSERT INTO " + quoted() + " VALUES (?, ?, ?, ?)", r);
  }
  std::unique_ptr<PendingSnapshot> diff(const DiffSpec& spec) {
    return engine.diff(spec, warehouse::WarehouseModel{table, ""});
  }
};

DiffSpec spec_for(const std::string& name) {
  DiffSpec spec;
  spec.sync_name = name;
  spec.primary_key = {"id"};
  spec.mapped_columns = {"name", "score"};
  return spec;
}

Row person(std::int64_t id, const char* name, const char* score, const char* note = "") {
  return {Value::integer(id), Value::text(name), Value::decimal(score), Value::text(note)};
}

std::map<std::string, ChangeOp> ops(PendingSnapshot& pending) {
  std::map<std::string, ChangeOp> out;
  for (const auto& c : collect_changes(pending)) out[c.key_id] = c.op;
  return out;
}

using Ops = std::map<std::string, ChangeOp>;

void decimal_rule(Dialect dialect) {
  People people(dialect, "wh_decimal");
  people.set({person(1, "a", "1.5")});
  people.diff(spec_for("decimal"))->commit({});
  people.set({person(1, "a", "1.50")});
  auto run = people.diff(spec_for("decimal"));
  if (dialect == Dialect::postgres) {
    // numeric keeps the scale it was given: 1.50 is rendered differently.
    CHECK(ops(*run) == Ops{{"1", ChangeOp::Changed}});
  } else {
    // SQLite's NUMERIC affinity stores both as the REAL 1.5.
    CHECK(ops(*run).empty());
  }
}

void retention_and_resync(Dialect dialect) {
  People people(dialect, "wh_retention");
  const DiffSpec spec = spec_for("retention");
  people.set({person(1, "a", "1"), person(2, "b", "2"), person(3, "c", "3")});
  people.diff(spec)->commit({});

  people.set({person(1, "a2", "1"), person(3, "c", "3"), person(4, "d", "4", "n")});
  auto run = people.diff(spec);
  CHECK(run->counts() == DiffCounts{3, 1, 1, 1, 0});
  CHECK(ops(*run) == Ops{{"1", ChangeOp::Changed}, {"2", ChangeOp::Removed}, {"4", ChangeOp::Added}});
  run->commit({{Value::integer(1)}, {Value::integer(2)}, {Value::integer(4)}});

  auto again = people.diff(spec);
  CHECK(ops(*again) == Ops{{"1", ChangeOp::Changed}, {"2", ChangeOp::Removed}, {"4", ChangeOp::Added}});
  for (const auto& c : collect_changes(*again)) {
    if (c.key_id == "1") CHECK(c.changed_columns == std::vector<std::size_t>{0});
  }
  again->commit({});
  CHECK(ops(*people.diff(spec)).empty());

  DiffSpec retry = spec;
  retry.retry_keys = {{Value::integer(3)}};
  auto retried = people.diff(retry);
  CHECK(ops(*retried) == Ops{{"3", ChangeOp::Changed}});
  retried.reset();  // abandoned: nothing committed

  DiffSpec resync = spec;
  resync.full_resync = true;
  people.set({person(1, "a2", "1"), person(5, "e", "5")});
  {
    auto r = people.diff(resync);
    CHECK(r->counts() == DiffCounts{2, 2, 0, 0, 0});
  }
  // The resync was not committed: a normal run still sees the removal of 3 and 4.
  CHECK(ops(*people.diff(spec)) ==
        Ops{{"3", ChangeOp::Removed}, {"4", ChangeOp::Removed}, {"5", ChangeOp::Added}});
  auto r = people.diff(resync);
  CHECK(ops(*r) == Ops{{"1", ChangeOp::Added}, {"5", ChangeOp::Added}});
  r->commit({{Value::integer(5)}});
  CHECK(ops(*people.diff(spec)) == Ops{{"5", ChangeOp::Added}});
}

void bad_input(Dialect dialect) {
  People people(dialect, "wh_bad");
  const DiffSpec spec = spec_for("bad");
  people.set({person(1, "a", "1"), person(2, "b", "2"), person(3, "c", "3")});
  people.diff(spec)->commit({});

  DiffSpec wrong_key = spec;
  wrong_key.primary_key = {"user_id"};
  CHECK_THROWS_WITH(people.diff(wrong_key),
                    "sync 'bad': primary key column 'user_id' is not in the model (columns: id, name, score, note)");

  // A query failing in the middle of the model (division by zero on row 3).
  auto failing = warehouse::WarehouseModel{
      "", "SELECT id, name, CASE WHEN id = 3 THEN 1 / (id - 3) ELSE score END AS score FROM " + people.quoted()};
  if (dialect == Dialect::postgres) {
    CHECK_THROWS_AS(people.engine.diff(spec, failing), odbc::Error);
    local::LocalDiffEngine local_engine(local::SnapshotStore::open(make_temp_dir("diff-wh-bad-local")));
    CHECK_THROWS_AS(
        [&] {
          auto reader = people.conn.query(failing.query);
          local_engine.diff(spec, reader);
        }(),
        odbc::Error);
  }
  // Nothing was corrupted: the next normal run compares with the last commit.
  people.set({person(1, "a", "1"), person(2, "b", "2"), person(4, "d", "4")});
  CHECK(ops(*people.diff(spec)) == Ops{{"3", ChangeOp::Removed}, {"4", ChangeOp::Added}});

  // A mapped column dropped from the model.
  people.conn.execute("ALTER TABLE " + people.quoted() + " DROP COLUMN score");
  CHECK_THROWS_WITH(people.diff(spec), Catch::Contains("mapped column 'score' is not in the model"));

  // The table dropped between runs.
  people.conn.execute("DROP TABLE " + people.quoted());
  CHECK_THROWS_WITH(people.diff(spec), Catch::Contains("cannot read the model table '" + people.table + "'"));
}

void type_change(Dialect dialect) {
  People people(dialect, "wh_type");
  const DiffSpec spec = spec_for("type");
  people.set({person(1, "a", "1"), person(2, "b", "2")});
  people.diff(spec)->commit({});
  if (dialect == Dialect::postgres) {
    people.conn.execute("ALTER TABLE " + people.quoted() + " ALTER COLUMN score TYPE text");
  } else {
    people.conn.execute("DROP TABLE " + people.quoted());
    people.conn.execute("CREATE TABLE " + people.quoted() + " (id integer, name text, score text, note text)");
    for (int id : {1, 2}) {
      people.conn.execute("INSERT INTO " + people.quoted() + " VALUES (?, ?, ?, '')",
                          {Value::integer(id), Value::text(id == 1 ? "a" : "b"), Value::text(std::to_string(id))});
    }
  }
  auto run = people.diff(spec);
  CHECK(run->counts().changed == 2);
  for (const auto& c : collect_changes(*run)) CHECK(c.changed_columns == std::vector<std::size_t>{1});
  run->commit({});
  CHECK(ops(*people.diff(spec)).empty());
}

// A mapped column added to the mapping is changed once in that column only;
// one removed from it is no change; excluded keys keep their committed
// state through the rebuild such a change needs.
void mapping_change(Dialect dialect) {
  People people(dialect, "wh_mapping");
  DiffSpec two = spec_for("mapping");
  people.set({person(1, "a", "1", "x"), person(2, "b", "2", "y"), person(3, "c", "3", "z")});
  people.diff(two)->commit({});

  DiffSpec three = two;
  three.mapped_columns = {"name", "score", "note"};
  auto added_column = people.diff(three);
  CHECK(added_column->counts() == DiffCounts{3, 0, 3, 0, 0});
  for (const auto& c : collect_changes(*added_column)) CHECK(c.changed_columns == std::vector<std::size_t>{2});
  added_column->commit({{Value::integer(1)}});
  auto after = people.diff(three);
  CHECK(ops(*after) == Ops{{"1", ChangeOp::Changed}});
  for (const auto& c : collect_changes(*after)) CHECK(c.changed_columns == std::vector<std::size_t>{2});
  after->commit({});
  CHECK(ops(*people.diff(three)).empty());

  DiffSpec one = two;
  one.mapped_columns = {"name"};
  people.set({person(1, "a", "1", "x"), person(2, "b2", "2", "y2"), person(3, "c", "30", "z")});
  auto removed_columns = people.diff(one);
  CHECK(removed_columns->counts() == DiffCounts{3, 0, 1, 0, 0});
  CHECK(ops(*removed_columns) == Ops{{"2", ChangeOp::Changed}});
  removed_columns->commit({});
  CHECK(ops(*people.diff(one)).empty());
}

// A PostgreSQL table with a unique index on the key skips the duplicate
// count; the result equals that of the same rows read through a query,
// which counts duplicates (NULL keys are still invalid).
void unique_key_shortcut() {
  People people(Dialect::postgres, "wh_unique");
  people.conn.execute("CREATE UNIQUE INDEX ON " + people.quoted() + " (id)");
  std::vector<std::string> statements;
  people.engine.before_statement = [&](std::string_view sql) { statements.emplace_back(sql); };
  auto window_used = [&] {
    for (const auto& s : statements) {
      if (s.find("OVER (PARTITION BY") != std::string::npos) return true;
    }
    return false;
  };
  const warehouse::WarehouseModel query{"", "SELECT * FROM " + people.quoted()};
  people.set({person(1, "a", "1"), person(2, "b", "2"), person(3, "c", "3")});
  people.diff(spec_for("unique table"))->commit({});
  CHECK_FALSE(window_used());
  statements.clear();
  people.engine.diff(spec_for("unique query"), query)->commit({});
  CHECK(window_used());

  Row null_key{Value::null(), Value::text("n"), Value::decimal("0"), Value::text("")};
  people.set({person(1, "a2", "1"), person(3, "c", "3"), person(4, "d", "4"), null_key, null_key});
  statements.clear();
  auto table_run = people.diff(spec_for("unique table"));
  CHECK_FALSE(window_used());
  auto query_run = people.engine.diff(spec_for("unique query"), query);
  CHECK(table_run->counts() == DiffCounts{5, 1, 1, 1, 2});
  CHECK(query_run->counts() == table_run->counts());
  CHECK(collect_changes(*query_run) == collect_changes(*table_run));
  CHECK(table_run->invalid_sample().size() == 2);
}

}  // namespace

TEST_CASE("warehouse engine on SQLite: decimals compare as stored", "[diff][warehouse]") { decimal_rule(Dialect::sqlite); }
TEST_CASE("warehouse engine on PostgreSQL: numeric 1.5 -> 1.50 is a change", "[pg][diff][warehouse]") {
  decimal_rule(Dialect::postgres);
}
TEST_CASE("warehouse engine on SQLite: excluded keys come back and full resync keeps the snapshot", "[diff][warehouse]") {
  retention_and_resync(Dialect::sqlite);
}
TEST_CASE("warehouse engine on PostgreSQL: excluded keys come back and full resync keeps the snapshot", "[pg][diff][warehouse]") {
  retention_and_resync(Dialect::postgres);
}
TEST_CASE("warehouse engine on SQLite: bad input is a clear error and corrupts nothing", "[diff][warehouse]") {
  bad_input(Dialect::sqlite);
}
TEST_CASE("warehouse engine on PostgreSQL: bad input is a clear error and corrupts nothing", "[pg][diff][warehouse]") {
  bad_input(Dialect::postgres);
}
TEST_CASE("warehouse engine on SQLite: a column whose type changes makes rows changed once", "[diff][warehouse]") {
  type_change(Dialect::sqlite);
}
TEST_CASE("warehouse engine on PostgreSQL: a column whose type changes makes rows changed once",
          "[pg][diff][warehouse]") {
  type_change(Dialect::postgres);
}

TEST_CASE("warehouse engine on SQLite: a mapping change is a change once, in added columns only", "[diff][warehouse]") {
  mapping_change(Dialect::sqlite);
}
TEST_CASE("warehouse engine on PostgreSQL: a mapping change is a change once, in added columns only",
          "[pg][diff][warehouse]") {
  mapping_change(Dialect::postgres);
}
TEST_CASE("warehouse engine on PostgreSQL: a unique index on the key skips the duplicate count, same result",
          "[pg][diff][warehouse]") {
  unique_key_shortcut();
}
