#include "tests/support/emulators/intercom_emulator.h"

#include <cmath>

namespace backflow::test {

namespace {

ServerReply intercom_error(int status, const std::string& code, const std::string& message) {
  nlohmann::json body = {{"type", "error.list"},
                         {"request_id", "emulated"},
                         {"errors", {{{"code", code}, {"message", message}}}}};
  return ServerReply::json(status, body.dump());
}

std::string percent_decode(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

const char* const kWritable[] = {"role",     "external_id",  "email",        "phone",
                                 "name",     "avatar",       "owner_id",     "signed_up_at",
                                 "last_seen_at", "unsubscribed_from_emails", "custom_attributes"};

}  // namespace

IntercomEmulator::IntercomEmulator(std::string token)
    : token_(std::move(token)), server_([this](const ReceivedRequest& request) { return handle(request); }) {}

std::string IntercomEmulator::base_url() const { return "http://127.0.0.1:" + std::to_string(server_.port()); }

void IntercomEmulator::reject_email(const std::string& email) {
  std::lock_guard lock(mutex_);
  rejected_emails_.insert(email);
}

void IntercomEmulator::set_rate_limit(std::size_t requests, std::chrono::milliseconds window) {
  std::lock_guard lock(mutex_);
  limit_ = std::make_unique<SlidingWindowLimit>(requests, window);
  limit_requests_ = requests;
}

void IntercomEmulator::fail_next(int count, int status) {
  failure_status_ = status;
  failures_ = count;
}

void IntercomEmulator::hang_next(int count) { hangs_ = count; }

std::string IntercomEmulator::add_contact(nlohmann::json contact) {
  std::lock_guard lock(mutex_);
  std::string id = "c" + std::to_string(next_id_++);
  contact["type"] = "contact";
  contact["id"] = id;
  contact["archived"] = false;
  if (!contact.contains("custom_attributes")) contact["custom_attributes"] = nlohmann::json::object();
  contacts_[id] = std::move(contact);
  return id;
}

std::map<std::string, nlohmann::json> IntercomEmulator::contacts() const {
  std::lock_guard lock(mutex_);
  std::map<std::string, nlohmann::json> live;
  for (const auto& [id, contact] : contacts_) {
    if (contact["archived"].get<bool>()) continue;
    std::string name = contact.contains("external_id") && contact["external_id"].is_string()
                           ? contact["external_id"].get<std::string>()
                           : contact.value("email", id);
    live[name] = contact;
  }
  return live;
}

std::size_t IntercomEmulator::archived() const {
  std::lock_guard lock(mutex_);
  std::size_t count = 0;
  for (const auto& [id, contact] : contacts_) count += contact["archived"].get<bool>() ? 1 : 0;
  return count;
}

std::string IntercomEmulator::live_id_by(const std::string& field, const std::string& value) const {
  for (const auto& [id, contact] : contacts_) {
    if (contact["archived"].get<bool>()) continue;
    auto it = contact.find(field);
    if (it != contact.end() && it->is_string() && it->get<std::string>() == value) return id;
  }
  return {};
}

bool IntercomEmulator::invalid(const nlohmann::json& body, std::string& why) const {
  if (!body.is_object()) {
    why = "body must be a JSON object";
    return true;
  }
  for (const auto& [name, value] : body.items()) {
    bool known = false;
    for (const char* writable : kWritable) known = known || name == writable;
    if (!known) {
      why = "unknown attribute '" + name + "'";
      return true;
    }
  }
  if (body.contains("custom_attributes") && !body["custom_attributes"].is_object()) {
    why = "custom_attributes must be an object";
    return true;
  }
  auto email = body.find("email");
  if (email != body.end() && email->is_string() && rejected_emails_.count(email->get<std::string>()) != 0) {
    why = "Email address is invalid";
    return true;
  }
  return false;
}

ServerReply IntercomEmulator::handle(const ReceivedRequest& request) {
  if (hangs_.load() > 0 && hangs_.fetch_sub(1) > 0) return ServerReply::hang();
  if (request.header("authorization") != "Bearer " + token_) {
    return intercom_error(401, "unauthorized", "Access Token Invalid");
  }
  if (request.header("intercom-version") != "2.14") {
    return intercom_error(400, "intercom_version_invalid", "Requested version is not valid");
  }
  std::unique_lock lock(mutex_);
  if (limit_ && !limit_->admit()) {
    ++throttled_;
    auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
    ServerReply reply = intercom_error(429, "rate_limit_exceeded", "Exceeded rate limit");
    reply.headers = {{"X-RateLimit-Limit", std::to_string(limit_requests_)},
                     {"X-RateLimit-Remaining", "0"},
                     {"X-RateLimit-Reset",
                      std::to_string(now.count() + static_cast<long long>(std::ceil(limit_->seconds_until_free())))}};
    return reply;
  }
  if (failures_.load() > 0 && failures_.fetch_sub(1) > 0) {
    return intercom_error(failure_status_.load(), "server_error", "Server error");
  }
  const std::string& target = request.target;
  auto body = request.body.empty() ? nlohmann::json::object() : nlohmann::json::parse(request.body, nullptr, false);
  const std::string find_prefix = "/contacts/find_by_external_id/";
  if (request.method == "GET" && target.rfind(find_prefix, 0) == 0) {
    std::string id = live_id_by("external_id", percent_decode(target.substr(find_prefix.size())));
    if (id.empty()) return intercom_error(404, "not_found", "User Not Found");
    return ServerReply::json(200, contacts_[id].dump());
  }
  if (request.method == "POST" && target == "/contacts/search") {
    if (!body.is_object() || !body.contains("query")) return intercom_error(400, "parameter_invalid", "query required");
    const auto& query = body["query"];
    nlohmann::json list = {{"type", "list"}, {"data", nlohmann::json::array()}, {"total_count", 0}};
    if (query.value("field", "") == "email" && query.value("operator", "") == "=") {
      std::string id = live_id_by("email", query.value("value", ""));
      if (!id.empty()) {
        list["data"].push_back(contacts_[id]);
        list["total_count"] = 1;
      }
    }
    return ServerReply::json(200, list.dump());
  }
  if (request.method == "POST" && target == "/contacts") return create(body);
  const std::string prefix = "/contacts/";
  if (target.rfind(prefix, 0) == 0) {
    std::string rest = target.substr(prefix.size());
    const std::string archive_suffix = "/archive";
    if (request.method == "POST" && rest.size() > archive_suffix.size() &&
        rest.compare(rest.size() - archive_suffix.size(), archive_suffix.size(), archive_suffix) == 0) {
      std::string id = percent_decode(rest.substr(0, rest.size() - archive_suffix.size()));
      auto it = contacts_.find(id);
      if (it == contacts_.end()) return intercom_error(404, "not_found", "User Not Found");
      it->second["archived"] = true;
      return ServerReply::json(200, nlohmann::json{{"id", id}, {"object", "contact"}, {"archived", true}}.dump());
    }
    if (request.method == "PUT" && rest.find('/') == std::string::npos) return update(percent_decode(rest), body);
  }
  return intercom_error(404, "not_found", "No route " + request.method + " " + target);
}

ServerReply IntercomEmulator::create(const nlohmann::json& body) {
  std::string why;
  if (invalid(body, why)) return intercom_error(400, "parameter_invalid", why);
  for (const char* field : {"external_id", "email"}) {
    auto it = body.find(field);
    if (it == body.end() || !it->is_string()) continue;
    std::string existing = live_id_by(field, it->get<std::string>());
    if (!existing.empty()) {
      return intercom_error(409, "conflict", "A contact matching those details already exists with id=" + existing);
    }
  }
  if (!body.contains("external_id") && !body.contains("email") && !body.contains("role")) {
    return intercom_error(400, "parameter_not_found", "role, email or external_id required");
  }
  std::string id = "c" + std::to_string(next_id_++);
  nlohmann::json contact = body;
  contact["type"] = "contact";
  contact["id"] = id;
  contact["archived"] = false;
  if (!contact.contains("custom_attributes")) contact["custom_attributes"] = nlohmann::json::object();
  contacts_[id] = contact;
  return ServerReply::json(200, contact.dump());
}

ServerReply IntercomEmulator::update(const std::string& id, const nlohmann::json& body) {
  auto it = contacts_.find(id);
  if (it == contacts_.end() || it->second["archived"].get<bool>()) return intercom_error(404, "not_found", "User Not Found");
  std::string why;
  if (invalid(body, why)) return intercom_error(400, "parameter_invalid", why);
  for (const auto& [name, value] : body.items()) {
    if (name == "custom_attributes") {
      it->second["custom_attributes"].update(value);
    } else {
      it->second[name] = value;
    }
  }
  return ServerReply::json(200, it->second.dump());
}

}  // namespace backflow::test
