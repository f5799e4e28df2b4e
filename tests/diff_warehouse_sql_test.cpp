// The warehouse engine's SQL for every dialect, checked against golden files
// (tests/diff_golden/<dialect>.sql) and for the properties each dialect
// needs. Regenerate the golden files with BACKFLOW_UPDATE_GOLDEN=1 after an
// intended change, and review the diff.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "diff/warehouse/dialect_sql.h"
#include "diff/warehouse/table_names.h"
#include "tests/support/test_env.h"

using namespace backflow;
using namespace backflow::diff::warehouse;

namespace {

DiffSql sql_for(Dialect dialect, const std::string& model_from) {
  DiffSqlInput in;
  in.dialect = dialect;
  in.tables = make_sync_tables(dialect, "backflow", "Contacts → HubSpot");
  in.model_from = model_from;
  in.key_columns = {"region", "customer_id"};
  in.key_config_names = in.key_columns;
  in.mapped_columns = {"email", "lifetime value"};
  in.mapped_config_names = in.mapped_columns;
  in.mapped_type_names = {"varchar", "numeric"};
  in.key_type_names = {"text", "integer"};
  return DiffSql(in);
}

std::string script(Dialect dialect) {
  DiffSql sql = sql_for(dialect, quote_qualified(dialect, "analytics.customers"));
  const auto& t = sql.tables();
  std::set<std::string> committed(sql.hash_slots().begin(), sql.hash_slots().end());
  std::set<std::string> committed_without_second{sql.hash_slots().front()};
  std::ostringstream out;
  auto put = [&](const char* label, const std::string& statement) {
    out << "-- " << label << "\n" << statement << ";\n\n";
  };
  put("create schema", sql.create_schema());
  for (const auto& s : sql.drop_transient_tables()) put("drop transient", s);
  put("probe model", sql.probe_model());
  put("create current", sql.create_current());
  put("create committed if missing", sql.create_committed_if_missing());
  put("probe committed", sql.probe_committed());
  put("create retry keys", sql.create_key_table(t.retry_keys));
  put("insert retry key", sql.insert_key(t.retry_keys));
  auto put_all = [&](const char* label, const std::vector<std::string>& statements) {
    for (const auto& statement : statements) put(label, statement);
  };
  put("create diff", sql.create_diff(false, true, committed));
  put("create diff, new mapped column", sql.create_diff(false, false, committed_without_second));
  put("create diff, full resync", sql.create_diff(true, false, committed));
  put_all("create changes", sql.create_changes());
  put("count current", sql.count_current());
  put("count diff", sql.count_diff());
  put("null key sample", sql.null_key_sample());
  put("duplicate sample", sql.duplicate_sample());
  put("changed rows", sql.changed_rows());
  put("removed keys", sql.removed_keys());
  put_all("drop commit leftovers", sql.drop_commit_leftovers());
  put("create excluded keys", sql.create_excluded_keys());
  put("create next", sql.create_next(false, true, true, committed));
  put("create next, full resync", sql.create_next(true, true, true, committed_without_second));
  for (const std::string* source : {&t.next, &t.current}) {
    SwapPlan swap = sql.swap(*source);
    out << "-- swap (" << (swap.transactional ? "one transaction" : "statement by statement") << ")\n";
    for (const auto& s : swap.statements) out << s << ";\n";
  }
  return out.str();
}

}  // namespace

TEST_CASE("warehouse SQL matches the golden files for every dialect", "[diff][warehouse][sql]") {
  for (Dialect dialect : {Dialect::postgres, Dialect::sqlite, Dialect::mysql, Dialect::snowflake, Dialect::bigquery,
                          Dialect::redshift, Dialect::databricks}) {
    const auto path = test::source_dir() / "tests" / "diff_golden" / (std::string(to_string(dialect)) + ".sql");
    const std::string actual = script(dialect);
    if (std::getenv("BACKFLOW_UPDATE_GOLDEN")) std::ofstream(path) << actual;
    std::ifstream in(path);
    REQUIRE(in.good());
    std::stringstream expected;
    expected << in.rdbuf();
    INFO("dialect " << to_string(dialect) << " (" << path.string() << ")");
    CHECK(actual == expected.str());
  }
}

