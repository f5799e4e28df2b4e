// Keeps secrets in ODBC connection strings out of messages and logs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace backflow::odbc {

// True for a connection-string key whose value is secret: PWD, Password,
// token, and any key containing "pass", "secret", "token" or "key"
// (case-insensitive).
bool is_secret_key(std::string_view key);

// The connection string with every secret value replaced by "***", e.g.
// "Driver=x;Uid=bob;Pwd=hunter2" -> "Driver=x;Uid=bob;Pwd=***". Braced values
// ("Pwd={a;b}") are handled as ODBC defines them ("}}" escapes a brace);
// then redact_secret_attributes() catches what a parse misses.
std::string redact_connection_string(std::string_view connection_string);

// `text` (a driver's message, a string that does not parse) with the value
// of every secret-looking "KEY=value" replaced by "***", found by scanning:
// unbalanced braces cannot hide one.
std::string redact_secret_attributes(std::string_view text);

// The secret values in a connection string (non-empty ones), to scrub from
// driver messages that might echo them.
std::vector<std::string> secret_values(std::string_view connection_string);

// `text` with every occurrence of each secret replaced by "***".
std::string scrub_secrets(std::string text, const std::vector<std::string>& secrets);

}  // namespace backflow::odbc
