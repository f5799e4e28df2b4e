// Names of the bookkeeping tables of one sync in the warehouse. They derive
// from the sync name safely: lower-cased, anything but [a-z0-9_] replaced by
// '_', cut so the whole name fits 63 characters (PostgreSQL's limit, the
// smallest among supported warehouses), and suffixed with 8 hex digits of a
// hash of the full sync name so that two syncs never share tables.
//
//   bf_<sanitized sync>_<hash8>_<role>    role: com, dif, nxt, old, dfo, exk, rtk
//   (cur: Redshift's empty shape of a new committed table; cur and chg: tables
//   of earlier versions, dropped as leftovers)
//
// SQLite has no schemas: there the bookkeeping schema becomes a name prefix
// ("<schema>__bf_..."), also cut to 63 characters before the suffixes.
#pragma once

#include <string>

#include "model/sql_dialect.h"

namespace backflow::diff::warehouse {

struct SyncTables {
  std::string schema;     // quoted schema ("" for SQLite)
  std::string committed;  // every member below is qualified and quoted
  std::string current;
  std::string diff;
  std::string changes;  // earlier versions' changes table (dropped as a leftover)
  std::string next;
  std::string old;  // used by dialects whose swap renames the committed table away
  std::string old_diff;  // MySQL: the diff table renamed away in the swap's RENAME TABLE
  std::string excluded_keys;
  std::string retry_keys;
  // Unqualified quoted names, for ALTER TABLE ... RENAME TO.
  std::string committed_unqualified;
  std::string old_unqualified;
  // Unquoted names, for catalog lookups.
  std::string schema_name;
  std::string committed_name;
};

SyncTables make_sync_tables(Dialect dialect, const std::string& bookkeeping_schema, const std::string& sync_name);

}  // namespace backflow::diff::warehouse
