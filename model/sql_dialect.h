// SQL dialects of the warehouses backflow reads from and writes to: the one
// Dialect type, the one list of their config spellings, and SqlDialect, the
// small interface behind which each dialect keeps everything that differs
// between warehouses (identifier quoting, hash expressions, column types for
// DDL, upsert form, how a table is swapped in, capabilities). Each dialect is
// one file, model/dialects/<name>.cpp; the builders of SQL text (the warehouse
// diff engine, the sql destination) ask it and never switch on Dialect.
//
// Quoting is the only safe way to put a user-supplied table or column name
// into SQL text; values always go in as bound parameters.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/row_source.h"

namespace backflow {

enum class Dialect { postgres, sqlite, mysql, snowflake, bigquery, redshift, databricks };

// How identifiers are quoted: `quote` opens and closes one; inside, the quote
// character is doubled, or, with backslash_escapes, it and the backslash are
// preceded by a backslash.
struct IdentifierQuoting {
  char quote = '"';
  bool backslash_escapes = false;
};

// What a dialect can do, where the SQL the builders write depends on it.
struct DialectCapabilities {
  // CREATE SCHEMA and schema-qualified names (SQLite has neither).
  bool schemas = true;
  // FULL OUTER JOIN (SQLite before 3.39 and MySQL lack it).
  bool full_outer_join = true;
  // CREATE, DROP and ALTER TABLE commit or roll back with the transaction
  // they run in, instead of committing it implicitly.
  bool transactional_ddl = true;
  // The warehouse diff engine may commit a run by deleting and inserting the
  // changed records in the committed table, then dropping the diff table, in
  // one transaction (cheap where DML is cheap and the drop keeps the order).
  bool commits_in_place = false;
  // DELETE <alias> FROM <table> <alias> JOIN ...: a delete driven by a join.
  bool multi_table_delete = false;
  // CREATE TABLE IF NOT EXISTS <t> AS <query> (Redshift lacks it).
  bool create_table_if_not_exists_as = true;
  // CREATE TABLE <t> AS <query> declares the query's column types (SQLite
  // declares affinities only).
  bool create_table_as_keeps_types = true;
  // Built-in hash functions (SQLite has none: values are compared as their
  // quote() rendering, and there is no row hash).
  bool hash_functions = true;
  // The warehouse is a file this process opens (SQLite): a sync's default
  // diff engine is then the local one, since reading every row costs no
  // network and the file need not grow bookkeeping tables.
  bool embedded = false;
};

// How one row is written so that it replaces the row with the same key.
enum class UpsertForm {
  on_conflict,       // INSERT ... ON CONFLICT (<key>) DO UPDATE SET c = excluded.c
  on_duplicate_key,  // INSERT ... ON DUPLICATE KEY UPDATE c = VALUES(c)
  merge,             // MERGE INTO ... USING (SELECT ? AS c, ...) ...
};

// How a freshly built table replaces another one atomically.
enum class TableSwap {
  rename_in_transaction,  // DROP old; ALTER TABLE new RENAME TO old, in one transaction
  swap_with,              // ALTER TABLE new SWAP WITH old
  rename_pairs,           // one RENAME TABLE a TO b, c TO d renames every pair at once
  replace_by_copy,        // CREATE OR REPLACE TABLE old COPY new
  replace_by_select,      // CREATE OR REPLACE TABLE old AS SELECT * FROM new
};

// One value going into a row hash: an SQL expression and the model's type
// name of it (as the driver reports it; some dialects hash by type).
struct HashedValue {
  std::string expression;
  std::string type_name;
};

// Everything one dialect does its own way. Implementations are stateless
// singletons (sql_dialect() hands out references valid for the program's
// life); every method is const and thread-safe. The hash methods return SQL
// expressions; docs/diff.md explains each dialect's choice.
class SqlDialect {
 public:
  virtual ~SqlDialect() = default;

  virtual Dialect id() const = 0;
  // The spelling the config uses ("postgres", "sqlite", ...).
  virtual std::string_view name() const = 0;
  // Other spellings parse_dialect() accepts (lower case): "postgresql".
  virtual std::vector<std::string_view> aliases() const { return {}; }
  // Lower-case parts of an ODBC driver's file or registered name, or of a
  // server's SQL_DBMS_NAME, that identify this dialect's warehouse
  // ("psql" in psqlodbcw.so). Empty: never guessed from a driver.
  virtual std::vector<std::string_view> driver_name_parts() const { return {}; }

  virtual IdentifierQuoting quoting() const = 0;
  virtual DialectCapabilities capabilities() const = 0;
  virtual UpsertForm upsert_form() const = 0;
  virtual TableSwap table_swap() const = 0;

  // The column type a model column gets in CREATE TABLE ("BIGINT",
  // "NUMERIC", "TEXT", "TIMESTAMPTZ", ...). Key columns of text type get a
  // bounded VARCHAR where the dialect cannot index unbounded text.
  virtual std::string column_type(const ColumnInfo& column, bool key_column) const = 0;

