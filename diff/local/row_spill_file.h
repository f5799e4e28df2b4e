// The encoded model rows of the generation a run is writing, appended in
// model order to a plain file beside the sync's database, while the sorted
// snapshot entries carry only hashes and a RowRef into it. The merge then
// scans a quarter of the bytes (key and hashes) and fetches the rows of the
// few added and changed records by offset; sorting happens on small entries.
// Rows are needed only until the merge has written the change records, so
// the file is never synced and is removed when this object is destroyed.
//
// One writer thread appends; after finish_writing() any thread may read.
// Not thread-safe otherwise.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace backflow::diff::local {

struct RowRef {
  std::uint64_t offset = 0;
  std::uint32_t size = 0;
};

class RowSpillFile {
 public:
  // Creates (truncating) the file. Throws std::runtime_error naming the
  // path and the system error.
  explicit RowSpillFile(std::filesystem::path path);
  ~RowSpillFile();  // closes and removes the file
  RowSpillFile(const RowSpillFile&) = delete;
  RowSpillFile& operator=(const RowSpillFile&) = delete;

  RowRef append(std::string_view encoded_row);
  void finish_writing();
  // The row `ref` names, into `out` (replacing its content).
  void read(RowRef ref, std::string& out) const;

  const std::filesystem::path& path() const { return path_; }

  // Appends `ref` to `out` (12 bytes), and reads it back from the start of
  // `bytes`. Throws std::runtime_error when `bytes` is not a reference.
  static void encode_ref(RowRef ref, std::string& out);
  static RowRef decode_ref(std::string_view bytes);

 private:
  void flush_buffer();
  [[noreturn]] void fail(const char* what) const;

  std::filesystem::path path_;
  int fd_ = -1;
  std::string buffer_;
  std::uint64_t size_ = 0;  // bytes appended, buffered ones included
};

}  // namespace backflow::diff::local
