// server:, warehouses: and alerts:, and the name rule shared by all sections.
#include <cctype>
#include <filesystem>
#include <fstream>

#include "service/config/section_parsers.h"

namespace backflow::config {
namespace {

const std::vector<std::string> kServerKeys = {"listen", "auth_token", "tokens", "workers", "shutdown_grace", "tls"};
const std::vector<std::string> kTokenKeys = {"name", "token", "role"};
const std::vector<std::string> kRoles = {"read", "operate", "admin"};
const std::vector<std::string> kTlsKeys = {"cert_file", "key_file"};
const std::vector<std::string> kWarehouseKeys = {"connection", "dialect", "bookkeeping_schema", "fetch_batch_rows"};
const std::vector<std::string> kAlertKeys = {"type", "url", "events", "rejected_pct", "stale_after"};
const std::vector<std::string> kAlertEvents = {"run_failed", "run_blocked", "rejected_records", "sync_stale",
                                               "run_succeeded"};

bool valid_listen_address(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size()) return false;
  std::string port = listen.substr(colon + 1);
  if (port.size() > 5) return false;
  for (char c : port) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  int number = std::stoi(port);
  return number >= 1 && number <= 65535;
}

}  // namespace

bool check_name(YamlReader& reader, const MapEntry& entry, const std::string& path, const char* what) {
  const std::string& name = entry.key;
  bool valid = !name.empty() && (std::isalnum(static_cast<unsigned char>(name[0])) || name[0] == '_');
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') valid = false;
  }
  if (!valid) {
    reader.error(entry.key_node, path,
                 std::string("invalid ") + what + " name " + quote_for_message(name) +
                     ": use letters, digits, '_', '-' and '.', starting with a letter, digit or '_'");
  }
  return valid;
}

// server.tls: both files must be regular files that can be opened now
// (`validate` says so before `serve` fails to start).
static std::optional<ServerConfig::Tls> parse_tls(YamlReader& reader, const YAML::Node& node) {
  auto fields = reader.map(node, "server.tls", &kTlsKeys);
  if (!fields || !reader.require(*fields, kTlsKeys)) return std::nullopt;
  ServerConfig::Tls tls;
  bool ok = true;
  for (auto [key, target] : {std::pair{"cert_file", &tls.cert_file}, std::pair{"key_file", &tls.key_file}}) {
    const std::string path = std::string("server.tls.") + key;
    const YAML::Node value = *fields->get(key);
    auto file = reader.non_empty_string(value, path);
    if (!file) {
      ok = false;
      continue;
    }
    std::error_code ec;
    if (!std::filesystem::is_regular_file(*file, ec) || !std::ifstream(*file)) {
      reader.error(value, path, "cannot read the file " + quote_for_message(*file) + " (a PEM file is expected)");
      ok = false;
      continue;
    }
    *target = *file;
  }
  if (!ok) return std::nullopt;
  return tls;
}

// server.tokens: [{ name, token, role }]. Names are unique and not "admin"
// when auth_token (the token of that name) is set; two entries never share
// a token (which one would the audit log name?).
static std::vector<ServerConfig::Token> parse_tokens(YamlReader& reader, const YAML::Node& node,
                                                    const std::string& auth_token) {
  std::vector<ServerConfig::Token> tokens;
  if (!node.IsSequence()) {
    reader.error(node, "server.tokens", "expected a list of { name, token, role }, found " + describe(node));
    return tokens;
  }
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string path = "server.tokens[" + std::to_string(i) + "]";
    auto fields = reader.map(node[i], path, &kTokenKeys);
    if (!fields || !reader.require(*fields, kTokenKeys)) continue;
    auto name = reader.non_empty_string(*fields->get("name"), path + ".name");
    auto token = reader.non_empty_string(*fields->get("token"), path + ".token");
    auto role = reader.choice(*fields->get("role"), path + ".role", kRoles);
    if (!name || !token || !role) continue;
    bool ok = true;
    for (const auto& other : tokens) {
      if (other.name == *name) {
        reader.error(*fields->get("name"), path + ".name", "token name " + quote_for_message(*name) + " is used twice");
        ok = false;
      } else if (other.token == *token) {
        reader.error(*fields->get("token"), path + ".token",
                     "the same token as '" + other.name + "' (each token must be different)");
        ok = false;
      }
    }
    if (!auth_token.empty() && *name == "admin") {
      reader.error(*fields->get("name"), path + ".name", "'admin' is the name of server.auth_token; choose another");
      ok = false;
    }
    if (!auth_token.empty() && *token == auth_token) {
      reader.error(*fields->get("token"), path + ".token", "the same token as server.auth_token");
      ok = false;
    }
    if (ok) tokens.push_back({*name, *token, *role});
  }
  return tokens;
}

