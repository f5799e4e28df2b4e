#include "destinations/http_message.h"

#include <strings.h>

namespace backflow::destinations {

std::optional<std::string_view> HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && strncasecmp(key.data(), name.data(), name.size()) == 0) {
      return std::string_view(value);
    }
  }
  return std::nullopt;
}

std::string base_url(std::string_view configured, std::string_view fallback) {
  std::string url(configured.empty() ? fallback : configured);
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace backflow::destinations
