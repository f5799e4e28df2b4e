// destinations: checked against the registered destination types.
#include "common/text.h"
#include "destinations/registry.h"
#include "service/config/section_parsers.h"
#include "common/suggest.h"

namespace backflow::config {
namespace {

using destinations::DestinationType;
using destinations::OptionKind;
using destinations::OptionSpec;

const std::vector<std::string> kRateLimitKeys = {"requests", "per"};
const std::vector<std::string> kRetryKeys = {"max_attempts", "base_delay", "max_delay"};

std::optional<std::string> http_url(YamlReader& reader, const YAML::Node& node, const std::string& path) {
  auto url = reader.non_empty_string(node, path);
  if (!url) return std::nullopt;
  if (url->rfind("http://", 0) != 0 && url->rfind("https://", 0) != 0) {
    reader.error(node, path, "expected an http:// or https:// URL, found " + YamlReader::quote_value(node, *url));
    return std::nullopt;
  }
  return url;
}

std::optional<RateLimit> parse_rate_limit(YamlReader& reader, const YAML::Node& node, const std::string& path) {
  auto fields = reader.map(node, path, &kRateLimitKeys);
  if (!fields) return std::nullopt;
  if (!reader.require(*fields, kRateLimitKeys)) return std::nullopt;
  auto requests = reader.whole_number(*fields->get("requests"), path + ".requests", 1, 1'000'000'000);
  auto per = reader.duration(*fields->get("per"), path + ".per");
  if (per && per->count() == 0) {
    reader.error(*fields->get("per"), path + ".per", "expected a duration longer than 0, found '0'");
    per.reset();
  }
  if (!requests || !per) return std::nullopt;
  return RateLimit{static_cast<std::uint32_t>(*requests), *per};
}

DeliveryRetry parse_delivery_retry(YamlReader& reader, const YAML::Node& node, const std::string& path) {
  DeliveryRetry retry;
  auto fields = reader.map(node, path, &kRetryKeys);
  if (!fields) return retry;
  if (auto value = fields->get("max_attempts")) {
    if (auto n = reader.whole_number(*value, path + ".max_attempts", 1, 100)) {
      retry.max_attempts = static_cast<std::uint32_t>(*n);
    }
  }
  if (auto value = fields->get("base_delay")) retry.base_delay = reader.duration(*value, path + ".base_delay");
  if (auto value = fields->get("max_delay")) retry.max_delay = reader.duration(*value, path + ".max_delay");
  return retry;
}

}  // namespace

// Also used by the sync parser for sync-level destination keys.
std::optional<nlohmann::json> parse_option(YamlReader& reader, const OptionSpec& spec, const YAML::Node& node,
                                           const std::string& path) {
  switch (spec.kind) {
    case OptionKind::string: {
      if (!spec.choices.empty()) {
        auto text = reader.choice(node, path, spec.choices);
        return text ? std::optional<nlohmann::json>(*text) : std::nullopt;
      }
      auto text = reader.non_empty_string(node, path);
      return text ? std::optional<nlohmann::json>(*text) : std::nullopt;
    }
    case OptionKind::integer: {
      auto n = reader.whole_number(node, path, 0, 1'000'000'000'000ULL);
      return n ? std::optional<nlohmann::json>(*n) : std::nullopt;
    }
    case OptionKind::boolean: {
      auto b = reader.boolean(node, path);
      return b ? std::optional<nlohmann::json>(*b) : std::nullopt;
    }
    case OptionKind::duration: {
      auto text = reader.string(node, path);
      if (!text || !reader.duration(node, path)) return std::nullopt;
      return nlohmann::json(*text);
    }
    case OptionKind::string_map: {
      auto fields = reader.map(node, path, nullptr);
      if (!fields) return std::nullopt;
      nlohmann::json object = nlohmann::json::object();
      for (const auto& entry : fields->entries) {
        if (auto text = reader.string(entry.value, join_path(path, entry.key))) object[entry.key] = *text;
      }
      return object;
    }
  }
  return std::nullopt;
}

std::vector<Destination> parse_destinations(YamlReader& reader, const YAML::Node& node) {
  std::vector<Destination> result;
  auto all = reader.map(node, "destinations", nullptr);
  if (!all) return result;
  const auto type_names = destinations::destination_type_names();
  for (const auto& entry : all->entries) {
    const std::string path = join_path("destinations", entry.key);
    check_name(reader, entry, path, "destination");
    Destination destination;
    destination.name = entry.key;
    destination.location = reader.location(entry.key_node);
    auto fields = reader.map(entry.value, path, nullptr);
    if (!fields) continue;
    // The type decides which keys are valid, so read it first.
    const DestinationType* type = nullptr;
    auto type_node = fields->get("type");
    if (!type_node) {
      reader.error(
          entry.value, path + ".type",
          "missing required key 'type' (one of " + text::join(type_names, ", ") + ")");
    } else if (auto type_name = reader.choice(*type_node, path + ".type", type_names)) {
      type = destinations::find_destination_type(*type_name);
      destination.type = *type_name;
    }
    std::vector<std::string> allowed = destinations::common_destination_keys();
    if (type != nullptr) {
      for (const auto& spec : type->options) allowed.push_back(spec.name);
    }
    if (type != nullptr) reader.reject_unknown_keys(*fields, allowed);
    if (auto value = fields->get("base_url")) destination.base_url = http_url(reader, *value, path + ".base_url");
    if (auto value = fields->get("rate_limit"))
      destination.rate_limit = parse_rate_limit(reader, *value, path + ".rate_limit");
    if (auto value = fields->get("max_concurrency")) {
      if (auto n = reader.whole_number(*value, path + ".max_concurrency", 1, 1024)) {
        destination.max_concurrency = static_cast<std::uint32_t>(*n);
      }
    }
    if (auto value = fields->get("retry")) destination.retry = parse_delivery_retry(reader, *value, path + ".retry");
    if (auto value = fields->get("timeout")) destination.timeout = reader.duration(*value, path + ".timeout");
    if (type == nullptr) {
      result.push_back(std::move(destination));
      continue;
    }
    for (const auto& spec : type->options) {
      const std::string key_path = join_path(path, spec.name);
      auto value = fields->get(spec.name);
      if (!value) {
        if (spec.requirement == destinations::Requirement::required) {
          reader.error(entry.value, key_path,
                       "missing required key " + quote_for_message(spec.name) + " for a " + type->name + " destination");
        }
        continue;
      }
      if (auto parsed = parse_option(reader, spec, *value, key_path)) {
        destination.options[spec.name] = *parsed;
        if (spec.secret) destination.secret_keys.push_back(spec.name);
      }
    }
    for (const auto& group : type->one_of) {
      bool any = false;
      std::string listed;
      for (const auto& key : group) {
        any = any || fields->has(key);
        listed += (listed.empty() ? "" : " or ") + key;
      }
      if (!any) reader.error(entry.value, path, "a " + type->name + " destination needs " + listed);
    }
    check_destination_values(reader, *fields, entry.value, path, *type, destination);
    result.push_back(std::move(destination));
  }
  return result;
}

}  // namespace backflow::config
