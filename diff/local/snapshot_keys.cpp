#include "diff/local/snapshot_keys.h"

#include <cstring>

namespace backflow::diff::local {

namespace {

std::string prefixed(std::string_view prefix, std::string_view encoded_key) {
  std::string key;
  key.reserve(prefix.size() + encoded_key.size() + 9);
  key.append(prefix.data(), prefix.size());
  key.append(encoded_key.data(), encoded_key.size());
  return key;
}

}  // namespace

std::string sync_meta_key(const std::string& sync_name) {
  std::string key;
  key.push_back('s');
  std::uint64_t n = sync_name.size();
  while (n >= 0x80) {
    key.push_back(static_cast<char>((n & 0x7F) | 0x80));
    n >>= 7;
  }
  key.push_back(static_cast<char>(n));
  key.append(sync_name);
  key.push_back('m');
  return key;
}

std::string entry_key(std::string_view encoded_key, std::uint64_t seq) {
  std::string key;
  assign_entry_key(encoded_key, seq, key);
  return key;
}

void assign_entry_key(std::string_view encoded_key, std::uint64_t seq, std::string& out) {
  out.resize(kEntriesBegin.size() + encoded_key.size() + 8);
  char* p = out.data();
  std::memcpy(p, kEntriesBegin.data(), kEntriesBegin.size());
  p += kEntriesBegin.size();
  if (!encoded_key.empty()) std::memcpy(p, encoded_key.data(), encoded_key.size());
  p += encoded_key.size();
  for (int shift = 56; shift >= 0; shift -= 8) *p++ = static_cast<char>((seq >> shift) & 0xFF);
}

std::string entry_key_end(std::string_view encoded_key) {
  std::string key = prefixed(kEntriesBegin, encoded_key);
  key.append(9, '\xff');  // beyond any 8-byte sequence suffix
  return key;
}

std::string change_key(std::string_view encoded_key) { return prefixed(kChangesBegin, encoded_key); }

std::string_view entry_encoded_key(std::string_view entry_key) {
  return entry_key.substr(kEntriesBegin.size(), entry_key.size() - kEntriesBegin.size() - 8);
}

std::uint64_t entry_seq(std::string_view entry_key) {
  std::uint64_t v = 0;
  for (std::size_t i = entry_key.size() - 8; i < entry_key.size(); ++i) {
    v = (v << 8) | static_cast<unsigned char>(entry_key[i]);
  }
  return v;
}

}  // namespace backflow::diff::local
