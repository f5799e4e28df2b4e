#include "state/key_codec.h"

namespace backflow::state {

void append_segment(std::string& key, std::string_view segment) {
  for (char c : segment) {
    key.push_back(c);
    if (c == '\0') key.push_back('\xff');
  }
  key.push_back('\0');
  key.push_back('\x01');
}

void append_u64(std::string& key, std::uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) key.push_back(static_cast<char>((value >> shift) & 0xff));
}

std::uint64_t read_u64(std::string_view key, std::size_t offset) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8; ++i) value = (value << 8) | static_cast<unsigned char>(key.at(offset + i));
  return value;
}

}  // namespace backflow::state
