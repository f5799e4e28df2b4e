#include "service/schedule/posix_tz.h"

#include <cctype>
#include <chrono>
#include <stdexcept>

namespace backflow::schedule {
namespace {

class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool done() const { return pos_ >= text_.size(); }
  char peek() const { return done() ? '\0' : text_[pos_]; }
  bool accept(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  [[noreturn]] void fail(const std::string& why) const {
    throw std::invalid_argument("invalid POSIX TZ string '" + std::string(text_) + "': " + why);
  }

  // "CET" or "<+0330>"; the name itself is not needed.
  void skip_name() {
    if (accept('<')) {
      while (!done() && peek() != '>') ++pos_;
      if (!accept('>')) fail("unclosed '<'");
      return;
    }
    std::size_t start = pos_;
    while (std::isalpha(static_cast<unsigned char>(peek()))) ++pos_;
    if (pos_ - start < 3) fail("zone abbreviation shorter than 3 letters");
  }

  int number(int max) {
    if (!std::isdigit(static_cast<unsigned char>(peek()))) fail("expected a number");
    int value = 0;
    while (std::isdigit(static_cast<unsigned char>(peek()))) {
      value = value * 10 + (text_[pos_++] - '0');
      if (value > max) fail("number out of range");
    }
    return value;
  }

  // [+-]hh[:mm[:ss]] in seconds.
  std::int64_t time() {
    int sign = 1;
    if (accept('-')) {
      sign = -1;
    } else {
      accept('+');
    }
    std::int64_t seconds = std::int64_t{number(167)} * 3600;
    if (accept(':')) {
      seconds += number(59) * 60;
      if (accept(':')) seconds += number(59);
    }
    return sign * seconds;
  }

  bool at_offset_start() const {
    char c = peek();
    return c == '+' || c == '-' || std::isdigit(static_cast<unsigned char>(c));
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

PosixTzRule::DateRule parse_date_rule(Cursor& cursor) {
  PosixTzRule::DateRule rule;
  using Kind = PosixTzRule::DateRule::Kind;
  if (cursor.accept('J')) {
    rule.kind = Kind::julian_no_leap;
    rule.day = cursor.number(365);
    if (rule.day < 1) cursor.fail("Jn day must be 1-365");
  } else if (cursor.accept('M')) {
    rule.kind = Kind::month_week_day;
    rule.month = cursor.number(12);
    if (!cursor.accept('.')) cursor.fail("expected '.' in Mm.w.d");
    rule.week = cursor.number(5);
    if (!cursor.accept('.')) cursor.fail("expected '.' in Mm.w.d");
    rule.weekday = cursor.number(6);
    if (rule.month < 1 || rule.week < 1) cursor.fail("bad Mm.w.d date");
  } else {
    rule.kind = Kind::julian_zero;
    rule.day = cursor.number(365);
  }
  if (cursor.accept('/')) rule.time = cursor.time();
  return rule;
}

std::int64_t days_since_epoch(int year, unsigned month, unsigned day) {
  using namespace std::chrono;
  return sys_days(year_month_day(std::chrono::year(year), std::chrono::month(month), std::chrono::day(day)))
      .time_since_epoch()
      .count();
}

int year_of(std::int64_t unix_seconds) {
  using namespace std::chrono;
  std::int64_t days = unix_seconds >= 0 ? unix_seconds / 86400 : -((-unix_seconds + 86399) / 86400);
  return static_cast<int>(year_month_day(sys_days(std::chrono::days(days))).year());
}

}  // namespace

PosixTzRule PosixTzRule::parse(std::string_view text) {
  Cursor cursor(text);
  PosixTzRule rule;
  cursor.skip_name();
  rule.std_offset_ = -cursor.time();  // POSIX offsets count west of UTC
  if (cursor.done()) return rule;
  cursor.skip_name();
  rule.has_dst_ = true;
  rule.dst_offset_ = cursor.at_offset_start() ? -cursor.time() : rule.std_offset_ + 3600;
  if (cursor.done()) {
    // No dates given: the traditional US rules.
    rule.dst_start_ = DateRule{DateRule::Kind::month_week_day, 0, 3, 2, 0, 7200};
    rule.dst_end_ = DateRule{DateRule::Kind::month_week_day, 0, 11, 1, 0, 7200};
    return rule;
  }
  if (!cursor.accept(',')) cursor.fail("expected ',' before the DST start date");
  rule.dst_start_ = parse_date_rule(cursor);
  if (!cursor.accept(',')) cursor.fail("expected ',' before the DST end date");
  rule.dst_end_ = parse_date_rule(cursor);
  if (!cursor.done()) cursor.fail("unexpected text at the end");
  return rule;
}

std::int64_t PosixTzRule::transition_in(int year, const DateRule& rule, std::int64_t offset_before) {
  std::int64_t day = 0;  // days since the epoch
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  switch (rule.kind) {
    case DateRule::Kind::julian_no_leap:
      // Day 60 is always March 1: Feb 29 is never counted.
      day = days_since_epoch(year, 1, 1) + rule.day - 1 + (leap && rule.day >= 60 ? 1 : 0);
      break;
    case DateRule::Kind::julian_zero:
      day = days_since_epoch(year, 1, 1) + rule.day;
      break;
    case DateRule::Kind::month_week_day: {
      using namespace std::chrono;
      const std::int64_t first = days_since_epoch(year, static_cast<unsigned>(rule.month), 1);
      const int first_weekday = static_cast<int>(weekday(sys_days(std::chrono::days(first))).c_encoding());
      std::int64_t offset = (rule.weekday - first_weekday + 7) % 7 + 7 * (rule.week - 1);
      const auto month_end = year_month_day_last(std::chrono::year(year),
                                                 month_day_last(std::chrono::month(static_cast<unsigned>(rule.month))));
      const std::int64_t days_in_month = static_cast<unsigned>(month_end.day());
      while (offset >= days_in_month) offset -= 7;  // week 5 means "the last"
      day = first + offset;
      break;
    }
  }
  return day * 86400 + rule.time - offset_before;
}

std::int64_t PosixTzRule::offset_at(std::int64_t unix_seconds) const {
  if (!has_dst_) return std_offset_;
  const int year = year_of(unix_seconds + std_offset_);
  const std::int64_t start = transition_in(year, dst_start_, std_offset_);
  const std::int64_t end = transition_in(year, dst_end_, dst_offset_);
  const bool in_dst = start < end ? (unix_seconds >= start && unix_seconds < end)
                                  : !(unix_seconds >= end && unix_seconds < start);  // southern hemisphere
  return in_dst ? dst_offset_ : std_offset_;
}

}  // namespace backflow::schedule