ServerConfig parse_server(YamlReader& reader, const YAML::Node& node) {
  ServerConfig server;
  auto fields = reader.map(node, "server", &kServerKeys);
  if (!fields) return server;
  if (auto listen = fields->get("listen")) {
    if (auto text = reader.string(*listen, "server.listen")) {
      if (valid_listen_address(*text)) {
        server.listen = *text;
      } else {
        reader.error(*listen, "server.listen", "expected host:port with a port from 1 to 65535, found " + YamlReader::quote_value(*listen, *text));
      }
    }
  }
  if (auto token = fields->get("auth_token")) {
    if (auto text = reader.string(*token, "server.auth_token")) server.auth_token = *text;
  }
  if (auto workers = fields->get("workers")) {
    if (auto count = reader.whole_number(*workers, "server.workers", 1, 256)) {
      server.workers = static_cast<std::uint32_t>(*count);
    }
  }
  if (auto grace = fields->get("shutdown_grace")) {
    if (auto duration = reader.duration(*grace, "server.shutdown_grace")) server.shutdown_grace = *duration;
  }
  if (auto tls = fields->get("tls")) server.tls = parse_tls(reader, *tls);
  if (auto tokens = fields->get("tokens")) server.tokens = parse_tokens(reader, *tokens, server.auth_token);
  return server;
}

std::vector<Warehouse> parse_warehouses(YamlReader& reader, const YAML::Node& node) {
  std::vector<Warehouse> warehouses;
  auto all = reader.map(node, "warehouses", nullptr);
  if (!all) return warehouses;
  for (const auto& entry : all->entries) {
    const std::string path = join_path("warehouses", entry.key);
    check_name(reader, entry, path, "warehouse");
    Warehouse warehouse;
    warehouse.name = entry.key;
    warehouse.location = reader.location(entry.key_node);
    auto fields = reader.map(entry.value, path, &kWarehouseKeys);
    if (!fields) continue;
    reader.require(*fields, {"connection", "dialect"});
    if (auto value = fields->get("connection")) {
      if (auto text = reader.non_empty_string(*value, path + ".connection")) warehouse.connection = *text;
    }
    if (auto value = fields->get("dialect")) {
      if (auto text = reader.choice(*value, path + ".dialect", dialect_names())) {
        warehouse.dialect = parse_dialect(*text);
      }
    }
    if (auto value = fields->get("bookkeeping_schema")) {
      if (auto text = reader.non_empty_string(*value, path + ".bookkeeping_schema")) {
        warehouse.bookkeeping_schema = *text;
      }
    }
    if (auto value = fields->get("fetch_batch_rows")) {
      if (auto rows = reader.whole_number(*value, path + ".fetch_batch_rows", 1, 1'000'000)) {
        warehouse.fetch_batch_rows = static_cast<std::uint32_t>(*rows);
      }
    }
    warehouses.push_back(std::move(warehouse));
  }
  return warehouses;
}

std::vector<Alert> parse_alerts(YamlReader& reader, const YAML::Node& node) {
  std::vector<Alert> alerts;
  if (!node.IsSequence()) {
    reader.error(node, "alerts", "expected a list of alerts, found " + describe(node));
    return alerts;
  }
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string path = "alerts[" + std::to_string(i) + "]";
    auto fields = reader.map(node[i], path, &kAlertKeys);
    if (!fields) continue;
    Alert alert;
    alert.location = reader.location(node[i]);
    alert.events = {"run_failed", "run_blocked"};
    reader.require(*fields, {"type", "url"});
    if (auto value = fields->get("type")) {
      if (auto type = reader.choice(*value, path + ".type", {"webhook", "slack"})) {
        alert.type = *type == "slack" ? AlertType::slack : AlertType::webhook;
      }
    }
    if (auto value = fields->get("url")) {
      if (auto url = reader.non_empty_string(*value, path + ".url")) {
        if (url->rfind("http://", 0) != 0 && url->rfind("https://", 0) != 0) {
          reader.error(*value, path + ".url", "expected an http:// or https:// URL (the value is not shown: it may be a credential)");
        }
        alert.url = *url;
      }
    }
    if (auto value = fields->get("events")) {
      if (auto events = reader.string_list(*value, path + ".events", false)) {
        alert.events.clear();
        for (std::size_t e = 0; e < events->size(); ++e) {
          auto event_node = (*value)[e];
          if (auto event = reader.choice(event_node, path + ".events[" + std::to_string(e) + "]", kAlertEvents)) {
            alert.events.push_back(*event);
          }
        }
      }
    }
    if (auto value = fields->get("rejected_pct")) {
      if (auto pct = reader.number(*value, path + ".rejected_pct", 0, 100)) alert.rejected_pct = *pct;
    }
    if (auto value = fields->get("stale_after")) {
      if (auto age = reader.duration(*value, path + ".stale_after")) {
        if (age->count() > 0) {
          alert.stale_after = *age;
        } else {
          reader.error(*value, path + ".stale_after", "expected a duration longer than 0");
        }
      }
    }
    alerts.push_back(std::move(alert));
  }
  return alerts;
}

}  // namespace backflow::config
