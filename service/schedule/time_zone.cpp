#include "service/schedule/time_zone.h"

#include <date/tz.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "service/schedule/posix_tz.h"

// The date::time_zone layout differs with USE_OS_TZDB; the date::date-tz CMake
// target defines it (with ONLY_C_LOCALE and HAS_STRING_VIEW) to match the
// Debian build of libdate-tz.
#if !defined(USE_OS_TZDB) || !USE_OS_TZDB
#error "compile with the date::date-tz target's definitions (USE_OS_TZDB=1)"
#endif

namespace backflow::schedule {

// date/tz built on the system database (USE_OS_TZDB) reads only the transitions
// a TZif file lists and ignores the POSIX TZ rule in its footer, so past the
// last listed transition (2037 in Debian's files; earlier in "slim" ones) it
// would keep the last offset forever. The footer rule takes over there, as it
// does in the C library.
struct TimeZone::Rules {
  const date::time_zone* zone = nullptr;  // owned by date's tzdb, never freed
  std::optional<PosixTzRule> footer;      // none in version 1 files or when empty
};

namespace {

constexpr const char* kZoneInfoDir = "/usr/share/zoneinfo/";

// The zone of that name in date's database (every zone file under
// /usr/share/zoneinfo, sorted by name), or null. Lists the database on the
// first call; never throws.
const date::time_zone* find_zone(const std::string& name) noexcept {
  try {
    const auto& zones = date::get_tzdb().zones;
    auto it = std::lower_bound(zones.begin(), zones.end(), name,
                               [](const date::time_zone& zone, const std::string& key) { return zone.name() < key; });
    return it != zones.end() && it->name() == name ? &*it : nullptr;
  } catch (const std::exception&) {
    return nullptr;  // no readable zoneinfo directory
  }
}

// The file's bytes, or nullopt when it cannot be read.
std::optional<std::string> read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return std::nullopt;
  std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (file.bad()) return std::nullopt;
  return bytes;
}

bool is_tzif(std::string_view bytes) { return bytes.substr(0, 4) == "TZif"; }

// The POSIX TZ string of a version 2+ TZif file: the last line, between the
// final two newlines (RFC 8536 section 3.3). Empty when there is none.
std::string_view footer_of(std::string_view bytes) {
  if (bytes.size() < 5 || bytes[4] < '2' || bytes.back() != '\n') return {};
  const auto start = bytes.rfind('\n', bytes.size() - 2);
  if (start == std::string_view::npos) return {};
  return bytes.substr(start + 1, bytes.size() - 2 - start);
}

}  // namespace

bool TimeZone::exists(const std::string& name) {
  const date::time_zone* zone = find_zone(name);
  if (zone == nullptr) return false;
  std::ifstream file(kZoneInfoDir + zone->name(), std::ios::binary);
  char magic[4] = {};
  return file.read(magic, 4) && is_tzif(std::string_view(magic, 4));
}

TimeZone TimeZone::named(const std::string& name) {
  const std::string unknown = "unknown time zone '" + name + "' (no such zone in " + kZoneInfoDir + ")";
  const date::time_zone* zone = nullptr;
  try {
    zone = date::locate_zone(name);
  } catch (const std::runtime_error&) {
    throw std::invalid_argument(unknown);
  }
  const auto bytes = read_file(kZoneInfoDir + zone->name());
  if (!bytes) throw std::invalid_argument(unknown);
  if (!is_tzif(*bytes)) throw std::invalid_argument("time zone '" + name + "': not a TZif file (bad magic)");
  TimeZone result;
  if (name == "UTC" || name == "Etc/UTC") return result;
  auto rules = std::make_shared<Rules>();
  rules->zone = zone;
  try {
    if (auto footer = footer_of(*bytes); !footer.empty()) rules->footer = PosixTzRule::parse(footer);
    // Load the file now (once per process), so that a bad one fails here.
    zone->get_info(std::chrono::sys_seconds{});
  } catch (const std::exception& e) {
    throw std::invalid_argument("time zone '" + name + "': " + e.what());
  }
  result.name_ = name;
  result.rules_ = std::move(rules);
  return result;
}

std::int64_t TimeZone::offset_at(std::int64_t unix_seconds) const {
  if (!rules_) return 0;
  const date::sys_info info = rules_->zone->get_info(date::sys_seconds{std::chrono::seconds{unix_seconds}});
  // date/tz ends the interval after the last listed transition at year::max().
  const bool after_last_transition = info.end >= date::sys_days{date::year::max() / date::January / 1};
  if (after_last_transition && rules_->footer) return rules_->footer->offset_at(unix_seconds);
  return info.offset.count();
}

}  // namespace backflow::schedule
