// What the Intercom module has learnt about contacts: the Intercom id for an
// external id or email, or that no such contact exists. Intercom has no
// upsert, so a write needs the contact's id; the module learns it from one
// lookup request and remembers it here for the next step and later records.
// Thread-safe.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace backflow::destinations {

class IntercomContactIds {
 public:
  // nullopt: never looked up. An empty string: looked up, no contact.
  std::optional<std::string> find(const std::string& identifier) const;
  void remember(const std::string& identifier, std::string intercom_id);  // "" = absent
  void forget(const std::string& identifier);

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::string> ids_;
};

}  // namespace backflow::destinations
