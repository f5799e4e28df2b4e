#include "diff/warehouse/table_names.h"

#include <xxhash.h>

#include <cstdio>

namespace backflow::diff::warehouse {

namespace {

constexpr std::size_t kMaxIdentifier = 63;

std::string sanitize(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') out.push_back(static_cast<char>(c - 'A' + 'a'));
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') out.push_back(c);
    else out.push_back('_');
  }
  return out;
}

std::string hash8(const std::string& name) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(XXH3_64bits(name.data(), name.size()) & 0xffffffffu));
  return buf;
}

}  // namespace

SyncTables make_sync_tables(Dialect dialect, const std::string& bookkeeping_schema, const std::string& sync_name) {
  const bool has_schemas = sql_dialect(dialect).capabilities().schemas;
  std::string lead = has_schemas ? "bf_" : sanitize(bookkeeping_schema) + "__bf_";
  const std::string tail = "_" + hash8(sync_name);
  const std::size_t role_size = 4;  // "_com"
  std::string body = sanitize(sync_name);
  std::size_t room = kMaxIdentifier - role_size - tail.size();
  std::string base = (lead + body).substr(0, room) + tail;

  SyncTables t;
  t.schema_name = has_schemas ? bookkeeping_schema : "";
  t.schema = has_schemas ? quote_identifier(dialect, bookkeeping_schema) : "";
  auto name = [&](const char* role) {
    std::string table = quote_identifier(dialect, base + "_" + role);
    return has_schemas ? t.schema + "." + table : table;
  };
  t.committed = name("com");
  t.current = name("cur");
  t.diff = name("dif");
  t.changes = name("chg");
  t.next = name("nxt");
  t.old = name("old");
  t.old_diff = name("dfo");
  t.excluded_keys = name("exk");
  t.retry_keys = name("rtk");
  t.committed_unqualified = quote_identifier(dialect, base + "_com");
  t.old_unqualified = quote_identifier(dialect, base + "_old");
  t.committed_name = base + "_com";
  return t;
}

}  // namespace backflow::diff::warehouse
