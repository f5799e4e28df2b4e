// What a vendor said when it refused a request, as one line for a record's
// or a run's message. Every type frames it the same way and supplies only
// where its API puts the explanation.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "destinations/http_message.h"

namespace backflow::destinations {

// Finds the explanation in a parsed JSON response body ("" when the body
// does not hold one in the vendor's documented shape).
using ErrorExplainer = std::function<std::string(const nlohmann::json& body)>;

// "<prefix>HTTP <status>: <explanation>", where the explanation is what
// `explain` finds in the JSON body (at most 1,000 characters), or else the
// start of the body (at most 300); just "<prefix>HTTP <status>" for an empty body. Control
// characters are escaped, so the text stays on one line.
std::string vendor_error_text(const HttpResponse& response, const ErrorExplainer& explain,
                              std::string_view prefix = {});

// The start of a response body as a message shows it (escaped, at most 300
// characters).
std::string body_excerpt(std::string_view body);

}  // namespace backflow::destinations
