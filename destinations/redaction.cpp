#include "destinations/redaction.h"
#include "common/text.h"

#include <algorithm>
#include <cctype>

namespace backflow::destinations {

Redactor::Redactor(std::vector<std::string> secrets) {
  for (const auto& secret : secrets) {
    if (secret.size() < 4) continue;
    // A service may echo the secret JSON-escaped or URL-encoded.
    for (auto& form : text::echoed_forms(secret)) {
      if (std::find(secrets_.begin(), secrets_.end(), form) == secrets_.end()) secrets_.push_back(std::move(form));
    }
  }
  // Longest first, so a secret containing another is blanked whole.
  std::sort(secrets_.begin(), secrets_.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

bool Redactor::is_sensitive_name(std::string_view name) {
  const std::string lower = text::lower(name);
  if (lower == "authorization" || lower == "proxy-authorization" || lower == "cookie" ||
      lower == "set-cookie") {
    return true;
  }
  for (const char* word : {"token", "secret", "key", "signature", "password", "auth", "session"}) {
    if (lower.find(word) != std::string::npos) return true;
  }
  return false;
}

std::string Redactor::redact_text(std::string text) const {
  for (const auto& secret : secrets_) text = text::replace_all(std::move(text), secret, kRedacted);
  return text;
}

HttpHeaders Redactor::redact_headers(const HttpHeaders& headers) const {
  HttpHeaders out;
  out.reserve(headers.size());
  for (const auto& [name, value] : headers) {
    // Idempotency keys are identifiers, not credentials: keep them for debugging.
    bool keep = text::iequals(name, "idempotency-key");
    out.emplace_back(name, !keep && is_sensitive_name(name) ? std::string(kRedacted) : redact_text(value));
  }
  return out;
}

std::string Redactor::redact_url(const std::string& url) const {
  std::size_t query = url.find('?');
  if (query == std::string::npos) return redact_text(url);
  std::string out = url.substr(0, query + 1);
  std::size_t at = query + 1;
  while (at <= url.size()) {
    std::size_t end = url.find('&', at);
    if (end == std::string::npos) end = url.size();
    std::string_view parameter(url.data() + at, end - at);
    std::size_t equals = parameter.find('=');
    if (equals != std::string_view::npos && is_sensitive_name(parameter.substr(0, equals))) {
      out.append(parameter.substr(0, equals + 1));
      out += kRedacted;
    } else {
      out.append(parameter);
    }
    if (end == url.size()) break;
    out += '&';
    at = end + 1;
  }
  return redact_text(out);
}

}  // namespace backflow::destinations