TEST_CASE("warehouse SQL uses each dialect's hash and join and swap", "[diff][warehouse][sql]") {
  auto diff_sql = [](Dialect d) {
    DiffSql sql = sql_for(d, "m");
    return sql.create_diff(false, false, {sql.hash_slots().begin(), sql.hash_slots().end()});
  };
  CHECK_THAT(sql_for(Dialect::postgres, "m").create_current(),
             Catch::Contains("hashtext(CASE WHEN m.\"email\" IS NULL THEN 'N' ELSE 'Vvarchar:' || m.\"email\"::text END)"));
  CHECK_THAT(sql_for(Dialect::postgres, "m").create_diff(true, false, {}), Catch::StartsWith("CREATE UNLOGGED TABLE"));
  CHECK_THAT(sql_for(Dialect::sqlite, "m").create_current(), Catch::Contains("quote(m.\"email\")"));
  CHECK_THAT(sql_for(Dialect::snowflake, "m").create_current(), Catch::Contains("HASH(m.\"email\")"));
  CHECK_THAT(sql_for(Dialect::bigquery, "m").create_current(),
             Catch::Contains("FARM_FINGERPRINT(TO_JSON_STRING(m.`email`))"));
  CHECK_THAT(sql_for(Dialect::databricks, "m").create_current(), Catch::Contains("xxhash64("));
  CHECK_THAT(sql_for(Dialect::mysql, "m").create_current(), Catch::Contains("MD5("));
  for (Dialect d : {Dialect::postgres, Dialect::snowflake, Dialect::bigquery, Dialect::redshift, Dialect::databricks}) {
    CHECK_THAT(diff_sql(d), Catch::Contains("FULL OUTER JOIN"));
  }
  for (Dialect d : {Dialect::sqlite, Dialect::mysql}) {
    CHECK_THAT(diff_sql(d), !Catch::Contains("FULL OUTER JOIN") && Catch::Contains("LEFT JOIN") &&
                                Catch::Contains("UNION ALL") && Catch::Contains("NOT EXISTS"));
  }
  CHECK_THAT(diff_sql(Dialect::mysql), Catch::Contains("CONCAT(") && !Catch::Contains("||"));
  CHECK(sql_for(Dialect::postgres, "m").swap("n").transactional);
  CHECK(sql_for(Dialect::sqlite, "m").swap("n").transactional);
  CHECK(sql_for(Dialect::redshift, "m").swap("n").transactional);
  CHECK_THAT(sql_for(Dialect::snowflake, "m").swap("n").statements[1], Catch::Contains("SWAP WITH"));
  CHECK_THAT(sql_for(Dialect::mysql, "m").swap("n").statements[0], Catch::StartsWith("RENAME TABLE") && Catch::Contains(", "));
  CHECK_THAT(sql_for(Dialect::bigquery, "m").swap("n").statements[1], Catch::StartsWith("CREATE OR REPLACE TABLE"));
  CHECK_THAT(sql_for(Dialect::databricks, "m").swap("n").statements[1], Catch::StartsWith("CREATE OR REPLACE TABLE"));
}

TEST_CASE("warehouse SQL streams changes from its own tables by key, and the swap retires the diff table",
          "[diff][warehouse][sql]") {
  for (Dialect d : {Dialect::postgres, Dialect::sqlite, Dialect::mysql, Dialect::snowflake, Dialect::bigquery,
                    Dialect::redshift, Dialect::databricks}) {
    INFO("dialect " << to_string(d));
    DiffSql sql = sql_for(d, "the_model");
    const std::string keys = "d." + quote_identifier(d, sql.key_slots()[0]) + ", d." +
                             quote_identifier(d, sql.key_slots()[1]);
    // Resumable: the stream reads neither the live model nor an unordered scan.
    CHECK_THAT(sql.changed_rows(), !Catch::Contains("the_model") && Catch::EndsWith(" ORDER BY " + keys));
    CHECK_THAT(sql.removed_keys(), !Catch::Contains("the_model") && Catch::EndsWith(" ORDER BY " + keys));
    // The values are copied from the model when the diff is built.
    CHECK_THAT(sql.create_changes().back(), Catch::Contains(" JOIN the_model m ON"));
    CHECK_THAT(sql.create_excluded_keys(), !Catch::Contains("the_model"));
    // The diff table leaves with the swap: atomically, or before it.
    SwapPlan swap = sql.swap(sql.tables().next);
    bool retires_diff = false;
    for (std::size_t i = 0; i < swap.statements.size(); ++i) {
      const bool mentions = swap.statements[i].find(sql.tables().diff) != std::string::npos;
      if (mentions) CHECK((swap.transactional || i == 0));
      retires_diff = retires_diff || mentions;
    }
    CHECK(retires_diff);
  }
  // SQLite declares the model's types for the copied values.
  CHECK_THAT(sql_for(Dialect::sqlite, "m").create_changes().front(),
             Catch::StartsWith("CREATE TABLE") && Catch::Contains(" text, ") && Catch::Contains(" numeric)"));
}

TEST_CASE("bookkeeping table names are safe and short and distinct", "[diff][warehouse][sql]") {
  SyncTables a = make_sync_tables(Dialect::postgres, "backflow", std::string(200, 'x') + "a");
  SyncTables b = make_sync_tables(Dialect::postgres, "backflow", std::string(200, 'x') + "b");
  CHECK(a.committed_name.size() <= 63);
  CHECK(a.committed != b.committed);
  SyncTables odd = make_sync_tables(Dialect::postgres, "backflow", "Robert\"); DROP TABLE x;--");
  CHECK(odd.committed_name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos);
  CHECK(make_sync_tables(Dialect::postgres, "backflow", "A b").committed_name !=
        make_sync_tables(Dialect::postgres, "backflow", "a_b").committed_name);
  SyncTables lite = make_sync_tables(Dialect::sqlite, "backflow", "orders");
  CHECK(lite.schema.empty());
  CHECK_THAT(lite.committed, Catch::StartsWith("\"backflow__bf_orders_"));
  CHECK_THAT(make_sync_tables(Dialect::mysql, "bk", "orders").committed, Catch::StartsWith("`bk`.`bf_orders_"));
}
