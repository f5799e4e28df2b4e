// One HTTP request and its response as the API handles them, independent of
// the HTTP library: the server fills an ApiRequest from the socket and writes
// the ApiResponse back.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace backflow::api {

struct ApiRequest {
  std::string method;         // upper case: GET, POST, ...
  std::string path;           // as sent, percent-encoded, without the query
  std::string query;          // after '?', percent-encoded, may be empty
  std::string authorization;  // the Authorization header, may be empty
  std::string body;
};

struct ApiResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
};

}  // namespace backflow::api
