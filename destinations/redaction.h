// Keeps secrets out of the request log: credentials in headers, in URL query
// parameters, and any known secret value wherever it appears.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "destinations/http_message.h"

namespace backflow::destinations {

inline constexpr std::string_view kRedacted = "[REDACTED]";

class Redactor {
 public:
  // `secrets` are exact values (tokens, signing secrets, header values) to
  // blank wherever they occur, in every form text::echoed_forms() lists
  // (JSON-escaped, percent-encoded); values shorter than 4 characters are
  // ignored to avoid blanking common text.
  explicit Redactor(std::vector<std::string> secrets);

  // Headers whose name suggests a credential (authorization, cookie, *token*,
  // *secret*, *key*, *signature*, *password*, *auth*) get their value replaced;
  // the others go through redact_text().
  HttpHeaders redact_headers(const HttpHeaders& headers) const;

  // Query parameters named like credentials (token, key, secret, password,
  // signature, auth...) get their value replaced, then redact_text().
  std::string redact_url(const std::string& url) const;

  // Every known secret value replaced.
  std::string redact_text(std::string text) const;

  static bool is_sensitive_name(std::string_view name);

 private:
  std::vector<std::string> secrets_;
};

}  // namespace backflow::destinations
