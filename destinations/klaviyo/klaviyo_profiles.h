// Klaviyo's JSON:API shapes for profile bulk import jobs: the job a batch of
// records becomes, and how an import error names the record it is about.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "destinations/delivery_record.h"

namespace backflow::destinations::klaviyo {

inline constexpr std::size_t kMaxProfilesPerJob = 10000;
// Klaviyo's documented payload limit, "5 MB", read as 5,000,000 bytes: the
// stricter reading, so a job is never refused for its size. Also the bound of
// the `max_bytes` key (klaviyo_type.cpp).
inline constexpr std::size_t kMaxJobBytes = 5'000'000;

// One `profile` resource: Klaviyo's own attributes (email, phone_number,
// external_id, first_name, ..., location) at the top, every other field under
// `properties`. A record without email, phone_number or external_id field
// gets its primary key as external_id.
nlohmann::json profile(const DeliveryRecord& record);

// The body of POST /api/profile-bulk-import-jobs for `profiles`, adding them
// to `list_id` when it is not empty.
std::string job_body(const std::vector<nlohmann::json>& profiles, const std::string& list_id);
// The same from profiles the caller keeps (no copies).
std::string job_body_from(const std::vector<const nlohmann::json*>& profiles, const std::string& list_id);

// The identifiers a profile (as sent, or an error's original_payload) carries,
// as "email:...", "phone_number:...", "external_id:..." strings.
std::vector<std::string> identities(const nlohmann::json& profile);

// An import error's text: "<title>: <detail>" (and the source pointer).
std::string error_message(const nlohmann::json& import_error);

}  // namespace backflow::destinations::klaviyo
