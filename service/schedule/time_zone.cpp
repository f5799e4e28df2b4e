#include "service/schedule/time_zone.h"

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <mutex>
#include <optional>
#include <stdexcept>

namespace backflow::schedule {
namespace {

constexpr const char* kZoneInfoDir = "/usr/share/zoneinfo/";

std::mutex& tz_mutex() {
  static std::mutex mutex;
  return mutex;
}

// Sets TZ for its lifetime and puts back what was there before.
class ScopedTz {
 public:
  explicit ScopedTz(const std::string& name) {
    if (const char* old = std::getenv("TZ")) previous_ = old;
    std::string value = ":" + name;
    setenv("TZ", value.c_str(), 1);
    tzset();
  }
  ~ScopedTz() {
    if (previous_) {
      setenv("TZ", previous_->c_str(), 1);
    } else {
      unsetenv("TZ");
    }
    tzset();
  }
  ScopedTz(const ScopedTz&) = delete;
  ScopedTz& operator=(const ScopedTz&) = delete;

 private:
  std::optional<std::string> previous_;
};

}  // namespace

bool TimeZone::exists(const std::string& name) {
  if (name.empty() || name.front() == '/' || name.find("..") != std::string::npos) return false;
  std::ifstream file(kZoneInfoDir + name, std::ios::binary);
  char magic[4] = {};
  if (!file.read(magic, 4)) return false;
  return std::string(magic, 4) == "TZif";
}

TimeZone TimeZone::named(const std::string& name) {
  if (!exists(name)) {
    throw std::invalid_argument("unknown time zone '" + name + "' (no such zone in " +
                                std::string(kZoneInfoDir) + ")");
  }
  if (name == "UTC" || name == "Etc/UTC") return TimeZone();
  return TimeZone(name);
}

std::int64_t TimeZone::offset_at(std::int64_t unix_seconds) const {
  if (is_utc()) return 0;
  std::lock_guard<std::mutex> lock(tz_mutex());
  ScopedTz scoped(name_);
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm local{};
  localtime_r(&t, &local);
  return local.tm_gmtoff;
}

}  // namespace backflow::schedule
