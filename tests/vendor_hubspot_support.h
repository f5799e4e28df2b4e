// Shared by the HubSpot behaviour tests: settings pointed at the emulator,
// and a model of contacts that changes at random and is compared with what
// the emulator holds.
#pragma once

#include <map>
#include <random>
#include <string>
#include <vector>

#include "destinations/delivery_engine.h"
#include "destinations/hubspot/hubspot_destination.h"
#include "tests/support/emulators/hubspot_emulator.h"

namespace backflow::test {

destinations::DestinationSettings hubspot_settings(const HubSpotEmulator& emulator, const std::string& name);

// Contacts keyed by customer id, with the fields a mapping would produce.
class ContactModel {
 public:
  explicit ContactModel(std::uint32_t seed) : random_(seed) {}

  // Adds, changes and removes a few contacts; returns the changes as records
  // (deletes carry the HubSpot id recorded for their key, if any).
  std::vector<destinations::DeliveryRecord> random_round(std::size_t changes);
  void record_outcome(const destinations::RecordOutcome& outcome);

  // What HubSpot should hold: email -> properties as strings ("" omitted).
  std::map<std::string, std::map<std::string, std::string>> expected() const;
  const std::map<int, nlohmann::json>& contacts() const { return contacts_; }
  std::string id_of(int customer) const;

  static destinations::DeliveryRecord upsert(int customer, const nlohmann::json& fields);

 private:
  std::mt19937 random_;
  int next_customer_ = 1;
  std::map<int, nlohmann::json> contacts_;
  std::map<std::string, std::string> ids_;  // key -> HubSpot id
};

// What the emulator holds, in the shape of ContactModel::expected().
std::map<std::string, std::map<std::string, std::string>> held_contacts(const HubSpotEmulator& emulator);

}  // namespace backflow::test
