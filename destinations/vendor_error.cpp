#include "destinations/vendor_error.h"

#include "common/text.h"

namespace backflow::destinations {

namespace {
constexpr std::size_t kExcerptChars = 300;
constexpr std::size_t kExplanationChars = 1000;  // what the vendor meant to say: keep more of it
}  // namespace

std::string body_excerpt(std::string_view body) { return text::escape_for_message(body, kExcerptChars); }

std::string vendor_error_text(const HttpResponse& response, const ErrorExplainer& explain, std::string_view prefix) {
  std::string text = std::string(prefix) + "HTTP " + std::to_string(response.status);
  const auto body = nlohmann::json::parse(response.body, nullptr, false);
  if (!body.is_discarded() && explain) {
    const std::string explanation = explain(body);
    if (!explanation.empty()) return text + ": " + text::escape_for_message(explanation, kExplanationChars);
  }
  if (response.body.empty()) return text;
  return text + ": " + body_excerpt(response.body);
}

}  // namespace backflow::destinations
