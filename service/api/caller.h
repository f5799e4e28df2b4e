// Who makes an API request: the name of the token it presented and what that
// token may do.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace backflow::api {

// Ordered: each role may do what the ones before it may.
enum class Role {
  read,     // GET: syncs, runs, records, request logs, metrics
  operate,  // also trigger (not past a guard), pause, resume, cancel, retry
  admin,    // also config reload, trigger with force (past a guard), the audit log
};

std::string_view to_string(Role role);
// "read", "operate", "admin"; nullopt for anything else.
std::optional<Role> role_from_string(std::string_view text);

struct Caller {
  std::string name = "anonymous";  // the token's name; "anonymous" when auth is off
  Role role = Role::admin;
};

}  // namespace backflow::api
