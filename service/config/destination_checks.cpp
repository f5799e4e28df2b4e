// Checks of values that are valid YAML of the right kind but that a
// destination type cannot work with: limits the vendor documents, the form
// of a SQL table name or connection string, the identifiers a vendor knows.
#include <algorithm>
#include <map>
#include <regex>

#include "common/suggest.h"
#include "diff/odbc/connection.h"
#include "diff/odbc/connection_string.h"
#include "service/config/section_parsers.h"

namespace backflow::config {
namespace {

std::uint64_t number_or_zero(const Destination& destination, const char* key) {
  auto it = destination.options.find(key);
  return it != destination.options.end() && it->is_number_unsigned() ? it->get<std::uint64_t>() : 0;
}

void check_at_most(YamlReader& reader, const MapFields& fields, const std::string& path, const Destination& destination,
                   const char* key, std::uint64_t min, std::uint64_t max, const std::string& why) {
  auto node = fields.get(key);
  if (!node || !destination.options.contains(key)) return;
  const std::uint64_t value = number_or_zero(destination, key);
  if (value < min || value > max) {
    reader.error(*node, join_path(path, key),
                 "expected a whole number from " + std::to_string(min) + " to " + std::to_string(max) + ", found " +
                     std::to_string(value) + " (" + why + ")");
  }
}

void check_klaviyo(YamlReader& reader, const MapFields& fields, const std::string& path,
                   const Destination& destination) {
  check_at_most(reader, fields, path, destination, "batch_size", 1, 10'000,
                "Klaviyo imports at most 10,000 profiles per job");
  check_at_most(reader, fields, path, destination, "max_bytes", 1024, 5'000'000,
                "Klaviyo takes at most 5 MB per import job");
  if (auto node = fields.get("revision"); node && destination.options.contains("revision")) {
    static const std::regex revision(R"(\d{4}-\d{2}-\d{2}(\.[a-z]+)?)");
    const std::string value = destination.options["revision"].get<std::string>();
    if (!std::regex_match(value, revision)) {
      reader.error(*node, join_path(path, "revision"),
                   "expected a Klaviyo API revision date such as \"2025-01-15\", found " + quote_for_message(value));
    }
  }
}

void check_sql(YamlReader& reader, const MapFields& fields, const std::string& path, const Destination& destination) {
  check_at_most(reader, fields, path, destination, "batch_size", 1, 100'000, "rows per transaction");
  if (auto node = fields.get("connection"); node && destination.options.contains("connection")) {
    // Never quoted back: the connection string holds the password.
    const std::string value = destination.options["connection"].get<std::string>();
    if (value.find('=') == std::string::npos) {
      reader.error(*node, join_path(path, "connection"),
                   "expected an ODBC connection string such as \"Driver={PostgreSQL Unicode};Server=...;"
                   "Database=...\" or \"DSN=name\" (no '=' found)");
    } else if (!destination.options.contains("dialect") && odbc::find_attribute(value, "Driver") &&
               !odbc::guess_dialect(value)) {
      // A DSN hides its driver: that case is settled when the run connects.
      reader.error(*node, join_path(path, "connection"),
                   "cannot tell the SQL dialect from this connection's Driver " +
                       quote_for_message(*odbc::find_attribute(value, "Driver")) +
                       "; add `dialect:` (postgres, sqlite, mysql, snowflake, bigquery, redshift, databricks)");
    }
  }
}

}  // namespace

void check_destination_values(YamlReader& reader, const MapFields& fields, const std::string& path,
                              const Destination& destination) {
  if (destination.type == "klaviyo") check_klaviyo(reader, fields, path, destination);
  if (destination.type == "sql") check_sql(reader, fields, path, destination);
}

void check_sync_destination_values(YamlReader& reader, const MapFields& fields, const std::string& path,
                                   const std::string& type, const SyncDestination& destination) {
  // The fields each vendor can name a record by (docs/destinations/<type>.md).
  static const std::map<std::string, std::vector<std::string>> identifiers = {
      {"braze", {"external_id", "email"}},
      {"klaviyo", {"email", "phone_number", "external_id"}},
      {"iterable", {"email", "userId"}},
      {"intercom", {"external_id", "email"}},
  };
  if (auto known = identifiers.find(type); known != identifiers.end() && destination.match_on) {
    const auto& allowed = known->second;
    if (std::find(allowed.begin(), allowed.end(), destination.match_on->field) == allowed.end()) {
      std::string listed;
      for (const auto& field : allowed) listed += (listed.empty() ? "" : ", ") + field;
      reader.error(*fields.get("match_on"), path + ".match_on.field",
                   type + " identifies records by one of " + listed + ", found " +
                       quote_for_message(destination.match_on->field),
                   text::nearest(destination.match_on->field, allowed));
    }
  }
  if (type == "sql") {
    if (auto node = fields.get("match_on")) {
      reader.error(*node, path + ".match_on",
                   "a sql destination matches rows on the sync's source.primary_key columns; remove match_on");
    }
    if (auto node = fields.get("table"); node && destination.options.contains("table")) {
      static const std::regex table(R"([A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*){0,2})");
      const std::string value = destination.options["table"].get<std::string>();
      if (!std::regex_match(value, table)) {
        reader.error(*node, path + ".table",
                     "expected a table name such as \"scores\" or \"public.scores\" (letters, digits, _ and $; "
                     "at most catalog.schema.table), found " +
                         quote_for_message(value));
      }
    }
  }
}

void check_sql_mapping(YamlReader& reader, const std::string& path, const std::vector<MappingEntry>& mapping) {
  for (const MappingEntry& entry : mapping) {
    if (entry.field.find('.') == std::string::npos) continue;
    reader.error(entry.location, join_path(path, entry.field),
                 "a sql destination writes one column per mapped field; '" + entry.field +
                     "' is a nested path (use a column name without dots)");
  }
}

}  // namespace backflow::config
