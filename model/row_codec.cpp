#include "model/row_codec.h"

#include <bit>
#include <cstring>
#include <stdexcept>
#include <type_traits>

namespace backflow::diff {

namespace {

template <typename U>
void put_fixed(U v, std::string& out) {
  char bytes[sizeof(U)];
  for (std::size_t i = 0; i < sizeof(U); ++i) bytes[i] = static_cast<char>((v >> (8 * (sizeof(U) - 1 - i))) & 0xFF);
  out.append(bytes, sizeof(U));
}

void put_varint(std::uint64_t v, std::string& out) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void put_bytes(const std::string& bytes, std::string& out) {
  put_varint(bytes.size(), out);
  out += bytes;
}

void put_date(const Date& d, std::string& out) {
  put_fixed(static_cast<std::uint32_t>(d.year), out);
  out.push_back(static_cast<char>(d.month));
  out.push_back(static_cast<char>(d.day));
}

void put_time(const TimeOfDay& t, std::string& out) {
  out.push_back(static_cast<char>(t.hour));
  out.push_back(static_cast<char>(t.minute));
  out.push_back(static_cast<char>(t.second));
  put_fixed(t.nanos, out);
}

[[noreturn]] void malformed(const char* what) {
  throw std::runtime_error(std::string("row codec: malformed encoded value (") + what + ")");
}

void need(std::string_view in, std::size_t n) {
  if (in.size() < n) malformed("truncated");
}

template <typename U>
U get_fixed(std::string_view& in) {
  need(in, sizeof(U));
  U v = 0;
  for (std::size_t i = 0; i < sizeof(U); ++i) {
    v = static_cast<U>((v << 8) | static_cast<unsigned char>(in[i]));
  }
  in.remove_prefix(sizeof(U));
  return v;
}

std::uint8_t get_byte(std::string_view& in) {
  need(in, 1);
  auto b = static_cast<std::uint8_t>(in[0]);
  in.remove_prefix(1);
  return b;
}

std::uint64_t get_varint(std::string_view& in) {
  std::uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    std::uint8_t b = get_byte(in);
    v |= std::uint64_t{b & 0x7Fu} << shift;
    if ((b & 0x80) == 0) return v;
  }
  malformed("varint too long");
}

std::string get_bytes(std::string_view& in) {
  std::uint64_t n = get_varint(in);
  need(in, n);
  std::string s(in.substr(0, n));
  in.remove_prefix(n);
  return s;
}

Date get_date(std::string_view& in) {
  Date d;
  d.year = static_cast<std::int32_t>(get_fixed<std::uint32_t>(in));
  d.month = get_byte(in);
  d.day = get_byte(in);
  return d;
}

TimeOfDay get_time(std::string_view& in) {
  TimeOfDay t;
  t.hour = get_byte(in);
  t.minute = get_byte(in);
  t.second = get_byte(in);
  t.nanos = get_fixed<std::uint32_t>(in);
  return t;
}

}  // namespace

void encode_value(const Value& value, std::string& out) {
  out.push_back(static_cast<char>(value.type()));
  std::visit(
      [&out](const auto& v) {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
        } else if constexpr (std::is_same_v<T, bool>) {
          out.push_back(v ? '\1' : '\0');
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          put_fixed(static_cast<std::uint64_t>(v), out);
        } else if constexpr (std::is_same_v<T, Decimal>) {
          put_bytes(v.text, out);
        } else if constexpr (std::is_same_v<T, double>) {
          put_fixed(std::bit_cast<std::uint64_t>(v), out);
        } else if constexpr (std::is_same_v<T, std::string>) {
          put_bytes(v, out);
        } else if constexpr (std::is_same_v<T, Date>) {
          put_date(v, out);
        } else if constexpr (std::is_same_v<T, TimeOfDay>) {
          put_time(v, out);
        } else if constexpr (std::is_same_v<T, Timestamp>) {
          put_date(v.date, out);
          put_time(v.time, out);
        } else if constexpr (std::is_same_v<T, TimestampTz>) {
          put_date(v.utc.date, out);
          put_time(v.utc.time, out);
        } else if constexpr (std::is_same_v<T, Binary>) {
          put_bytes(v.bytes, out);
        }
      },
      value.storage());
}

void encode_row(const Row& row, std::string& out) {
  for (const Value& v : row) encode_value(v, out);
}

Value decode_value(std::string_view& in) {
  auto tag = static_cast<ValueType>(get_byte(in));
  switch (tag) {
    case ValueType::Null: return Value::null();
    case ValueType::Bool: {
      std::uint8_t b = get_byte(in);
      if (b > 1) malformed("bool");
      return Value::boolean(b == 1);
    }
    case ValueType::Int: return Value::integer(static_cast<std::int64_t>(get_fixed<std::uint64_t>(in)));
    case ValueType::Decimal: return Value::decimal(get_bytes(in));
    case ValueType::Double: return Value::real(std::bit_cast<double>(get_fixed<std::uint64_t>(in)));
    case ValueType::Text: return Value::text(get_bytes(in));
    case ValueType::Date: return Value::date(get_date(in));
    case ValueType::Time: return Value::time(get_time(in));
    case ValueType::Timestamp: {
      Timestamp ts;
      ts.date = get_date(in);
      ts.time = get_time(in);
      return Value::timestamp(ts);
    }
    case ValueType::TimestampTz: {
      Timestamp ts;
      ts.date = get_date(in);
      ts.time = get_time(in);
      return Value::timestamp_tz(ts);
    }
    case ValueType::Binary: return Value::binary(get_bytes(in));
  }
  malformed("unknown type tag");
}

Row decode_row(std::string_view& in, std::size_t count) {
  Row row;
  row.reserve(count);
  for (std::size_t i = 0; i < count; ++i) row.push_back(decode_value(in));
  return row;
}

Row decode_row(std::string_view in) {
  Row row;
  while (!in.empty()) row.push_back(decode_value(in));
  return row;
}

}  // namespace backflow::diff
