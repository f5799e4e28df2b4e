#include "service/schedule/time_zone.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "service/schedule/tzif.h"

namespace backflow::schedule {
namespace {

constexpr const char* kZoneInfoDir = "/usr/share/zoneinfo/";

bool safe_zone_name(const std::string& name) {
  return !name.empty() && name.front() != '/' && name.find("..") == std::string::npos;
}

}  // namespace

bool TimeZone::exists(const std::string& name) {
  if (!safe_zone_name(name)) return false;
  std::ifstream file(kZoneInfoDir + name, std::ios::binary);
  char magic[4] = {};
  if (!file.read(magic, 4)) return false;
  return std::string(magic, 4) == "TZif";
}

TimeZone TimeZone::named(const std::string& name) {
  const std::string unknown = "unknown time zone '" + name + "' (no such zone in " + kZoneInfoDir + ")";
  if (!safe_zone_name(name)) throw std::invalid_argument(unknown);
  std::ifstream file(kZoneInfoDir + name, std::ios::binary);
  if (!file) throw std::invalid_argument(unknown);
  std::ostringstream bytes;
  bytes << file.rdbuf();
  TimeZone zone;
  if (name == "UTC" || name == "Etc/UTC") return zone;
  try {
    zone.rules_ = std::make_shared<const ZoneRules>(ZoneRules::parse(bytes.str()));
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument("time zone '" + name + "': " + e.what());
  }
  zone.name_ = name;
  return zone;
}

std::int64_t TimeZone::offset_at(std::int64_t unix_seconds) const {
  return rules_ ? rules_->offset_at(unix_seconds) : 0;
}

}  // namespace backflow::schedule
