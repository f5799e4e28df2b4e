#include "service/schedule/cron.h"
#include "common/text.h"

#include <array>
#include <cctype>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace backflow::schedule {
namespace {

struct FieldSpec {
  const char* name;
  int min;
  int max;
  const std::vector<std::string>* names;  // names[i] means min + i; may be null
};

const std::vector<std::string> kMonthNames = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                              "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
const std::vector<std::string> kWeekdayNames = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"};

const std::array<FieldSpec, 5> kFields = {{{"minute", 0, 59, nullptr},
                                           {"hour", 0, 23, nullptr},
                                           {"day-of-month", 1, 31, nullptr},
                                           {"month", 1, 12, &kMonthNames},
                                           {"day-of-week", 0, 7, &kWeekdayNames}}};

[[noreturn]] void fail(const FieldSpec& field, std::string_view token, const std::string& why) {
  throw std::invalid_argument(std::string(field.name) + " field '" + std::string(token) + "': " + why);
}

int parse_value(const FieldSpec& field, std::string_view whole, std::string_view text) {
  if (text.empty()) fail(field, whole, "missing value");
  if (std::isalpha(static_cast<unsigned char>(text[0]))) {
    const std::string upper = text::upper(text);
    if (field.names != nullptr) {
      for (std::size_t i = 0; i < field.names->size(); ++i) {
        if ((*field.names)[i] == upper) return field.min + static_cast<int>(i);
      }
      fail(field, whole, "unknown name '" + std::string(text) + "'");
    }
    fail(field, whole, "expected a number, found '" + std::string(text) + "'");
  }
  int value = 0;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      fail(field, whole, "expected a number, found '" + std::string(text) + "'");
    }
    value = value * 10 + (c - '0');
    if (value > 1000) break;
  }
  if (value < field.min || value > field.max) {
    fail(field, whole,
         std::string(text) + " is out of range " + std::to_string(field.min) + "-" + std::to_string(field.max));
  }
  return value;
}

// Returns the set of values the field selects; `star` tells whether the
// field starts with '*' (which matters for the day-of-month/day-of-week rule).
std::vector<bool> parse_field(const FieldSpec& field, std::string_view text, bool& star) {
  std::vector<bool> selected(static_cast<std::size_t>(field.max + 1), false);
  star = !text.empty() && text[0] == '*';
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    std::string_view item =
        text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (item.empty()) fail(field, text, "empty list item");
    int step = 1;
    std::string_view range = item;
    if (auto slash = item.find('/'); slash != std::string_view::npos) {
      std::string_view step_text = item.substr(slash + 1);
      if (step_text.empty()) fail(field, text, "missing step after '/'");
      for (char c : step_text) {
        if (!std::isdigit(static_cast<unsigned char>(c)))
          fail(field, text, "step '" + std::string(step_text) + "' is not a number");
      }
      step = step_text.size() > 4 ? 10000 : std::stoi(std::string(step_text));
      if (step == 0) fail(field, text, "step must be at least 1");
      if (step > field.max) fail(field, text, "step " + std::string(step_text) + " is larger than the field's range");
      range = item.substr(0, slash);
    }
    int low = field.min, high = field.max;
    if (range == "*") {
      // whole range
    } else if (auto dash = range.find('-'); dash != std::string_view::npos) {
      low = parse_value(field, text, range.substr(0, dash));
      high = parse_value(field, text, range.substr(dash + 1));
      if (low > high) fail(field, text, "range " + std::string(range) + " goes backwards");
    } else {
      low = parse_value(field, text, range);
      high = item.find('/') != std::string_view::npos ? field.max : low;
    }
    for (int v = low; v <= high; v += step) selected[static_cast<std::size_t>(v)] = true;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return selected;
}

std::string expand_alias(std::string_view text) {
  if (text == "@yearly" || text == "@annually") return "0 0 1 1 *";
  if (text == "@monthly") return "0 0 1 * *";
  if (text == "@weekly") return "0 0 * * 0";
  if (text == "@daily" || text == "@midnight") return "0 0 * * *";
  if (text == "@hourly") return "0 * * * *";
  throw std::invalid_argument("unknown alias '" + std::string(text) +
                              "' (known: @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly)");
}

// Local civil time, minute resolution.
struct Civil {
  std::chrono::year_month_day date;
  int hour = 0;
  int minute = 0;
};

std::int64_t civil_to_seconds_as_utc(const Civil& c) {
  auto days = std::chrono::sys_days(c.date).time_since_epoch().count();
  return static_cast<std::int64_t>(days) * 86400 + c.hour * 3600 + c.minute * 60;
}

Civil seconds_to_civil(std::int64_t seconds) {
  std::int64_t days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
  std::int64_t rest = seconds - days * 86400;
  Civil c;
  c.date = std::chrono::year_month_day(std::chrono::sys_days(std::chrono::days(days)));
  c.hour = static_cast<int>(rest / 3600);
  c.minute = static_cast<int>(rest % 3600 / 60);
  return c;
}

Civil start_of_next_day(const Civil& c) {
  return Civil{std::chrono::year_month_day(std::chrono::sys_days(c.date) + std::chrono::days(1)), 0, 0};
}

Civil start_of_next_month(const Civil& c) {
  auto next = std::chrono::year_month(c.date.year(), c.date.month()) + std::chrono::months(1);
  return Civil{next / std::chrono::day(1), 0, 0};
}

