#include "diff/local/snapshot_keys.h"

namespace backflow::diff::local {

namespace {

void put_be64(std::uint64_t v, std::string& out) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xFF));
}

}  // namespace

SnapshotKeys::SnapshotKeys(const std::string& sync_name) {
  prefix_.push_back('s');
  std::uint64_t n = sync_name.size();
  while (n >= 0x80) {
    prefix_.push_back(static_cast<char>((n & 0x7F) | 0x80));
    n >>= 7;
  }
  prefix_.push_back(static_cast<char>(n));
  prefix_ += sync_name;
}

std::string SnapshotKeys::meta() const {
  std::string key = prefix_;
  key.push_back('m');
  return key;
}

std::string SnapshotKeys::change(std::uint64_t gen, std::string_view encoded_key) const {
  std::string key = changes_begin();
  put_be64(gen, key);
  key.append(encoded_key.data(), encoded_key.size());
  return key;
}

std::string SnapshotKeys::changes_begin() const {
  std::string key = prefix_;
  key.push_back('c');
  return key;
}

std::string SnapshotKeys::changes_end() const {
  std::string key = prefix_;
  key.push_back('d');
  return key;
}

std::string SnapshotKeys::generations_end() const {
  std::string key = prefix_;
  key.push_back('h');
  return key;
}

std::string SnapshotKeys::generation_begin(std::uint64_t gen) const {
  std::string key = prefix_;
  key.push_back('g');
  put_be64(gen, key);
  return key;
}

std::string SnapshotKeys::entry(std::uint64_t gen, std::string_view encoded_key, std::uint64_t seq) const {
  std::string key = generation_begin(gen);
  key += encoded_key;
  put_be64(seq, key);
  return key;
}

std::string SnapshotKeys::entry_end(std::uint64_t gen, std::string_view encoded_key) const {
  std::string key = generation_begin(gen);
  key.append(encoded_key.data(), encoded_key.size());
  key.append(9, '\xff');  // beyond any 8-byte sequence suffix
  return key;
}

std::string_view entry_encoded_key(std::string_view entry_key, std::size_t prefix_size) {
  return entry_key.substr(prefix_size, entry_key.size() - prefix_size - 8);
}

std::uint64_t entry_seq(std::string_view entry_key) {
  std::uint64_t v = 0;
  for (std::size_t i = entry_key.size() - 8; i < entry_key.size(); ++i) {
    v = (v << 8) | static_cast<unsigned char>(entry_key[i]);
  }
  return v;
}

}  // namespace backflow::diff::local
