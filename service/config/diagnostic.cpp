#include "service/config/diagnostic.h"

namespace backflow::config {
namespace {

std::string format_all(const std::vector<Diagnostic>& diagnostics) {
  std::string text;
  for (const auto& d : diagnostics) {
    if (!text.empty()) text += "\n";
    text += format_diagnostic(d);
  }
  return text;
}

}  // namespace

std::string format_diagnostic(const Diagnostic& d) {
  std::string text = d.location.file;
  if (d.location.line > 0) {
    text += ":" + std::to_string(d.location.line) + ":" + std::to_string(d.location.column);
  }
  text += ": error: ";
  if (!d.key_path.empty()) text += d.key_path + ": ";
  text += d.message;
  if (!d.suggestion.empty()) text += " (did you mean '" + d.suggestion + "'?)";
  return text;
}

ConfigError::ConfigError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(format_all(diagnostics)), diagnostics_(std::move(diagnostics)) {}

}  // namespace backflow::config
