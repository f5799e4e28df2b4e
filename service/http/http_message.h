// One HTTP request and its response as backflow's servers handle them,
// independent of the HTTP library underneath.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace backflow::http {

struct HttpRequest {
  std::string method;  // as sent: GET, POST, ... (any token, e.g. BREW)
  std::string path;    // as sent, percent-encoded, without the query
  std::string query;   // after '?', percent-encoded, may be empty
  std::vector<std::pair<std::string, std::string>> headers;  // in arrival order
  std::string body;

  // The first header of that name (case-insensitive), or "".
  std::string header(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

}  // namespace backflow::http
