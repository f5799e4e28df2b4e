#include "model/sql_dialect.h"

#include <array>
#include <cctype>
#include <stdexcept>
#include <utility>

namespace backflow {

namespace {

constexpr std::array<std::pair<Dialect, std::string_view>, 7> kNames{{
    {Dialect::postgres, "postgres"},
    {Dialect::sqlite, "sqlite"},
    {Dialect::mysql, "mysql"},
    {Dialect::snowflake, "snowflake"},
    {Dialect::bigquery, "bigquery"},
    {Dialect::redshift, "redshift"},
    {Dialect::databricks, "databricks"},
}};

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

char quote_char(Dialect dialect) {
  switch (dialect) {
    case Dialect::mysql:
    case Dialect::databricks:
    case Dialect::bigquery:
      return '`';
    default:
      return '"';
  }
}

}  // namespace

std::string_view to_string(Dialect dialect) {
  for (const auto& [d, name] : kNames) {
    if (d == dialect) return name;
  }
  return "unknown";
}

const std::vector<std::string>& dialect_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& [d, spelling] : kNames) out.emplace_back(spelling);
    return out;
  }();
  return names;
}

Dialect parse_dialect(std::string_view name) {
  const std::string lower = lowercase(name);
  if (lower == "postgresql") return Dialect::postgres;
  for (const auto& [d, spelling] : kNames) {
    if (lower == spelling) return d;
  }
  std::string valid;
  for (const auto& [d, spelling] : kNames) valid += (valid.empty() ? "" : ", ") + std::string(spelling);
  throw std::invalid_argument("unknown SQL dialect '" + std::string(name) + "' (expected one of: " +
                              valid + ")");
}

std::string quote_identifier(Dialect dialect, std::string_view name) {
  if (name.empty()) throw std::invalid_argument("cannot quote an empty identifier");
  if (name.find('\0') != std::string_view::npos) {
    throw std::invalid_argument("identifier contains a NUL character");
  }
  const char q = quote_char(dialect);
  std::string out;
  out.reserve(name.size() + 2);
  out += q;
  for (char c : name) {
    if (dialect == Dialect::bigquery) {
      if (c == '`' || c == '\\') out += '\\';
    } else if (c == q) {
      out += q;
    }
    out += c;
  }
  out += q;
  return out;
}

std::string quote_qualified(Dialect dialect, std::string_view dotted_name) {
  const char q = quote_char(dialect);
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
        if (dialect == Dialect::bigquery && c == '\\' && i + 1 < dotted_name.size()) {
          i += 2;
          continue;
        }
        if (c == q) {
          if (dialect != Dialect::bigquery && i + 1 < dotted_name.size() && dotted_name[i + 1] == q) {
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
