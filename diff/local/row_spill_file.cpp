#include "diff/local/row_spill_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace backflow::diff::local {

namespace {

constexpr std::size_t kBufferBytes = 1 << 20;

template <typename U>
void put(U v, std::string& out) {
  for (std::size_t i = 0; i < sizeof(U); ++i) out.push_back(static_cast<char>((v >> (8 * (sizeof(U) - 1 - i))) & 0xFF));
}

template <typename U>
U get(std::string_view bytes, std::size_t at) {
  U v = 0;
  for (std::size_t i = 0; i < sizeof(U); ++i) v = static_cast<U>((v << 8) | static_cast<unsigned char>(bytes[at + i]));
  return v;
}

}  // namespace

RowSpillFile::RowSpillFile(std::filesystem::path path) : path_(std::move(path)) {
  std::error_code ec;
  std::filesystem::create_directories(path_.parent_path(), ec);
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd_ < 0) fail("cannot create");
  buffer_.reserve(kBufferBytes);
}

RowSpillFile::~RowSpillFile() {
  if (fd_ >= 0) ::close(fd_);
  std::error_code ignored;
  std::filesystem::remove(path_, ignored);
}

void RowSpillFile::fail(const char* what) const {
  throw std::runtime_error("row spill file " + path_.string() + ": " + what + ": " + std::strerror(errno));
}

RowRef RowSpillFile::append(std::string_view encoded_row) {
  RowRef ref{size_, static_cast<std::uint32_t>(encoded_row.size())};
  if (buffer_.size() + encoded_row.size() > kBufferBytes) flush_buffer();
  buffer_.append(encoded_row);
  size_ += encoded_row.size();
  return ref;
}

void RowSpillFile::flush_buffer() {
  std::size_t done = 0;
  while (done < buffer_.size()) {
    const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("cannot write");
    done += static_cast<std::size_t>(n);
  }
  buffer_.clear();
}

void RowSpillFile::finish_writing() {
  flush_buffer();
  buffer_.shrink_to_fit();
}

void RowSpillFile::read(RowRef ref, std::string& out) const {
  out.resize(ref.size);
  std::size_t done = 0;
  while (done < ref.size) {
    const ssize_t n = ::pread(fd_, out.data() + done, ref.size - done, static_cast<off_t>(ref.offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("cannot read");
    if (n == 0) {
      errno = 0;
      throw std::runtime_error("row spill file " + path_.string() + ": a row reference points past the end (" +
                               std::to_string(ref.offset + ref.size) + " > " + std::to_string(size_) + ")");
    }
    done += static_cast<std::size_t>(n);
  }
}

void RowSpillFile::encode_ref(RowRef ref, std::string& out) {
  put(ref.offset, out);
  put(ref.size, out);
}

RowRef RowSpillFile::decode_ref(std::string_view bytes) {
  if (bytes.size() < 12) throw std::runtime_error("snapshot entry: row reference truncated");
  return RowRef{get<std::uint64_t>(bytes, 0), get<std::uint32_t>(bytes, 8)};
}

}  // namespace backflow::diff::local
