// `backflow preview -c FILE SYNC [--limit N]`: the model's columns with their
// types, then its first N rows (default 10) as an aligned table.
#include <algorithm>
#include <string>
#include <string_view>

#include "common/utf8.h"
#include "odbc/error.h"
#include "mappers/value_rendering.h"
#include "service/commands/commands.h"
#include "service/commands/unknown_sync.h"
#include "service/config/config_loader.h"
#include "service/runner/sync_plan.h"
#include "service/runner/warehouse_connection.h"

namespace backflow::cli {

namespace {

// Cells are measured and cut in code points, not bytes: a cut by bytes can
// split a multi-byte character (the terminal shows a replacement mark) and
// byte counts misalign columns holding non-ASCII text. Every code point counts
// as one column (East Asian wide characters and emoji take two on most
// terminals; the table is approximate there); an ill-formed byte counts as one.
constexpr std::size_t kMaxCellWidth = 40;

std::size_t next_code_point(std::string_view text, std::size_t at) {
  const std::size_t length = text::valid_utf8_sequence_length(text, at);
  return at + (length == 0 ? 1 : length);
}

std::size_t code_points(std::string_view text) {
  std::size_t count = 0;
  for (std::size_t at = 0; at < text.size(); at = next_code_point(text, at)) ++count;
  return count;
}

std::string cell(const Value& value) {
  if (value.is_null()) return "NULL";
  std::string text = mappers::value_to_text(value);
  for (char& c : text) {
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
  }
  if (code_points(text) > kMaxCellWidth) {
    std::size_t end = 0;
    for (std::size_t kept = 0; kept < kMaxCellWidth - 3; ++kept) end = next_code_point(text, end);
    text.erase(end);
    text += "...";
  }
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
    err << unknown_sync_message("preview", args.positional[0], config, args.get("--config")) << "\n";
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
    for (const auto& c : columns) name_width = std::max(name_width, code_points(c.name));
    for (const auto& c : columns) {
      out << "  " << c.name << std::string(name_width - code_points(c.name), ' ') << "  " << c.type_name << " ("
          << to_string(c.type) << (c.nullable ? ", nullable" : "") << ")\n";
    }
    out << "\nfirst " << rows.size() << " rows:\n";
    std::vector<std::size_t> widths;
    for (const auto& c : columns) widths.push_back(std::min(kMaxCellWidth, code_points(c.name)));
    for (const auto& cells : rows) {
      for (std::size_t i = 0; i < cells.size(); ++i) widths[i] = std::max(widths[i], code_points(cells[i]));
    }
    auto print_line = [&](const std::vector<std::string>& cells) {
      std::string text = " ";
      for (std::size_t i = 0; i < cells.size(); ++i) {
        // Padded by hand: setw() counts bytes. A column name longer than
        // kMaxCellWidth is printed whole, unpadded.
        const std::size_t used = code_points(cells[i]);
        text += ' ';
        text += cells[i];
        if (used < widths[i]) text.append(widths[i] - used, ' ');
      }
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
