// One HTTP request and its response as the API handles them: the server
// (service/http) fills an ApiRequest from the socket and writes the
// ApiResponse back.
#pragma once

#include <string>

#include "service/api/caller.h"
#include "service/http/http_message.h"

namespace backflow::api {

struct ApiRequest {
  std::string method;         // as sent: GET, POST, ... (any token)
  std::string path;           // as sent, percent-encoded, without the query
  std::string query;          // after '?', percent-encoded, may be empty
  std::string authorization;  // the Authorization header, may be empty
  std::string body;
  Caller caller;  // set by the router once the token is checked
};

using ApiResponse = http::HttpResponse;

}  // namespace backflow::api
