#include "service/runner/warehouse_connection.h"

#include "service/runner/sync_plan.h"

namespace backflow::runner {

odbc::Connection open_warehouse(const config::Warehouse& warehouse) {
  odbc::ConnectionOptions options;
  options.dialect = dialect_of(warehouse);
  return odbc::Connection::open(warehouse.connection, warehouse.name, options);
}

}  // namespace backflow::runner
