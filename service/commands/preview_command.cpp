// `backflow preview -c FILE SYNC [--limit N]`: the model's columns with their
// types, then its first N rows (default 10) as an aligned table.
#include <algorithm>
#include <iomanip>
#include <sstream>

#include "diff/odbc/error.h"
#include "mappers/value_rendering.h"
#include "service/commands/commands.h"
#include "service/config/config_loader.h"
#include "service/runner/sync_plan.h"
#include "service/runner/warehouse_connection.h"

namespace backflow::cli {

namespace {

constexpr std::size_t kMaxCellWidth = 40;

std::string cell(const Value& value) {
  if (value.is_null()) return "NULL";
  std::string text = mappers::value_to_text(value);
  for (char& c : text) {
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
  }
  if (text.size() > kMaxCellWidth) text = text.substr(0, kMaxCellWidth - 3) + "...";
  return text;
}

}  // namespace

int command_preview(const Args& args, std::ostream& out, std::ostream& err) {
  if (!args.has("--config") || args.positional.size() != 1) {
    err << "usage: backflow preview -c FILE SYNC [--limit N]\n";
    return kExitUsage;
  }
  std::size_t limit = 10;
  if (args.has("--limit")) {
    try {
      limit = static_cast<std::size_t>(std::stoul(args.get("--limit")));
    } catch (const std::exception&) {
      err << "backflow preview: --limit needs a whole number\n";
      return kExitUsage;
    }
  }
  auto loaded = config::load_config(args.get("--config"));
  if (!loaded.ok()) {
    for (const auto& diagnostic : loaded.diagnostics) err << config::format_diagnostic(diagnostic) << "\n";
    return kExitUsage;
  }
  const config::Config& config = *loaded.config;
  const config::Sync* sync = config.find_sync(args.positional[0]);
  if (sync == nullptr) {
    err << "backflow preview: no sync named '" << args.positional[0] << "' in " << args.get("--config") << "\n";
    return kExitUsage;
  }
  const config::Warehouse& warehouse = *config.find_warehouse(sync->source.warehouse);
  try {
    odbc::Connection connection = runner::open_warehouse(warehouse);
    odbc::ResultReader reader = connection.query(runner::model_sql(*sync, runner::dialect_of(warehouse)));
    const auto& columns = reader.columns();
    std::vector<std::vector<std::string>> rows;
    Row row;
    while (rows.size() < limit && reader.next(row)) {
      std::vector<std::string> cells;
      for (const Value& value : row) cells.push_back(cell(value));
      rows.push_back(std::move(cells));
    }
    out << "model of sync " << sync->name << " (warehouse " << warehouse.name << "): " << columns.size()
        << " columns\n";
    std::size_t name_width = 0;
    for (const auto& c : columns) name_width = std::max(name_width, c.name.size());
    for (const auto& c : columns) {
      out << "  " << std::left << std::setw(static_cast<int>(name_width)) << c.name << "  " << c.type_name << " ("
          << to_string(c.type) << (c.nullable ? ", nullable" : "") << ")\n";
    }
    out << "\nfirst " << rows.size() << " rows:\n";
    std::vector<std::size_t> widths;
    for (const auto& c : columns) widths.push_back(std::min(kMaxCellWidth, c.name.size()));
    for (const auto& cells : rows) {
      for (std::size_t i = 0; i < cells.size(); ++i) widths[i] = std::max(widths[i], cells[i].size());
    }
    auto print_line = [&](const std::vector<std::string>& cells) {
      std::ostringstream line;
      line << " ";
      for (std::size_t i = 0; i < cells.size(); ++i) {
        line << " " << std::left << std::setw(static_cast<int>(widths[i])) << cells[i];
      }
      std::string text = line.str();
      text.erase(text.find_last_not_of(' ') + 1);
      out << text << "\n";
    };
    std::vector<std::string> header;
    for (const auto& c : columns) header.push_back(c.name);
    print_line(header);
    std::vector<std::string> rule;
    for (std::size_t w : widths) rule.push_back(std::string(w, '-'));
    print_line(rule);
    for (const auto& cells : rows) print_line(cells);
    return kExitOk;
  } catch (const std::exception& e) {
    err << "backflow preview: sync '" << sync->name << "': warehouse '" << warehouse.name << "': " << e.what() << "\n";
    return kExitFailed;
  }
}

}  // namespace backflow::cli
