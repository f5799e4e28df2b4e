#include "destinations/klaviyo/klaviyo_profiles.h"

#include <set>

#include "mappers/json_writer.h"

namespace backflow::destinations::klaviyo {

namespace {

const std::set<std::string>& profile_attributes() {
  static const std::set<std::string> names = {"email",      "phone_number", "external_id", "anonymous_id",
                                              "first_name", "last_name",    "organization", "locale",
                                              "title",      "image",        "location"};
  return names;
}

const char* const kIdentifiers[] = {"email", "phone_number", "external_id"};

std::string key_text(const DeliveryRecord& record) {
  if (record.key_json.is_object() && record.key_json.size() == 1) {
    const auto& value = record.key_json.begin().value();
    if (value.is_string()) return value.get<std::string>();
    if (value.is_number()) return value.dump();
  }
  return record.key;
}

}  // namespace

nlohmann::json profile(const DeliveryRecord& record) {
  nlohmann::json attributes = nlohmann::json::object();
  nlohmann::json properties = nlohmann::json::object();
  if (record.fields.is_object()) {
    for (const auto& [name, value] : record.fields.items()) {
      if (profile_attributes().count(name) != 0) {
        attributes[name] = value;
      } else if (name == "properties" && value.is_object()) {
        properties.update(value);  // a mapping in Klaviyo's shape: `properties.plan: plan`
      } else {
        properties[name] = value;
      }
    }
  }
  bool identified = false;
  for (const char* name : kIdentifiers) identified = identified || attributes.contains(name);
  if (!identified) attributes["external_id"] = key_text(record);
  if (!properties.empty()) attributes["properties"] = std::move(properties);
  return {{"type", "profile"}, {"attributes", std::move(attributes)}};
}

std::string job_body(const std::vector<nlohmann::json>& profiles, const std::string& list_id) {
  std::vector<const nlohmann::json*> pointers;
  pointers.reserve(profiles.size());
  for (const auto& profile : profiles) pointers.push_back(&profile);
  return job_body_from(pointers, list_id);
}

std::string job_body_from(const std::vector<const nlohmann::json*>& profiles, const std::string& list_id) {
  std::string body = "{\"data\":{\"type\":\"profile-bulk-import-job\",\"attributes\":{\"profiles\":{\"data\":[";
  for (std::size_t i = 0; i < profiles.size(); ++i) {
    if (i != 0) body += ',';
    mappers::write_json(*profiles[i], body);
  }
  body += "]}}";
  if (!list_id.empty()) {
    body += ",\"relationships\":{\"lists\":{\"data\":[{\"type\":\"list\",\"id\":";
    mappers::write_json(list_id, body);
    body += "}]}}";
  }
  body += "}}";
  return body;
}

std::vector<std::string> identities(const nlohmann::json& profile) {
  std::vector<std::string> found;
  const nlohmann::json* attributes = &profile;
  if (profile.is_object() && profile.contains("attributes") && profile["attributes"].is_object()) {
    attributes = &profile["attributes"];
  }
  if (!attributes->is_object()) return found;
  for (const char* name : kIdentifiers) {
    auto it = attributes->find(name);
    if (it == attributes->end()) continue;
    found.push_back(std::string(name) + ":" + (it->is_string() ? it->get<std::string>() : it->dump()));
  }
  return found;
}

std::string error_message(const nlohmann::json& import_error) {
  const nlohmann::json& attributes =
      import_error.contains("attributes") ? import_error["attributes"] : import_error;
  std::string text = "Klaviyo: " + attributes.value("title", std::string("import error"));
  std::string detail = attributes.value("detail", std::string());
  if (!detail.empty()) text += ": " + detail;
  if (attributes.contains("source") && attributes["source"].is_object()) {
    std::string pointer = attributes["source"].value("pointer", std::string());
    if (!pointer.empty()) text += " (" + pointer + ")";
  }
  return text;
}

}  // namespace backflow::destinations::klaviyo
