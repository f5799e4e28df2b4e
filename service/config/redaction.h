// Config values made safe to show: secrets replaced before anything reaches
// logs, the state store, the API or the dashboard.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "service/config/config.h"

namespace backflow::config {

inline constexpr const char* kRedacted = "[redacted]";

// The destination's options with every secret key's value replaced by
// kRedacted.
nlohmann::json redacted_options(const Destination& destination);

// An ODBC connection string with the values of password-like attributes
// (Pwd, Password, Token, Secret, and any key containing those words,
// case-insensitive) replaced by kRedacted. Braced values ({...}) are handled.
std::string redacted_connection_string(const std::string& connection);

}  // namespace backflow::config
