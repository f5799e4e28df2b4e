#include "destinations/account_options.h"

#include "common/duration.h"

namespace backflow::destinations {
namespace {

const nlohmann::json* find_option(const nlohmann::json& options, std::string_view name) {
  if (!options.is_object()) return nullptr;
  auto it = options.find(std::string(name));
  if (it == options.end() || it->is_null()) return nullptr;
  return &*it;
}

}  // namespace

std::string text_option(const nlohmann::json& options, std::string_view name) {
  const nlohmann::json* value = find_option(options, name);
  if (value == nullptr) return {};
  if (value->is_string()) return value->get<std::string>();
  return value->dump();
}

std::uint64_t number_option(const nlohmann::json& options, std::string_view name) {
  const nlohmann::json* value = find_option(options, name);
  if (value == nullptr) return 0;
  if (value->is_number_unsigned()) return value->get<std::uint64_t>();
  if (value->is_number_integer()) return static_cast<std::uint64_t>(std::max<std::int64_t>(0, value->get<std::int64_t>()));
  return 0;
}

std::optional<bool> bool_option(const nlohmann::json& options, std::string_view name) {
  const nlohmann::json* value = find_option(options, name);
  if (value == nullptr || !value->is_boolean()) return std::nullopt;
  return value->get<bool>();
}

std::optional<std::chrono::milliseconds> duration_option(const nlohmann::json& options, std::string_view name) {
  std::string text = text_option(options, name);
  if (text.empty()) return std::nullopt;
  return parse_duration(text);
}

DestinationSettings settings_from_config(const Destination& account) {
  DestinationSettings settings;
  settings.name = account.name;
  settings.type = account.type;
  settings.url = text_option(account.options, "url");
  if (settings.url.empty() && account.base_url) settings.url = *account.base_url;
  if (const nlohmann::json* headers = find_option(account.options, "headers"); headers != nullptr && headers->is_object()) {
    for (const auto& [name, value] : headers->items()) {
      settings.headers.emplace_back(name, value.is_string() ? value.get<std::string>() : value.dump());
    }
  }
  for (const char* name : {"secret", "token", "api_key", "access_token"}) {
    settings.secret = text_option(account.options, name);
    if (!settings.secret.empty()) break;
  }
  settings.batch_size = static_cast<std::size_t>(number_option(account.options, "batch_size"));
  settings.max_bytes = static_cast<std::size_t>(number_option(account.options, "max_bytes"));
  if (account.rate_limit) settings.rate_limit = *account.rate_limit;
  if (account.max_concurrency) settings.max_concurrency = *account.max_concurrency;
  if (account.retry.max_attempts) settings.retry.max_attempts = static_cast<int>(*account.retry.max_attempts);
  if (account.retry.base_delay) settings.retry.base_delay = *account.retry.base_delay;
  if (account.retry.max_delay) settings.retry.max_delay = *account.retry.max_delay;
  if (account.timeout) settings.total_timeout = *account.timeout;
  return settings;
}

}  // namespace backflow::destinations
