#include "model/sql_dialect.h"

#include <array>
#include <stdexcept>

#include "common/text.h"
#include "model/dialects/dialects.h"

namespace backflow {

namespace {

// The registry: one line per dialect, in the enum's order (sql_dialect()
// checks that each entry is the dialect of its position).
using DialectFactory = const SqlDialect& (*)();
constexpr std::array<DialectFactory, 7> kDialects{
    &dialects::postgres, &dialects::sqlite,   &dialects::mysql,      &dialects::snowflake,
    &dialects::bigquery, &dialects::redshift, &dialects::databricks,
};

}  // namespace

const SqlDialect& sql_dialect(Dialect dialect) {
  const auto index = static_cast<std::size_t>(dialect);
  if (index >= kDialects.size() || kDialects[index]().id() != dialect) {
    throw std::logic_error("the dialect registry does not hold dialect #" + std::to_string(index) +
                           " at its position");
  }
  return kDialects[index]();
}

std::string SqlDialect::concat(const std::vector<std::string>& parts) const { return text::join(parts, " || "); }

std::string SqlDialect::key_index(const std::string& /*index_name*/, const std::vector<std::string>& /*quoted_columns*/,
                                  const std::vector<std::string>& /*type_names*/, bool /*unique*/) const {
  return "";
}

std::string SqlDialect::unique_key_index_query(const std::string& /*quoted_table*/,
                                               const std::vector<std::string>& /*key_columns*/) const {
  return "";
}

std::string SqlDialect::decimal_precision(const ColumnInfo& column) {
  return column.size > 0 && column.size <= 38 ? "(" + std::to_string(column.size) + "," + std::to_string(column.scale) + ")"
                                              : "(38,9)";
}

std::optional<Dialect> dialect_for_driver_name(std::string_view name) {
  const std::string lower = text::lower(name);
  for (DialectFactory factory : kDialects) {
    for (std::string_view part : factory().driver_name_parts()) {
      if (lower.find(part) != std::string::npos) return factory().id();
    }
  }
  return std::nullopt;
}

std::string_view to_string(Dialect dialect) {
  const auto index = static_cast<std::size_t>(dialect);
  return index < kDialects.size() ? sql_dialect(dialect).name() : "unknown";
}

const std::vector<std::string>& dialect_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (DialectFactory factory : kDialects) out.emplace_back(factory().name());
    return out;
  }();
  return names;
}

Dialect parse_dialect(std::string_view name) {
  const std::string lower = text::lower(name);
  for (DialectFactory factory : kDialects) {
    const SqlDialect& candidate = factory();
    if (lower == candidate.name()) return candidate.id();
    for (std::string_view alias : candidate.aliases()) {
      if (lower == alias) return candidate.id();
    }
  }
  throw std::invalid_argument("unknown SQL dialect " + text::quote_for_message(name) + " (expected one of: " +
                              text::join(dialect_names(), ", ") + ")");
}

std::string quote_identifier(Dialect dialect, std::string_view name) {
  if (name.empty()) throw std::invalid_argument("cannot quote an empty identifier");
  if (name.find('\0') != std::string_view::npos) {
    throw std::invalid_argument("identifier contains a NUL character");
  }
  const IdentifierQuoting quoting = sql_dialect(dialect).quoting();
  const char q = quoting.quote;
  std::string out;
  out.reserve(name.size() + 2);
  out += q;
  for (char c : name) {
    if (quoting.backslash_escapes) {
      if (c == q || c == '\\') out += '\\';
    } else if (c == q) {
      out += q;
    }
    out += c;
  }
  out += q;
  return out;
}

std::string quote_qualified(Dialect dialect, std::string_view dotted_name) {
  const IdentifierQuoting quoting = sql_dialect(dialect).quoting();
  const char q = quoting.quote;
  std::string out;
  std::size_t i = 0;
  while (true) {
    std::string part_sql;
    if (i < dotted_name.size() && dotted_name[i] == q) {
      // Already quoted: copy through the closing quote, honouring escapes.
      const std::size_t start = i++;
      bool closed = false;
      while (i < dotted_name.size()) {
        const char c = dotted_name[i];
        if (quoting.backslash_escapes && c == '\\' && i + 1 < dotted_name.size()) {
          i += 2;
          continue;
        }
        if (c == q) {
          if (!quoting.backslash_escapes && i + 1 < dotted_name.size() && dotted_name[i + 1] == q) {
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        ++i;
      }
      if (!closed) {
        throw std::invalid_argument("unterminated quoted identifier in '" + std::string(dotted_name) + "'");
      }
      if (i - start == 2) throw std::invalid_argument("empty quoted identifier in '" + std::string(dotted_name) + "'");
      part_sql = std::string(dotted_name.substr(start, i - start));
      if (i < dotted_name.size() && dotted_name[i] != '.') {
        throw std::invalid_argument("unexpected text after a quoted identifier in '" +
                                    std::string(dotted_name) + "'");
      }
    } else {
      const std::size_t dot = dotted_name.find('.', i);
      const std::size_t end = dot == std::string_view::npos ? dotted_name.size() : dot;
      if (end == i) throw std::invalid_argument("empty name part in '" + std::string(dotted_name) + "'");
      part_sql = quote_identifier(dialect, dotted_name.substr(i, end - i));
      i = end;
    }
    out += part_sql;
    if (i >= dotted_name.size()) break;
    out += '.';  // dotted_name[i] == '.'
    ++i;
    if (i >= dotted_name.size()) throw std::invalid_argument("empty name part in '" + std::string(dotted_name) + "'");
  }
  return out;
}

}  // namespace backflow
