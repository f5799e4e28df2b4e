// Text helpers every layer needs, so no module keeps its own copy (as
// DuckDB's StringUtil). ASCII case rules: identifiers, keys and names in
// configs and vendor protocols are ASCII; UTF-8 text is common/utf8.h's.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace backflow::text {

// ASCII lower / upper case; other bytes unchanged.
std::string lower(std::string_view text);
std::string upper(std::string_view text);

// Equal ignoring ASCII case.
bool iequals(std::string_view a, std::string_view b);

// Whether `haystack` contains `needle`, ignoring ASCII case.
bool icontains(std::string_view haystack, std::string_view needle);

// Without leading and trailing spaces and tabs (and, with `all_space`, any
// of " \t\r\n\f\v").
std::string trim(std::string_view text, bool all_space = false);

// "a, b, c" for join({"a","b","c"}, ", ").
std::string join(const std::vector<std::string>& parts, std::string_view separator);

// A share for a message: 12.5 -> "12.5%" (one decimal).
std::string percent_text(double value);

// `text` percent-encoded for a URL path segment or a form value: every
// byte but RFC 3986's unreserved characters (A-Z a-z 0-9 - _ . ~) as %XX.
std::string percent_encode(std::string_view text);

// `text` with every occurrence of `from` (non-empty) replaced by `to`,
// scanning on after each replacement.
std::string replace_all(std::string text, std::string_view from, std::string_view to);

// The forms a secret takes when a service echoes it back: as is, escaped in
// a JSON string ('/' as "\/" too, as some encoders write it), percent-encoded
// (upper- and lower-case hex, and with '+' for spaces as forms write them).
// Distinct forms only, the raw one first. For redaction.
std::vector<std::string> echoed_forms(std::string_view secret);

// `text` made safe to put in a one-line message: control characters
// escaped (\n, \t, \r, \x1b) so a diagnostic stays on one line and cannot
// drive a terminal, and cut after `max_chars` characters with "..." (on a
// character boundary, so UTF-8 text stays valid).
std::string escape_for_message(std::string_view text, std::size_t max_chars);

// A user-supplied value as quoted in a message: 'text', escaped and cut
// after 60 characters as escape_for_message does.
std::string quote_for_message(std::string_view text);

}  // namespace backflow::text