  // A typed, NULL-distinguishing hash of one value: `value` is an SQL
  // expression of the model's column type, `type_tag` an SQL string literal
  // naming that type ('V<type>:'), for dialects that hash the value's text
  // and would otherwise hash 1 and '1' alike.
  virtual std::string value_hash(const std::string& value, const std::string& type_tag) const = 0;
  // The column type value_hash() results are stored in.
  virtual std::string value_hash_type() const = 0;
  // A hash of a whole row: `values` (never empty) and `seed`, a positive
  // 62-bit integer literal. `typed_row_hash`: PostgreSQL 14+ (see
  // postgres.cpp); the others ignore it. "" without hash_functions.
  virtual std::string row_hash(const std::vector<HashedValue>& values, const std::string& seed,
                               bool typed_row_hash) const = 0;
  // The column type row_hash() results are stored in.
  virtual std::string row_hash_type() const { return value_hash_type(); }

  // String concatenation of two or more SQL expressions.
  virtual std::string concat(const std::vector<std::string>& parts) const;

  // "CREATE TABLE " or, for tables that need not survive a warehouse crash,
  // the dialect's cheaper variant (PostgreSQL: "CREATE UNLOGGED TABLE ").
  virtual std::string create_transient_table() const { return "CREATE TABLE "; }

  // A table element, with a trailing space, declaring an index on
  // `quoted_columns` inside CREATE TABLE ... AS SELECT, for dialects whose
  // tables built that way have none and whose joins need one (MySQL).
  // `type_names`: the columns' types as the driver reports them, used to
  // index long text on a prefix; `unique`: each key occurs once (a primary
  // key may do). "" where not needed, or when `type_names` does not match.
  virtual std::string key_index(const std::string& index_name, const std::vector<std::string>& quoted_columns,
                                const std::vector<std::string>& type_names, bool unique) const;

  // A query returning the server's version as a number, where the SQL this
  // dialect writes depends on it (PostgreSQL: server_version_num). "" elsewhere.
  virtual std::string server_version_query() const { return ""; }
  // A query returning a row when `quoted_table` (qualified and quoted) has a
  // unique index on `key_columns` only (or a subset of them), where the
  // catalog can tell. "" elsewhere.
  virtual std::string unique_key_index_query(const std::string& quoted_table,
                                             const std::vector<std::string>& key_columns) const;
  // A statement to run in the transaction of one large one-pass query (the
  // warehouse diff), tuning the session for it. "" when there is nothing to tune.
  virtual std::string large_query_setting() const { return ""; }
  // A statement that makes the transaction it starts read one consistent
  // snapshot, run first in that transaction; "" where every transaction
  // already does (SQLite) or the dialect offers nothing portable.
  virtual std::string consistent_read_statement() const { return ""; }
  // Statements run once on every new connection, outside any transaction,
  // so that values come back as the row codec expects (PostgreSQL renders
  // timestamptz in the session's time zone: UTC).
  virtual std::vector<std::string> session_setup() const { return {}; }

 protected:
  // "(<precision>,<scale>)" of a decimal column, "(38,9)" when the driver
  // reports no precision a DECIMAL can take.
  static std::string decimal_precision(const ColumnInfo& column);
};

// The dialect's implementation. Never fails for a Dialect value.
const SqlDialect& sql_dialect(Dialect dialect);

// The first dialect, in the enum's order, one of whose driver_name_parts()
// occurs in `name` (compared in lower case); nullopt when none does.
std::optional<Dialect> dialect_for_driver_name(std::string_view name);

// "postgres", "sqlite", ... (the spelling the config uses).
std::string_view to_string(Dialect dialect);

// Every dialect's spelling, in the enum's order: the one list that config
// validation, suggestions and messages use. Static; thread-safe.
const std::vector<std::string>& dialect_names();

// Parses the config spelling (case-insensitive; "postgresql" is accepted for
// postgres). Throws std::invalid_argument naming the valid dialects otherwise.
Dialect parse_dialect(std::string_view name);

// Quotes one identifier so that the warehouse reads it verbatim, whatever it
// contains (spaces, quotes, dots, mixed case):
//   postgres, sqlite, snowflake, redshift: "a""b"
//   mysql, databricks:                     `a``b`
//   bigquery:                              `a\`b` (backslash escapes)
// Throws std::invalid_argument for an empty name or one containing NUL.
std::string quote_identifier(Dialect dialect, std::string_view name);

// Quotes a dotted name ("schema.table", "db.schema.table") part by part.
// Splits on dots, so a name that itself contains a dot must be written in
// the dialect's quoted form ("my.schema".orders), which is kept as is.
// Throws std::invalid_argument for empty parts or an unterminated quote.
std::string quote_qualified(Dialect dialect, std::string_view dotted_name);

}  // namespace backflow
