// The config loader on arbitrary YAML, with ${NAME} substitution from a
// fixed environment: every input loads or yields diagnostics, each one line.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "service/config/config_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace backflow::config;
  LoadOptions options;
  options.env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "TOKEN") return std::string("pat-na1-0123456789");
    if (name == "DIR") return std::string("/nonexistent");
    if (name == "EMPTY") return std::string();
    return std::nullopt;
  };
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const LoadResult result = load_config_text(text, "fuzz.yaml", options);
  for (const Diagnostic& diagnostic : result.diagnostics) {
    const std::string line = format_diagnostic(diagnostic);
    for (char c : line) {
      if (c == '\n' || c == '\r' || c == '\x1b') std::abort();  // every diagnostic is one printable line
    }
  }
  return 0;
}
