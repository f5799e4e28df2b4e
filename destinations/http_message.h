// Plain HTTP request and response values exchanged between destination
// modules, the engine and the HTTP client.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace backflow::destinations {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "POST";
  std::string url;
  HttpHeaders headers;  // as sent; the engine adds none but Expect suppression
  std::string body;
};

// Why a request got no HTTP response.
enum class TransportError {
  None,
  Timeout,           // connect or total timeout
  Connection,        // refused, reset, dropped, empty reply: worth retrying
  Fatal,             // TLS verification, malformed URL, unsupported protocol: retrying cannot help
};

struct HttpResponse {
  long status = 0;                 // 0 when transport_error != None
  HttpHeaders headers;             // names lowercased, in arrival order
  std::string body;                // decoded (gzip handled by libcurl)
  TransportError transport_error = TransportError::None;
  std::string error_message;       // libcurl's explanation for transport errors
  std::chrono::milliseconds elapsed{0};

  // First header with this name (case-insensitive), or nullopt.
  std::optional<std::string_view> header(std::string_view name) const;
};

// A vendor's base URL as configured (`url` / `base_url`), or `fallback` when
// none was, without trailing slashes, so that paths can be appended.
std::string base_url(std::string_view configured, std::string_view fallback = {});

}  // namespace backflow::destinations
