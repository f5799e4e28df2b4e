#include "tests/vendor_hubspot_support.h"

namespace backflow::test {

using namespace std::chrono_literals;
using destinations::DeliveryRecord;
using destinations::Operation;

destinations::DestinationSettings hubspot_settings(const HubSpotEmulator& emulator, const std::string& name) {
  destinations::DestinationSettings settings;
  settings.name = name;
  settings.type = "hubspot";
  settings.url = emulator.base_url();
  settings.secret = emulator.token();
  settings.rate_limit = destinations::RateLimit{};  // unlimited unless a test sets the vendor's
  settings.retry.base_delay = 5ms;
  settings.retry.max_delay = 200ms;
  settings.retry.max_attempts = 30;
  settings.total_timeout = 400ms;  // hangs end quickly
  return settings;
}

DeliveryRecord ContactModel::upsert(int customer, const nlohmann::json& fields) {
  DeliveryRecord record;
  record.op = Operation::Upsert;
  record.key = std::to_string(customer);
  record.key_json = {{"customer_id", customer}};
  record.fields = fields;
  return record;
}

std::vector<DeliveryRecord> ContactModel::random_round(std::size_t changes) {
  std::vector<DeliveryRecord> records;
  std::map<int, bool> touched;
  for (std::size_t i = 0; i < changes; ++i) {
    const auto roll = random_() % 10;
    if (contacts_.empty() || roll < 4) {
      const int customer = next_customer_++;
      nlohmann::json fields{{"email", "c" + std::to_string(customer) + "@example.com"},
                            {"firstname", "First" + std::to_string(random_() % 1000)},
                            {"lifetime_value", static_cast<int>(random_() % 5000)},
                            {"vip", random_() % 2 == 0},
                            {"company", nullptr}};
      contacts_[customer] = fields;
      touched[customer] = true;
      records.push_back(upsert(customer, fields));
      continue;
    }
    auto it = contacts_.begin();
    std::advance(it, static_cast<long>(random_() % contacts_.size()));
    const int customer = it->first;
    if (touched.count(customer)) continue;  // one change per key per round, as a diff yields
    touched[customer] = true;
    if (roll < 8) {
      it->second["firstname"] = "Renamed" + std::to_string(random_() % 1000);
      it->second["company"] = random_() % 2 == 0 ? nlohmann::json("Acme") : nlohmann::json(nullptr);
      it->second["vip"] = random_() % 2 == 0;
      records.push_back(upsert(customer, it->second));
    } else {
      DeliveryRecord removal;
      removal.op = Operation::Delete;
      removal.key = std::to_string(customer);
      removal.key_json = {{"customer_id", customer}};
      removal.destination_id = id_of(customer);
      records.push_back(removal);
      contacts_.erase(it);
    }
  }
  return records;
}

void ContactModel::record_outcome(const destinations::RecordOutcome& outcome) {
  if (outcome.status != destinations::RecordStatus::Accepted) return;
  if (outcome.op == Operation::Delete) {
    ids_.erase(outcome.key);
  } else if (!outcome.destination_id.empty()) {
    ids_[outcome.key] = outcome.destination_id;
  }
}

std::string ContactModel::id_of(int customer) const {
  auto it = ids_.find(std::to_string(customer));
  return it == ids_.end() ? std::string() : it->second;
}

std::map<std::string, std::map<std::string, std::string>> ContactModel::expected() const {
  std::map<std::string, std::map<std::string, std::string>> expected;
  for (const auto& [customer, fields] : contacts_) {
    auto& properties = expected[fields["email"].get<std::string>()];
    for (const auto& [name, value] : fields.items()) {
      std::string text = destinations::hubspot_property_value(value);
      if (!text.empty()) properties[name] = text;
    }
  }
  return expected;
}

std::map<std::string, std::map<std::string, std::string>> held_contacts(const HubSpotEmulator& emulator) {
  std::map<std::string, std::map<std::string, std::string>> held;
  for (const auto& [id, object] : emulator.objects("contacts")) {
    auto email = object.properties.find("email");
    held[email == object.properties.end() ? "(no email) " + id : email->second] = object.properties;
  }
  return held;
}

}  // namespace backflow::test
