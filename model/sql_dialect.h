// SQL dialects of the warehouses backflow reads from, and how each one quotes
// identifiers. Quoting is the only safe way to put a user-supplied table or
// column name into SQL text; values always go in as bound parameters.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace backflow {

enum class Dialect { postgres, sqlite, mysql, snowflake, bigquery, redshift, databricks };

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
