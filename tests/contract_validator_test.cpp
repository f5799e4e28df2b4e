// The contract validator itself: it must refuse what the vendor's contract
// refuses, or every other [contract] test proves nothing.
#include <catch2/catch.hpp>

#include "tests/support/prism_validator.h"

using backflow::destinations::HttpRequest;
using backflow::test::PrismValidator;

namespace {

HttpRequest hubspot_upsert(const std::string& base_url, const std::string& body) {
  HttpRequest request;
  request.method = "POST";
  request.url = base_url + "/crm/v3/objects/contacts/batch/upsert";
  request.headers = {{"Authorization", "Bearer contract-test"}, {"Content-Type", "application/json"}};
  request.body = body;
  return request;
}

}  // namespace

TEST_CASE("Prism accepts a valid HubSpot upsert and refuses a numeric property value", "[contract]") {
  BACKFLOW_REQUIRE_CONTRACT(contract, "hubspot-crm-contacts-v3.json");
  auto& validator = PrismValidator::shared(contract);

  const auto good = validator.check(hubspot_upsert(
      validator.base_url(), R"({"inputs":[{"idProperty":"email","id":"a@example.com","properties":{"firstname":"Ada"}}]})"));
  INFO(good.describe());
  CHECK(good.accepted());

  const auto bad = validator.check(hubspot_upsert(
      validator.base_url(), R"({"inputs":[{"idProperty":"email","id":"a@example.com","properties":{"age":42}}]})"));
  INFO(bad.describe());
  CHECK(bad.status == 422);
  CHECK(bad.violations.find("must be string") != std::string::npos);
}

