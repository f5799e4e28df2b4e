// Cron parsing and next-fire computation, in UTC and in named zones.
#include "service/schedule/cron.h"

#include <catch2/catch.hpp>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "service/schedule/posix_tz.h"

using backflow::schedule::CronExpression;
using backflow::schedule::TimeZone;
using Clock = std::chrono::system_clock;

namespace {

// "2024-03-31 01:59" (UTC) -> time point.
Clock::time_point utc(const std::string& text) {
  std::tm tm{};
  REQUIRE(std::sscanf(text.c_str(), "%d-%d-%d %d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min) ==
          5);
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return Clock::from_time_t(timegm(&tm));
}

std::string utc_text(Clock::time_point t) {
  std::time_t seconds = Clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", &tm);
  return text;
}

std::string next(const std::string& cron, const std::string& after, const TimeZone& zone = TimeZone()) {
  return utc_text(CronExpression::parse(cron).next_after(utc(after), zone));
}

}  // namespace

TEST_CASE("cron: next fire is strictly after, on whole minutes", "[cron]") {
  CHECK(next("*/15 * * * *", "2024-05-01 10:07") == "2024-05-01 10:15");
  CHECK(next("*/15 * * * *", "2024-05-01 10:15") == "2024-05-01 10:30");
  CHECK(
      utc_text(CronExpression::parse("*/15 * * * *").next_after(utc("2024-05-01 10:14") + std::chrono::seconds(59))) ==
      "2024-05-01 10:15");
  CHECK(next("* * * * *", "2024-05-01 23:59") == "2024-05-02 00:00");
  CHECK(next("0 0 1 1 *", "2024-12-31 23:59") == "2025-01-01 00:00");
}

TEST_CASE("cron: lists, ranges and steps", "[cron]") {
  CHECK(next("10-30/7 * * * *", "2024-05-01 10:17") == "2024-05-01 10:24");
  CHECK(next("10-30/7 * * * *", "2024-05-01 10:24") == "2024-05-01 11:10");
  CHECK(next("5/20 * * * *", "2024-05-01 10:26") == "2024-05-01 10:45");
  CHECK(next("0 8,12-13,18 * * *", "2024-05-01 12:00") == "2024-05-01 13:00");
  CHECK(next("0 8,12-13,18 * * *", "2024-05-01 13:00") == "2024-05-01 18:00");
  CHECK(next("0 9 * JAN,jul mon-FRI", "2024-05-01 00:00") == "2024-07-01 09:00");
  CHECK(next("0 0 * * 7", "2024-05-01 00:00") == "2024-05-05 00:00");  // 7 is Sunday
  CHECK(next("@hourly", "2024-05-01 10:00") == "2024-05-01 11:00");
  CHECK(next("@weekly", "2024-05-01 10:00") == "2024-05-05 00:00");
  CHECK(next("@monthly", "2024-05-01 10:00") == "2024-06-01 00:00");
}

TEST_CASE("cron: day-of-month and day-of-week combine as in Vixie cron", "[cron]") {
  // Both restricted: either matches (the 13th, and every Friday).
  CHECK(next("0 0 13 * FRI", "2024-10-11 00:00") == "2024-10-13 00:00");
  CHECK(next("0 0 13 * FRI", "2024-10-13 00:00") == "2024-10-18 00:00");
  // One starts with '*': both must match (odd days that are Mondays).
  CHECK(next("0 0 */2 * MON", "2024-09-01 00:00") == "2024-09-09 00:00");
  CHECK(next("0 0 */2 * MON", "2024-09-09 00:00") == "2024-09-23 00:00");
}

TEST_CASE("cron: Feb 29 and the ends of months", "[cron]") {
  CHECK(next("0 12 29 2 *", "2024-03-01 00:00") == "2028-02-29 12:00");
  CHECK(next("0 0 31 * *", "2024-04-01 00:00") == "2024-05-31 00:00");
  CHECK(next("0 0 31 * *", "2024-05-31 00:00") == "2024-07-31 00:00");
  CHECK_THROWS_WITH(CronExpression::parse("0 0 30 2 *").next_after(utc("2024-01-01 00:00")),
                    "cron expression '0 0 30 2 *' never fires in the next 8 years");
}

TEST_CASE("cron: named zones, including offsets that are not whole hours", "[cron]") {
  const auto paris = TimeZone::named("Europe/Paris");
  CHECK(next("0 9 * * *", "2024-07-01 00:00", paris) == "2024-07-01 07:00");
  CHECK(next("0 9 * * *", "2024-12-01 00:00", paris) == "2024-12-01 08:00");
  CHECK(next("0 0 * * *", "2024-03-10 00:00", TimeZone::named("America/New_York")) == "2024-03-10 05:00");
  CHECK(next("0 9 * * *", "2024-05-01 00:00", TimeZone::named("Asia/Kolkata")) == "2024-05-01 03:30");
  CHECK(TimeZone::named("UTC").is_utc());
  CHECK_THROWS_WITH(TimeZone::named("Europe/Pariss"),
                    "unknown time zone 'Europe/Pariss' (no such zone in /usr/share/zoneinfo/)");
  CHECK_FALSE(TimeZone::exists("../etc/passwd"));
}

TEST_CASE("cron: a local time skipped by DST fires when the gap ends", "[cron]") {
  const auto paris = TimeZone::named("Europe/Paris");
  // 2024-03-31: 02:00 CET jumps to 03:00 CEST at 01:00 UTC.
  CHECK(next("30 2 * * *", "2024-03-30 01:30", paris) == "2024-03-31 01:00");
  CHECK(next("30 2 * * *", "2024-03-31 01:00", paris) == "2024-04-01 00:30");
  CHECK(next("*/30 * * * *", "2024-03-31 00:30", paris) == "2024-03-31 01:00");
  CHECK(next("*/30 * * * *", "2024-03-31 01:00", paris) == "2024-03-31 01:30");
}

TEST_CASE("cron: a local time that occurs twice fires once, at the first", "[cron]") {
  const auto paris = TimeZone::named("Europe/Paris");
  // 2024-10-27: 03:00 CEST goes back to 02:00 CET at 01:00 UTC; 02:30 happens
  // at 00:30 UTC and again at 01:30 UTC.
  CHECK(next("30 2 * * *", "2024-10-26 12:00", paris) == "2024-10-27 00:30");
  CHECK(next("30 2 * * *", "2024-10-27 00:30", paris) == "2024-10-28 01:30");
  // An hourly job does not fire again in the repeated hour: local 02:00 was
  // at 00:00 UTC, so the next is 03:00 CET.
  CHECK(next("0 * * * *", "2024-10-27 00:00", paris) == "2024-10-27 02:00");
}

TEST_CASE("cron: parse errors name the field and the token", "[cron]") {
  auto error_of = [](const std::string& text) {
    try {
      CronExpression::parse(text);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("(parsed)");
  };
  CHECK(error_of("") == "empty cron expression");
  CHECK(error_of("* * * *") == "expected 5 fields (minute hour day-of-month month day-of-week), found 4");
  CHECK(error_of("* * * * * *") == "expected 5 fields (minute hour day-of-month month day-of-week), found 6");
  CHECK(error_of("60 * * * *") == "minute field '60': 60 is out of range 0-59");
  CHECK(error_of("0 24 * * *") == "hour field '24': 24 is out of range 0-23");
  CHECK(error_of("0 0 0 * *") == "day-of-month field '0': 0 is out of range 1-31");
  CHECK(error_of("0 0 * 13 *") == "month field '13': 13 is out of range 1-12");
  CHECK(error_of("0 0 * FOO *") == "month field 'FOO': unknown name 'FOO'");
  CHECK(error_of("0 0 * * 8") == "day-of-week field '8': 8 is out of range 0-7");
  CHECK(error_of("*/0 * * * *") == "minute field '*/0': step must be at least 1");
  CHECK(error_of("*/x * * * *") == "minute field '*/x': step 'x' is not a number");
  CHECK(error_of("1,,2 * * * *") == "minute field '1,,2': empty list item");
  CHECK(error_of("5-1 * * * *") == "minute field '5-1': range 5-1 goes backwards");
  CHECK(error_of("a * * * *") == "minute field 'a': expected a number, found 'a'");
  CHECK(error_of("@often") ==
        "unknown alias '@often' (known: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)");
}

namespace {

// The C library's answer, for comparison (single-threaded test only).
class LibcZone {
 public:
  explicit LibcZone(const std::string& name) {
    if (const char* old = std::getenv("TZ")) previous_ = old;
    setenv("TZ", (":" + name).c_str(), 1);
    tzset();
  }
  ~LibcZone() {
    if (previous_.empty()) {
      unsetenv("TZ");
    } else {
      setenv("TZ", previous_.c_str(), 1);
    }
    tzset();
  }
  std::int64_t offset_at(std::int64_t t) const {
    std::time_t time = static_cast<std::time_t>(t);
    std::tm local{};
    localtime_r(&time, &local);
    return local.tm_gmtoff;
  }

 private:
  std::string previous_;
};

}  // namespace

TEST_CASE("time zones: offsets match the C library, transitions included", "[cron][tz]") {
  for (const char* name :
       {"Europe/Paris", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "Pacific/Chatham", "Europe/Dublin",
        "America/Nuuk", "America/Sao_Paulo", "Asia/Tehran", "Africa/Casablanca", "Pacific/Apia", "America/Santiago"}) {
    INFO(name);
    const auto zone = TimeZone::named(name);
    LibcZone libc(name);
    std::int64_t previous = libc.offset_at(631152000);  // 1990-01-01
    int mismatches = 0, transitions = 0;
    for (std::int64_t t = 631152000; t < 2398291200 && mismatches < 3; t += 5 * 3600 + 1013) {  // to 2046
      const std::int64_t expected = libc.offset_at(t);
      if (zone.offset_at(t) != expected) {
        ++mismatches;
        FAIL_CHECK("at " << t << ": " << zone.offset_at(t) << " != " << expected);
      }
      if (expected != previous) {
        // Find the exact second of the change and compare on both sides.
        std::int64_t low = t - 5 * 3600 - 1013, high = t;
        while (high - low > 1) {
          std::int64_t mid = low + (high - low) / 2;
          (libc.offset_at(mid) == expected ? high : low) = mid;
        }
        CHECK(zone.offset_at(high - 1) == libc.offset_at(high - 1));
        CHECK(zone.offset_at(high) == libc.offset_at(high));
        ++transitions;
      }
      previous = expected;
    }
    CHECK(mismatches == 0);
    if (std::string(name) != "Asia/Kolkata") CHECK(transitions > 0);
  }
}

TEST_CASE("time zones: POSIX TZ rules on their own", "[cron][tz]") {
  using backflow::schedule::PosixTzRule;
  const auto sydney = PosixTzRule::parse("AEST-10AEDT,M10.1.0,M4.1.0/3");
  CHECK(sydney.offset_at(utc("2024-01-15 00:00").time_since_epoch() / std::chrono::seconds(1)) == 11 * 3600);
  CHECK(sydney.offset_at(utc("2024-07-15 00:00").time_since_epoch() / std::chrono::seconds(1)) == 10 * 3600);
  const auto fixed = PosixTzRule::parse("<+0530>-5:30");
  CHECK(fixed.offset_at(0) == 5 * 3600 + 1800);
  CHECK_THROWS_WITH(PosixTzRule::parse("CET-1CEST,M3.5.0"),
                    "invalid POSIX TZ string 'CET-1CEST,M3.5.0': expected ',' before the DST end date");
  CHECK_THROWS_WITH(PosixTzRule::parse("X1"), "invalid POSIX TZ string 'X1': zone abbreviation shorter than 3 letters");
}

TEST_CASE("time zones: after the file's last listed transition, its POSIX footer rule", "[cron][tz]") {
  // Debian's zone files list transitions up to 2037; date/tz on the system
  // database stops there, so the later instants come from the footer rule.
  auto seconds = [](const std::string& when) { return utc(when).time_since_epoch() / std::chrono::seconds(1); };
  auto offset = [](const char* zone, std::int64_t t) { return TimeZone::named(zone).offset_at(t); };
  // Europe/Paris, CET-1CEST,M3.5.0,M10.5.0/3: springs forward at 2040-03-25 01:00 UTC.
  CHECK(offset("Europe/Paris", seconds("2040-07-01 00:00")) == 7200);
  CHECK(offset("Europe/Paris", seconds("2040-12-01 00:00")) == 3600);
  CHECK(offset("Europe/Paris", seconds("2040-03-25 01:00") - 1) == 3600);
  CHECK(offset("Europe/Paris", seconds("2040-03-25 01:00")) == 7200);
  // America/New_York, EST5EDT,M3.2.0,M11.1.0: falls back at 2040-11-04 06:00 UTC.
  CHECK(offset("America/New_York", seconds("2045-07-04 00:00")) == -4 * 3600);
  CHECK(offset("America/New_York", seconds("2040-11-04 06:00") - 1) == -4 * 3600);
  CHECK(offset("America/New_York", seconds("2040-11-04 06:00")) == -5 * 3600);
  // Australia/Lord_Howe: half-hour DST, +10:30 in winter and +11 in summer.
  CHECK(offset("Australia/Lord_Howe", seconds("2024-07-01 00:00")) == 10 * 3600 + 1800);
  CHECK(offset("Australia/Lord_Howe", seconds("2025-01-01 00:00")) == 11 * 3600);
  CHECK(offset("Australia/Lord_Howe", seconds("2024-10-05 15:30") - 1) == 10 * 3600 + 1800);
  CHECK(offset("Australia/Lord_Howe", seconds("2024-10-05 15:30")) == 11 * 3600);
  CHECK(offset("Australia/Lord_Howe", seconds("2040-01-15 00:00")) == 11 * 3600);
  CHECK(offset("Australia/Lord_Howe", seconds("2040-07-15 00:00")) == 10 * 3600 + 1800);
  CHECK(offset("Australia/Lord_Howe", seconds("2040-03-31 15:00") - 1) == 11 * 3600);
  CHECK(offset("Australia/Lord_Howe", seconds("2040-03-31 15:00")) == 10 * 3600 + 1800);
  // Asia/Kathmandu, +05:45 with no DST, before and after 2037.
  CHECK(offset("Asia/Kathmandu", seconds("2024-05-01 00:00")) == 5 * 3600 + 45 * 60);
  CHECK(offset("Asia/Kathmandu", seconds("2050-01-01 00:00")) == 5 * 3600 + 45 * 60);
  // America/Nuuk's rule changes at a negative local time (M3.5.0/-1).
  CHECK(offset("America/Nuuk", seconds("2040-07-01 00:00")) == -3600);
  CHECK(offset("America/Nuuk", seconds("2040-12-01 00:00")) == -7200);
  // A cron fire time after 2037 follows the footer too (09:00 CEST = 07:00 UTC).
  CHECK(next("0 9 * * *", "2040-07-01 00:00", TimeZone::named("Europe/Paris")) == "2040-07-01 07:00");
}
