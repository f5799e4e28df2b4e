// destinations/vendor_error.h: how every type reports what a vendor said.
#include <catch2/catch.hpp>

#include "common/utf8.h"
#include "destinations/vendor_error.h"

using namespace backflow::destinations;

namespace {

HttpResponse answer(long status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

std::string message_field(const nlohmann::json& body) {
  return body.is_object() && body.contains("message") && body["message"].is_string()
             ? body["message"].get<std::string>()
             : std::string();
}

}  // namespace

TEST_CASE("vendor errors: the explanation where the vendor puts it, else the body's start", "[destinations][errors]") {
  CHECK(vendor_error_text(answer(400, R"({"message":"email is invalid"})"), message_field) ==
        "HTTP 400: email is invalid");
  CHECK(vendor_error_text(answer(429, R"({"message":"slow down"})"), message_field, "Vendor answered ") ==
        "Vendor answered HTTP 429: slow down");
  CHECK(vendor_error_text(answer(502, "<html>Bad gateway</html>"), message_field) == "HTTP 502: <html>Bad gateway</html>");
  CHECK(vendor_error_text(answer(500, R"({"other":1})"), message_field) == R"(HTTP 500: {"other":1})");
  CHECK(vendor_error_text(answer(503, ""), message_field) == "HTTP 503");
}

TEST_CASE("vendor errors stay on one line, short, and valid UTF-8", "[destinations][errors]") {
  const std::string multi_line = vendor_error_text(answer(500, "line one\nline two\r\n\x1b[2J"), message_field);
  CHECK(multi_line == "HTTP 500: line one\\nline two\\r\\n\\x1b[2J");
  CHECK(vendor_error_text(answer(400, R"({"message":"a\nb"})"), message_field) == "HTTP 400: a\\nb");

  // 299 ASCII bytes then "é" x 10: the cut falls inside no character.
  const std::string long_body = std::string(299, 'x') + std::string(10, ' ') + "ééééééééééé";
  const std::string excerpt = body_excerpt(std::string(299, 'x') + "ééééé");
  CHECK(backflow::text::is_valid_utf8(excerpt));
  CHECK(excerpt == std::string(299, 'x') + "é...");
  CHECK(body_excerpt(long_body).size() == 300 + 3);
}
