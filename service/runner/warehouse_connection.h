// Opens the ODBC connection of a config warehouse.
#pragma once

#include "odbc/connection.h"
#include "service/config/config.h"

namespace backflow::runner {

// Connects with the warehouse's connection string and dialect, labelled by
// its name. Throws odbc::Error (connection strings redacted in the message).
odbc::Connection open_warehouse(const config::Warehouse& warehouse);

}  // namespace backflow::runner
