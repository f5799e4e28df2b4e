// `{{ column }}` templates: compiled against a fixed set of columns and
// rendered on one row; malformed ones must be refused with MappingError.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "mappers/mapping_error.h"
#include "mappers/template.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace backflow;
  static const std::vector<ColumnInfo> columns = [] {
    std::vector<ColumnInfo> out(3);
    out[0].name = "email";
    out[0].type = ValueType::Text;
    out[1].name = "score";
    out[1].type = ValueType::Int;
    out[2].name = "first name";
    out[2].type = ValueType::Text;
    return out;
  }();
  static const mappers::ColumnResolver resolver(columns);
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto compiled = mappers::CompiledTemplate::compile(text, resolver, "field");
    Row row{Value::text("ada@example.com"), Value::integer(42), Value::null()};
    (void)compiled.render(row);
  } catch (const mappers::MappingError&) {
  }
  return 0;
}
