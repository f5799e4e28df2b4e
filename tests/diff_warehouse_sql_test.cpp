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
  std::ostringstream out;
  auto put = [&](const char* label, const std::string& statement) {
    out << "-- " << label << "\n" << statement << ";\n\n";
  };
  auto put_all = [&](const char* label, const std::vector<std::string>& statements) {
    for (const auto& statement : statements) put(label, statement);
  };
  std::set<std::string> committed(sql.key_slots().begin(), sql.key_slots().end());
  committed.insert("bf_h");
  committed.insert(sql.hash_slots().begin(), sql.hash_slots().end());
  std::set<std::string> committed_without_second = committed;
  committed_without_second.erase(sql.hash_slots().back());
  put("create schema", sql.create_schema());
  for (const auto& s : sql.drop_transient_tables()) put("drop transient", s);
  put("probe model", sql.probe_model());
  put("probe server version", sql.probe_server_version());
  put("probe unique key index", sql.probe_unique_key_index(quote_qualified(dialect, "analytics.customers")));
  put_all("create committed if missing", sql.create_committed_if_missing());
  put("probe committed", sql.probe_committed());
  put("create retry keys", sql.create_key_table(t.retry_keys));
  put("insert retry key", sql.insert_key(t.retry_keys));
  put("diff session setting", sql.diff_session_setting());
  put_all("create diff, with retry keys", sql.create_diff({.with_retry_keys = true}, committed));
  put_all("create diff, new mapped column (full build)",
          sql.create_diff({.full_build = true}, committed_without_second));
  put_all("create diff, full resync", sql.create_diff({.full_resync = true, .full_build = true}, committed));
  put("count run", sql.count_run());
  put("count diff", sql.count_diff());
  put("null key sample", sql.null_key_sample());
  put("duplicate sample", sql.duplicate_sample());
  put("changed rows", sql.changed_rows());
  put("removed keys", sql.removed_keys());
  put_all("drop commit leftovers", sql.drop_commit_leftovers());
  put("create excluded keys", sql.create_excluded_keys());
  if (sql.commits_in_place()) {
    out << "-- commit in place (one transaction)\n";
    for (const auto& s : sql.commit_in_place(true)) out << s << ";\n";
    out << "\n";
  }
  put("create next", sql.create_next(false, true, true, committed));
  put("create next, full resync", sql.create_next(true, true, true, committed_without_second));
  SwapPlan swap = sql.swap(t.next);
  out << "-- swap (" << (swap.transactional ? "one transaction" : "statement by statement") << ")\n";
  for (const auto& s : swap.statements) out << s << ";\n";
  return out.str();
}

}  // namespace

