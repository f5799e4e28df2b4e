#include "common/duration.h"

#include <array>
#include <cctype>
#include <cstdint>
#include <limits>
#include <stdexcept>

#include "common/text.h"

namespace backflow {
namespace {

struct Unit {
  std::string_view suffix;
  std::int64_t millis;
};

// Largest first: the order a duration must be written in.
constexpr std::array<Unit, 6> kUnits = {
    {{"w", 7 * 86'400'000LL}, {"d", 86'400'000LL}, {"h", 3'600'000LL}, {"m", 60'000LL}, {"s", 1'000LL}, {"ms", 1LL}}};

[[noreturn]] void fail(std::string_view text, const std::string& why) {
  throw std::invalid_argument("invalid duration " + text::quote_for_message(text) + ": " + why +
                              " (expected e.g. 500ms, 45s, 10m, 1h30m, 2d)");
}

}  // namespace

std::chrono::milliseconds parse_duration(std::string_view text) {
  if (text.empty()) fail(text, "it is empty");
  std::int64_t total = 0;
  std::size_t previous_unit = 0;  // index into kUnits + 1 of the last unit seen
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '-' || c == '+') fail(text, "a duration has no sign");
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      fail(text, "expected a number before " + text::quote_for_message(std::string(1, c)));
    }
    std::int64_t number = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      if (number > (std::numeric_limits<std::int64_t>::max() - 9) / 10) fail(text, "too large");
      number = number * 10 + (text[i] - '0');
      ++i;
    }
    std::size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string_view suffix = text.substr(unit_start, i - unit_start);
    if (suffix.empty()) {
      if (i == text.size()) fail(text, "the number has no unit");
      fail(text, "unexpected " + text::quote_for_message(std::string(1, text[i])));
    }
    std::size_t unit_index = kUnits.size();
    for (std::size_t u = 0; u < kUnits.size(); ++u) {
      if (kUnits[u].suffix == suffix) unit_index = u;
    }
    if (unit_index == kUnits.size()) {
      fail(text, "unknown unit " + text::quote_for_message(suffix) + "; the units are ms, s, m, h, d, w");
    }
    if (unit_index + 1 <= previous_unit) fail(text, "units must go from largest to smallest, each once");
    previous_unit = unit_index + 1;
    std::int64_t millis = kUnits[unit_index].millis;
    if (number > (std::numeric_limits<std::int64_t>::max() - total) / millis) fail(text, "too large");
    total += number * millis;
  }
  return std::chrono::milliseconds(total);
}

std::string format_duration(std::chrono::milliseconds duration) {
  std::int64_t rest = duration.count();
  if (rest == 0) return "0s";
  std::string text;
  for (const auto& unit : kUnits) {
    if (rest >= unit.millis) {
      text += std::to_string(rest / unit.millis) + std::string(unit.suffix);
      rest %= unit.millis;
    }
  }
  return text;
}

}  // namespace backflow
