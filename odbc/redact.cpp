#include "odbc/redact.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "odbc/connection_string.h"
#include "common/text.h"

namespace backflow::odbc {

bool is_secret_key(std::string_view key) {
  const std::string lower = text::lower(key);
  if (lower == "pwd") return true;
  static constexpr std::array<std::string_view, 4> kMarkers{"pass", "secret", "token", "key"};
  return std::any_of(kMarkers.begin(), kMarkers.end(),
                     [&](std::string_view m) { return lower.find(m) != std::string::npos; });
}

namespace {

bool is_key_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == ' ' || c == '.';
}

// Where one secret value sits in a text.
struct Span {
  std::size_t begin, end;
};

// Every "KEY=value" in `text` whose key is secret-like, found by scanning
// rather than parsing: it holds when braces are unbalanced
// ("Driver={PostgreSQL Unicode;Pwd=S", where a parser takes the rest as the
// driver's name) and in a driver's message that quotes the string
// ("Can't open lib 'PostgreSQL Unicode;Pwd=S'"). A braced value runs to its
// closing brace, any other to the next ';', quote or the end.
std::vector<Span> secret_spans(std::string_view text) {
  std::vector<Span> spans;
  for (std::size_t equals = text.find('='); equals != std::string_view::npos; equals = text.find('=', equals + 1)) {
    std::size_t key_begin = equals;
    while (key_begin > 0 && is_key_char(text[key_begin - 1])) --key_begin;
    if (!is_secret_key(text::trim(text.substr(key_begin, equals - key_begin)))) continue;
    std::size_t begin = equals + 1;
    while (begin < text.size() && text[begin] == ' ') ++begin;
    std::size_t end = begin;
    if (begin < text.size() && text[begin] == '{') {
      end = begin + 1;
      while (end < text.size()) {
        if (text[end] != '}') {
          ++end;
        } else if (end + 1 < text.size() && text[end + 1] == '}') {
          end += 2;  // "}}" is a brace inside the value
        } else {
          ++end;
          break;
        }
      }
    } else {
      end = text.find_first_of(";'\"", begin);
      if (end == std::string_view::npos) end = text.size();
    }
    if (end > begin) spans.push_back({begin, end});
    equals = end == 0 ? 0 : end - 1;
  }
  return spans;
}

std::string redact_spans(std::string_view text, const std::vector<Span>& spans) {
  std::string out;
  std::size_t copied = 0;
  for (const Span& span : spans) {
    if (span.begin < copied) continue;
    out.append(text.substr(copied, span.begin - copied));
    out += "***";
    copied = span.end;
  }
  out.append(text.substr(copied));
  return out;
}

// One pass: the values of secret attributes as the parser reads them, then
// as the scan finds them.
std::string redact_once(std::string_view connection_string) {
  std::string out;
  std::size_t copied = 0;
  for (const auto& attr : parse_connection_string(connection_string)) {
    if (!is_secret_key(attr.key) || attr.value_begin == attr.value_end) continue;
    out.append(connection_string.substr(copied, attr.value_begin - copied));
    out += "***";
    copied = attr.value_end;
  }
  out.append(connection_string.substr(copied));
  return redact_spans(out, secret_spans(out));
}

}  // namespace

std::string redact_connection_string(std::string_view connection_string) {
  // Whatever the parse made of the braces, no secret-looking attribute
  // survives. Repeated until stable: a redacted braced value followed by
  // stray text ("Pwd=***rest") reads as one unbraced value on a second look,
  // and redacting a redacted string must change nothing. Each pass that
  // changes the text replaces a value that was not "***" and adds no '=', so
  // this ends well within that many passes.
  std::string out = redact_once(connection_string);
  for (std::size_t pass = 0; pass <= connection_string.size(); ++pass) {
    std::string next = redact_once(out);
    if (next == out) break;
    out = std::move(next);
  }
  return out;
}

std::string redact_secret_attributes(std::string_view text) { return redact_spans(text, secret_spans(text)); }

std::vector<std::string> secret_values(std::string_view connection_string) {
  std::vector<std::string> out;
  for (auto& attr : parse_connection_string(connection_string)) {
    if (is_secret_key(attr.key) && !attr.value.empty()) out.push_back(attr.value);
  }
  // Also as a scan finds them, for strings a parser reads differently.
  for (const Span& span : secret_spans(connection_string)) {
    std::string value(connection_string.substr(span.begin, span.end - span.begin));
    if (value.size() >= 2 && value.front() == '{' && value.back() == '}') value = value.substr(1, value.size() - 2);
    if (!value.empty() && std::find(out.begin(), out.end(), value) == out.end()) out.push_back(value);
  }
  return out;
}

std::string scrub_secrets(std::string text, const std::vector<std::string>& secrets) {
  for (const auto& secret : secrets) {
    // Shorter values would blank ordinary text; redact_secret_attributes()
    // still catches them after their key.
    if (secret.size() < 4) continue;
    for (const std::string& form : text::echoed_forms(secret)) text = text::replace_all(std::move(text), form, "***");
  }
  return text;
}

}  // namespace backflow::odbc
