#include "diff/local/snapshot_entry.h"

#include <stdexcept>

namespace backflow::diff::local {

namespace {

template <typename U>
void put(U v, std::string& out) {
  char bytes[sizeof(U)];
  for (std::size_t i = 0; i < sizeof(U); ++i) bytes[i] = static_cast<char>((v >> (8 * (sizeof(U) - 1 - i))) & 0xFF);
  out.append(bytes, sizeof(U));
}

template <typename U>
U get(std::string_view& in) {
  if (in.size() < sizeof(U)) throw std::runtime_error("snapshot entry: truncated");
  U v = 0;
  for (std::size_t i = 0; i < sizeof(U); ++i) v = static_cast<U>((v << 8) | static_cast<unsigned char>(in[i]));
  in.remove_prefix(sizeof(U));
  return v;
}

}  // namespace

void encode_snapshot_entry(const RowHashes& hashes, std::string_view row_ref, std::string& out) {
  out.clear();
  out.reserve(12 + 4 * hashes.columns.size() + row_ref.size());
  put(hashes.row, out);
  put(static_cast<std::uint32_t>(hashes.columns.size()), out);
  for (std::uint32_t h : hashes.columns) put(h, out);
  out += row_ref;
}

SnapshotEntryView decode_snapshot_entry(std::string_view bytes) {
  SnapshotEntryView view;
  view.hashes.row = get<std::uint64_t>(bytes);
  auto n = get<std::uint32_t>(bytes);
  view.hashes.columns.reserve(n);
  for (std::uint32_t i = 0; i < n; ++i) view.hashes.columns.push_back(get<std::uint32_t>(bytes));
  view.row_ref = bytes;
  return view;
}

}  // namespace backflow::diff::local
