// Every request shape the HubSpot module produces (upsert, create, update by
// property and by id, archive; one record and a full batch of 100; every
// kind of value) is accepted by HubSpot's published contract, and one
// known-bad request per endpoint is refused, proving the validator checks.
#include <catch2/catch.hpp>

#include "destinations/hubspot/hubspot_destination.h"
#include "tests/support/prism_validator.h"

using namespace backflow::destinations;
using backflow::test::PrismValidator;
using backflow::test::ValidatorVerdict;

namespace {

DeliveryRecord contact(int customer) {
  DeliveryRecord record;
  record.key = std::to_string(customer);
  record.key_json = {{"customer_id", customer}};
  record.fields = {{"email", "c" + std::to_string(customer) + "@example.com"},
                   {"firstname", "Ada"},
                   {"lifetime_value", 1234.5},
                   {"age", 36},
                   {"vip", true},
                   {"company", nullptr},
                   {"interests", nlohmann::json::array({"a", "b"})}};
  record.destination_id = std::to_string(1000 + customer);
  return record;
}

std::vector<DeliveryRecord> contacts(std::size_t count, Operation op = Operation::Upsert) {
  std::vector<DeliveryRecord> records;
  for (std::size_t i = 0; i < count; ++i) {
    records.push_back(contact(static_cast<int>(i) + 1));
    records.back().op = op;
  }
  return records;
}

HttpRequest request_for(const HubSpotDestination& module, SyncMode mode, const std::vector<DeliveryRecord>& records) {
  std::vector<const DeliveryRecord*> batch;
  for (const auto& record : records) batch.push_back(&record);
  return module.build_request({"contract", "run", "0", mode, 1}, batch);
}

// Checks every shape against one object type's contract.
void check_object_type(const std::string& contract_file, const std::string& object) {
  auto found = backflow::test::contract_file(contract_file);
  REQUIRE(found);
  auto& validator = PrismValidator::shared(*found);
  DestinationSettings settings;
  settings.name = "hubspot-contract";
  settings.url = validator.base_url();
  settings.secret = "pat-contract-test";
  const HubSpotDestination by_email(HubSpotOptions{settings, object, "email"});
  const HubSpotDestination by_id(HubSpotOptions{settings, object, ""});

  struct Shape {
    std::string name;
    HttpRequest request;
  };
  std::vector<Shape> shapes;
  for (std::size_t size : {std::size_t{1}, std::size_t{100}}) {
    const std::string n = " x" + std::to_string(size);
    shapes.push_back({"upsert by property" + n, request_for(by_email, SyncMode::upsert, contacts(size))});
    shapes.push_back({"mirror upsert" + n, request_for(by_email, SyncMode::mirror, contacts(size))});
    shapes.push_back({"create" + n, request_for(by_email, SyncMode::insert, contacts(size))});
    shapes.push_back({"update by property" + n, request_for(by_email, SyncMode::update, contacts(size))});
    shapes.push_back({"update by id" + n, request_for(by_id, SyncMode::update, contacts(size))});
    shapes.push_back({"archive" + n, request_for(by_email, SyncMode::mirror, contacts(size, Operation::Delete))});
  }
  for (const auto& shape : shapes) {
    const ValidatorVerdict verdict = validator.check(shape.request);
    INFO(object << " " << shape.name << ": " << verdict.describe());
    CHECK(verdict.accepted());
  }

  // One known-bad request per endpoint: the validator must refuse it.
  auto bad = [&](const std::string& operation, const std::string& body) {
    HttpRequest request = request_for(by_email, SyncMode::upsert, contacts(1));
    request.url = by_email.endpoint(operation);
    request.body = body;
    return validator.check(request);
  };
  const std::vector<std::pair<std::string, std::string>> known_bad = {
      {"upsert", R"({"inputs":[{"idProperty":"email","id":"a@example.com","properties":{"age":36}}]})"},
      {"create", R"({"inputs":[{"properties":{"email":"a@example.com"}}]})"},  // associations missing
      {"update", R"({"inputs":[{"properties":{"firstname":"Ada"}}]})"},         // id missing
      {"archive", R"({"inputs":[{"objectId":"1001"}]})"},                       // id missing
  };
  for (const auto& [operation, body] : known_bad) {
    const ValidatorVerdict verdict = bad(operation, body);
    INFO(object << " known-bad " << operation << ": " << verdict.describe());
    CHECK_FALSE(verdict.accepted());
    CHECK((verdict.status == 422 || verdict.status == 400));
  }
}

}  // namespace

TEST_CASE("HubSpot contacts requests match HubSpot's published contract", "[contract][hubspot]") {
  BACKFLOW_REQUIRE_CONTRACT(contract, "hubspot-crm-contacts-v3.json");
  check_object_type(contract.filename().string(), "contacts");
}

TEST_CASE("HubSpot companies requests match HubSpot's published contract", "[contract][hubspot]") {
  BACKFLOW_REQUIRE_CONTRACT(contract, "hubspot-crm-companies-v3.json");
  check_object_type(contract.filename().string(), "companies");
}
