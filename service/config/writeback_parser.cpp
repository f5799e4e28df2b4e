// `writeback:` (docs/writeback.md): at the top level, the default for every
// sync; in a sync, its own, or `false` for none.
#include <algorithm>

#include "common/suggest.h"
#include "common/text.h"
#include "service/config/section_parsers.h"

namespace backflow::config {

namespace {
const std::vector<std::string> kWritebackKeys = {"warehouse", "schema"};
}

WritebackSetting parse_writeback(YamlReader& reader, const YAML::Node& node, const std::string& path,
                                 const std::vector<Warehouse>& warehouses) {
  WritebackSetting setting;
  if (node.IsScalar()) {
    if (auto on = reader.boolean(node, path)) {
      if (*on) {
        reader.error(node, path, "expected a map {warehouse: NAME, schema: SCHEMA} or false, found true");
      } else {
        setting.off = true;
      }
    }
    return setting;
  }
  auto fields = reader.map(node, path, &kWritebackKeys);
  if (!fields) return setting;
  if (!reader.require(*fields, {"warehouse"})) return setting;
  Writeback writeback;
  writeback.location = reader.location(node);
  const YAML::Node name_node = *fields->get("warehouse");
  auto name = reader.non_empty_string(name_node, path + ".warehouse");
  if (!name) return setting;
  auto warehouse = std::find_if(warehouses.begin(), warehouses.end(), [&](const Warehouse& w) { return w.name == *name; });
  if (warehouse == warehouses.end()) {
    std::vector<std::string> names;
    for (const Warehouse& w : warehouses) names.push_back(w.name);
    reader.error(name_node, path + ".warehouse",
                 "unknown warehouse " + YamlReader::quote_value(name_node, *name) + " (" + text::defined_names(names) + ")",
                 text::nearest(*name, names));
    return setting;
  }
  writeback.warehouse = *name;
  writeback.schema = warehouse->bookkeeping_schema;
  if (auto value = fields->get("schema")) {
    auto schema = reader.non_empty_string(*value, path + ".schema");
    if (!schema) return setting;
    writeback.schema = *schema;
  }
  setting.writeback = std::move(writeback);
  return setting;
}

}  // namespace backflow::config