TEST_CASE("warehouse SQL matches the golden files for every dialect", "[diff][warehouse][sql]") {
  // Every registered dialect, so that a new one cannot go without its file.
  for (const auto& name : backflow::dialect_names()) {
    const Dialect dialect = backflow::parse_dialect(name);
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

TEST_CASE("warehouse SQL uses each dialect's hash and join and commit", "[diff][warehouse][sql]") {
  auto diff_sql = [](Dialect d) {
    DiffSql sql = sql_for(d, "m");
    std::set<std::string> committed(sql.key_slots().begin(), sql.key_slots().end());
    committed.insert("bf_h");
    committed.insert(sql.hash_slots().begin(), sql.hash_slots().end());
    std::string text;
    for (const auto& statement : sql.create_diff({}, committed)) text += statement + ";\n";
    return text;
  };
  CHECK_THAT(diff_sql(Dialect::postgres),
             Catch::Contains("hashtext(CASE WHEN n.\"v_") && Catch::Contains("hash_record_extended(ROW(m.\"email\", m.\"lifetime value\"::text), ") &&
                 Catch::StartsWith("CREATE UNLOGGED TABLE") && Catch::Contains("COUNT(*) OVER (PARTITION BY"));
  CHECK_THAT(diff_sql(Dialect::sqlite), Catch::Contains("quote(n.\"v_") && !Catch::Contains("c.\"bf_h\" <>"));
  CHECK_THAT(diff_sql(Dialect::snowflake), Catch::Contains("HASH(n.\"v_"));
  CHECK_THAT(diff_sql(Dialect::bigquery), Catch::Contains("FARM_FINGERPRINT(TO_JSON_STRING(n.`v_"));
  CHECK_THAT(diff_sql(Dialect::databricks), Catch::Contains("xxhash64(") && Catch::Contains("isnull(m.`email`)"));
  CHECK_THAT(diff_sql(Dialect::mysql), Catch::Contains("MD5("));
  for (Dialect d : {Dialect::postgres, Dialect::snowflake, Dialect::bigquery, Dialect::redshift, Dialect::databricks}) {
    const std::string row_hash = quote_identifier(d, "bf_h");
    CHECK_THAT(diff_sql(d), Catch::Contains("FULL OUTER JOIN") && Catch::Contains("c." + row_hash + " <> n." + row_hash));
  }
  for (Dialect d : {Dialect::sqlite, Dialect::mysql}) {
    // Removed keys: an anti-join written as LEFT JOIN ... IS NULL (a NOT
    // EXISTS over the model was a correlated scan per committed row).
    CHECK_THAT(diff_sql(d), !Catch::Contains("FULL OUTER JOIN") && Catch::Contains("LEFT JOIN") &&
                                Catch::Contains("UNION ALL") && !Catch::Contains("NOT EXISTS") &&
                                Catch::Contains(" IS NULL;"));
  }
  // Keys indexed where a table built from a SELECT has no index.
  CHECK_THAT(diff_sql(Dialect::sqlite), Catch::Contains(";\nCREATE INDEX \"backflow__bf_"));
  CHECK_THAT(diff_sql(Dialect::mysql), Catch::Contains("(INDEX `bf_key` ("));
  CHECK_THAT(diff_sql(Dialect::mysql), Catch::Contains("CONCAT(") && !Catch::Contains("||"));
  // A table with a unique index on the key skips the duplicate count (PostgreSQL).
  DiffSqlInput unique_input;
  unique_input.dialect = Dialect::postgres;
  unique_input.tables = make_sync_tables(Dialect::postgres, "backflow", "s");
  unique_input.model_from = "m";
  unique_input.key_columns = unique_input.key_config_names = {"id"};
  unique_input.mapped_columns = unique_input.mapped_config_names = {"a"};
  unique_input.model_keys_unique = true;
  CHECK_THAT(DiffSql(unique_input).create_diff({}, {}).back(), !Catch::Contains("OVER (PARTITION BY"));
  // PostgreSQL before 14 has no hash_record_extended: the row's text is hashed.
  unique_input.typed_row_hash = false;
  CHECK_THAT(DiffSql(unique_input).create_diff({}, {}).back(),
             Catch::Contains("hashtextextended(ROW(m.\"a\"::text)::text, ") && !Catch::Contains("hash_record_extended"));
  for (Dialect d : {Dialect::postgres, Dialect::sqlite, Dialect::redshift}) {
    CHECK(sql_for(d, "m").commits_in_place());
    CHECK(sql_for(d, "m").swap("n").transactional);
  }
  for (Dialect d : {Dialect::snowflake, Dialect::bigquery, Dialect::databricks}) {
    CHECK_FALSE(sql_for(d, "m").commits_in_place());
  }
  // MySQL: DML in place (its DDL is not transactional, but the commit is
  // idempotent: added keys are deleted first too), the delete driven by a join.
  CHECK(sql_for(Dialect::mysql, "m").commits_in_place());
  CHECK_THAT(sql_for(Dialect::mysql, "m").commit_in_place(true).front(),
             Catch::StartsWith("DELETE c FROM ") && Catch::Contains(" IN ('a', 'c', 'r')") && Catch::Contains("NOT EXISTS"));
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
    const auto build = sql.create_diff({}, {});
    CHECK_THAT(d == Dialect::sqlite ? build.at(1) : build.back(), Catch::Contains(" FROM the_model m) n "));
    CHECK_THAT(sql.create_excluded_keys(), !Catch::Contains("the_model"));
    // Committing in place reads only the diff, the excluded keys and the committed table.
    if (sql.commits_in_place()) {
      const auto statements = sql.commit_in_place(true);
      for (const auto& s : statements) CHECK_THAT(s, !Catch::Contains("the_model"));
      CHECK(statements.back() == "DROP TABLE " + sql.tables().diff);
    }
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
  CHECK_THAT(sql_for(Dialect::sqlite, "m").create_diff({}, {}).front(),
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
