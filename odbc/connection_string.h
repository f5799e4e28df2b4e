// ODBC connection strings as key=value pairs, as the ODBC spec defines them:
// pairs separated by ';', values optionally in braces ({a;b}, "}}" escapes).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace backflow::odbc {

struct ConnectionAttribute {
  std::string key;
  std::string value;        // unbraced, unescaped
  std::size_t value_begin;  // offsets of the value text (incl. braces) in the input
  std::size_t value_end;
};

// Splits a connection string into its attributes, in order. Never throws;
// malformed trailing text becomes a key with an empty value.
std::vector<ConnectionAttribute> parse_connection_string(std::string_view connection_string);

// The value of `key` (case-insensitive), if present.
std::optional<std::string> find_attribute(std::string_view connection_string, std::string_view key);

// `connection_string` with "key=value" appended unless the key is present.
std::string with_default_attribute(std::string connection_string, std::string_view key, std::string_view value);

// `connection_string` with the value of its first `key` (case-insensitive)
// replaced by `value` in place, or "key=value" appended when it has none.
std::string with_attribute(std::string connection_string, std::string_view key, std::string_view value);

}  // namespace backflow::odbc
