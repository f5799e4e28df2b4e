#include "mappers/exact_number.h"

#include <cctype>

namespace backflow::mappers {

namespace {
constexpr char kTag = '\xFF';

bool is_digit(char c) { return c >= '0' && c <= '9'; }
}  // namespace

std::optional<std::string> canonical_decimal(std::string_view text) {
  std::size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  std::size_t integer_begin = i;
  while (i < text.size() && is_digit(text[i])) ++i;
  std::string_view integer = text.substr(integer_begin, i - integer_begin);
  std::string_view fraction;
  if (i < text.size() && text[i] == '.') {
    std::size_t fraction_begin = ++i;
    while (i < text.size() && is_digit(text[i])) ++i;
    fraction = text.substr(fraction_begin, i - fraction_begin);
  }
  if (i != text.size() || (integer.empty() && fraction.empty())) return std::nullopt;
  while (integer.size() > 1 && integer.front() == '0') integer.remove_prefix(1);
  std::string out;
  out.reserve(text.size() + 1);
  if (negative) out += '-';
  out += integer.empty() ? std::string_view("0") : integer;
  if (!fraction.empty()) {
    out += '.';
    out += fraction;
  }
  return out;
}

nlohmann::json exact_number(std::string_view canonical) {
  std::string tagged;
  tagged.reserve(canonical.size() + 1);
  tagged += kTag;
  tagged += canonical;
  return nlohmann::json(std::move(tagged));
}

std::optional<std::string_view> exact_number_text(const nlohmann::json& value) {
  if (!value.is_string()) return std::nullopt;
  const auto& text = value.get_ref<const std::string&>();
  if (text.empty() || text.front() != kTag) return std::nullopt;
  return std::string_view(text).substr(1);
}

}  // namespace backflow::mappers
