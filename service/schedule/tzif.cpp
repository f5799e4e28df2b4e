#include "service/schedule/tzif.h"

#include <algorithm>
#include <stdexcept>

namespace backflow::schedule {
namespace {

class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}

  std::size_t position() const { return pos_; }
  void skip(std::size_t n) {
    need(n);
    pos_ += n;
  }
  std::string_view take(std::size_t n) {
    need(n);
    auto view = bytes_.substr(pos_, n);
    pos_ += n;
    return view;
  }
  std::uint8_t u8() { return static_cast<std::uint8_t>(take(1)[0]); }
  std::int64_t big_endian(std::size_t width) {
    auto raw = take(width);
    std::uint64_t value = 0;
    for (char c : raw) value = (value << 8) | static_cast<std::uint8_t>(c);
    if (width == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(value));
    return static_cast<std::int64_t>(value);
  }
  std::string_view rest() const { return bytes_.substr(pos_); }

 private:
  void need(std::size_t n) const {
    if (pos_ + n > bytes_.size()) throw std::invalid_argument("truncated TZif file");
  }
  std::string_view bytes_;
  std::size_t pos_ = 0;
};

struct Header {
  char version = 0;
  std::size_t isutcnt = 0, isstdcnt = 0, leapcnt = 0, timecnt = 0, typecnt = 0, charcnt = 0;
};

Header read_header(Reader& reader) {
  if (reader.take(4) != "TZif") throw std::invalid_argument("not a TZif file (bad magic)");
  Header header;
  header.version = static_cast<char>(reader.u8());
  reader.skip(15);
  header.isutcnt = static_cast<std::size_t>(reader.big_endian(4));
  header.isstdcnt = static_cast<std::size_t>(reader.big_endian(4));
  header.leapcnt = static_cast<std::size_t>(reader.big_endian(4));
  header.timecnt = static_cast<std::size_t>(reader.big_endian(4));
  header.typecnt = static_cast<std::size_t>(reader.big_endian(4));
  header.charcnt = static_cast<std::size_t>(reader.big_endian(4));
  if (header.typecnt == 0) throw std::invalid_argument("TZif file has no local time types");
  return header;
}

}  // namespace

ZoneRules ZoneRules::parse(std::string_view bytes) {
  Reader reader(bytes);
  Header header = read_header(reader);
  std::size_t time_width = 4;
  if (header.version >= '2') {
    // Skip the 32-bit block; the 64-bit one after the second header is complete.
    reader.skip(header.timecnt * 5 + header.typecnt * 6 + header.charcnt + header.leapcnt * 8 + header.isstdcnt +
                header.isutcnt);
    header = read_header(reader);
    time_width = 8;
  }
  std::vector<std::int64_t> times(header.timecnt);
  for (auto& t : times) t = reader.big_endian(time_width);
  std::vector<std::uint8_t> type_of(header.timecnt);
  for (auto& index : type_of) index = reader.u8();
  std::vector<std::int64_t> type_offsets(header.typecnt);
  for (auto& offset : type_offsets) {
    offset = reader.big_endian(4);
    reader.skip(2);  // isdst, abbreviation index
  }
  reader.skip(header.charcnt + header.leapcnt * (time_width + 4) + header.isstdcnt + header.isutcnt);

  ZoneRules rules;
  rules.initial_offset_ = type_offsets[0];
  for (std::size_t i = 0; i < times.size(); ++i) {
    if (type_of[i] >= type_offsets.size()) throw std::invalid_argument("TZif transition names a missing type");
    if (i > 0 && times[i] <= times[i - 1]) throw std::invalid_argument("TZif transitions out of order");
    rules.transition_times_.push_back(times[i]);
    rules.offset_after_.push_back(type_offsets[type_of[i]]);
  }
  if (time_width == 8) {
    std::string_view footer = reader.rest();
    if (footer.size() >= 2 && footer.front() == '\n') {
      auto end = footer.find('\n', 1);
      std::string_view rule = footer.substr(1, end == std::string_view::npos ? std::string_view::npos : end - 1);
      if (!rule.empty()) rules.footer_ = PosixTzRule::parse(rule);
    }
  }
  return rules;
}

std::int64_t ZoneRules::offset_at(std::int64_t unix_seconds) const {
  if (transition_times_.empty()) return footer_ ? footer_->offset_at(unix_seconds) : initial_offset_;
  if (unix_seconds < transition_times_.front()) return initial_offset_;
  if (unix_seconds >= transition_times_.back() && footer_) return footer_->offset_at(unix_seconds);
  auto after = std::upper_bound(transition_times_.begin(), transition_times_.end(), unix_seconds);
  return offset_after_[static_cast<std::size_t>(after - transition_times_.begin()) - 1];
}

}  // namespace backflow::schedule