// The UTC instant at which local time `c` first occurs in `zone`, or, when
// `c` falls in a DST gap, the first instant after the gap.
std::int64_t first_instant_of(const Civil& c, const TimeZone& zone) {
  const std::int64_t as_utc = civil_to_seconds_as_utc(c);
  if (zone.is_utc()) return as_utc;
  // Zone transitions are at least days apart, so the offsets a day before
  // and a day after are the only ones that can apply.
  const std::int64_t offset_before = zone.offset_at(as_utc - 86400);
  const std::int64_t offset_after = zone.offset_at(as_utc + 86400);
  std::int64_t best = 0;
  bool found = false;
  for (std::int64_t offset : {offset_before, offset_after}) {
    std::int64_t instant = as_utc - offset;
    if (zone.offset_at(instant) == offset && (!found || instant < best)) {
      best = instant;
      found = true;
    }
  }
  if (found) return best;
  // A gap: find the transition between the two candidate instants.
  std::int64_t low = as_utc - offset_before, high = as_utc - offset_after;
  if (low > high) std::swap(low, high);
  while (high - low > 1) {
    std::int64_t mid = low + (high - low) / 2;
    if (zone.offset_at(mid) == offset_after) {
      high = mid;
    } else {
      low = mid;
    }
  }
  return high;
}

}  // namespace

CronExpression CronExpression::parse(std::string_view text) {
  std::string expanded(text);
  while (!expanded.empty() && std::isspace(static_cast<unsigned char>(expanded.back()))) expanded.pop_back();
  while (!expanded.empty() && std::isspace(static_cast<unsigned char>(expanded.front()))) expanded.erase(0, 1);
  if (expanded.empty()) throw std::invalid_argument("empty cron expression");
  if (expanded[0] == '@') expanded = expand_alias(expanded);
  std::istringstream stream(expanded);
  std::vector<std::string> fields;
  for (std::string field; stream >> field;) fields.push_back(field);
  if (fields.size() != 5) {
    throw std::invalid_argument("expected 5 fields (minute hour day-of-month month day-of-week), found " +
                                std::to_string(fields.size()));
  }
  CronExpression cron;
  cron.text_ = std::string(text);
  bool star = false;
  auto minutes = parse_field(kFields[0], fields[0], star);
  auto hours = parse_field(kFields[1], fields[1], star);
  auto days = parse_field(kFields[2], fields[2], cron.day_of_month_star_);
  auto months = parse_field(kFields[3], fields[3], star);
  auto weekdays = parse_field(kFields[4], fields[4], cron.day_of_week_star_);
  for (std::size_t i = 0; i < 60; ++i) cron.minutes_[i] = minutes[i];
  for (std::size_t i = 0; i < 24; ++i) cron.hours_[i] = hours[i];
  for (std::size_t i = 1; i < 32; ++i) cron.days_of_month_[i] = days[i];
  for (std::size_t i = 1; i < 13; ++i) cron.months_[i] = months[i];
  for (std::size_t i = 0; i < 8; ++i) {
    if (weekdays[i]) cron.days_of_week_[i % 7] = true;
  }
  return cron;
}

bool CronExpression::matches_day(int day_of_month, int weekday) const {
  bool dom = days_of_month_[static_cast<std::size_t>(day_of_month)];
  bool dow = days_of_week_[static_cast<std::size_t>(weekday)];
  if (day_of_month_star_ || day_of_week_star_) return dom && dow;
  return dom || dow;
}

std::chrono::system_clock::time_point CronExpression::next_after(std::chrono::system_clock::time_point after,
                                                                 const TimeZone& zone) const {
  using namespace std::chrono;
  const std::int64_t after_seconds = floor<seconds>(after.time_since_epoch()).count();
  // Start at the local minute after `after`, then jump field by field.
  Civil c = seconds_to_civil(after_seconds + zone.offset_at(after_seconds));
  Civil limit = c;
  limit.date = year_month_day(c.date.year() + years(8), c.date.month(), day(1));
  c = seconds_to_civil(civil_to_seconds_as_utc(c) + 60);
  while (sys_days(c.date) < sys_days(limit.date)) {
    if (!matches_month(static_cast<int>(static_cast<unsigned>(c.date.month())))) {
      c = start_of_next_month(c);
      continue;
    }
    const int day_of_week = static_cast<int>(std::chrono::weekday(sys_days(c.date)).c_encoding());
    if (!matches_day(static_cast<int>(static_cast<unsigned>(c.date.day())), day_of_week)) {
      c = start_of_next_day(c);
      continue;
    }
    if (!matches_hour(c.hour)) {
      c = seconds_to_civil(civil_to_seconds_as_utc(Civil{c.date, c.hour, 0}) + 3600);
      continue;
    }
    if (!matches_minute(c.minute)) {
      c = seconds_to_civil(civil_to_seconds_as_utc(c) + 60);
      continue;
    }
    const std::int64_t instant = first_instant_of(c, zone);
    if (instant > after_seconds) return system_clock::time_point(seconds(instant));
    c = seconds_to_civil(civil_to_seconds_as_utc(c) + 60);
  }
  throw std::runtime_error("cron expression '" + text_ + "' never fires in the next 8 years");
}

}  // namespace backflow::schedule
