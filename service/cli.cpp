#include "service/cli.h"

#include <functional>
#include <set>

#include "common/suggest.h"
#include "common/text.h"
#include "service/commands/commands.h"

namespace backflow::cli {
namespace {

using Handler = std::function<int(const Args&, std::ostream&, std::ostream&)>;

struct Command {
  const char* name;
  const char* usage;
  const char* summary;
  const char* details;  // what each option does, shown by `backflow COMMAND --help`
  Handler handler;  // empty: not built yet
  std::set<std::string> switches;  // flags without a value
  std::set<std::string> values;    // options that take a value
};

const std::vector<Command>& commands() {
  static const std::vector<Command> table = {
      {"validate", "validate -c FILE [--check-sources]",
       "check a config file and report every error with file, line and key",
       "  -c, --config FILE   the config to check\n"
       "  --check-sources     also connect to each warehouse and check that every sync's table or query,\n"
       "                      primary key and mapped columns exist\n"
       "exit codes: 0 valid, 2 errors (each printed as FILE:LINE:COL: error: KEY.PATH: message)\n",
       command_validate,
       {"--check-sources"}, {"--config"}},
      {"preview", "preview -c FILE SYNC [--limit N]",
       "show the columns and first rows the sync's model reads from the warehouse",
       "  -c, --config FILE   the sync config\n"
       "  --limit N           rows to show (default 10)\n"
       "Reads only; nothing is diffed, sent or recorded.\n",
       command_preview, {}, {"--config", "--limit"}},
      {"run", "run -c FILE SYNC [--full-resync] [--dry-run [--output CHANGES.jsonl]] [--force] [--json]",
       "run one sync in the foreground",
       "  -c, --config FILE          the sync config\n"
       "  --full-resync              diff against an empty snapshot: every model row is sent again\n"
       "  --dry-run                  diff and map, print counts and a sample of payloads; send, commit\n"
       "                             and record nothing\n"
       "  --output CHANGES.jsonl     with --dry-run: write every change, one JSON object per line\n"
       "  --force                    run once past the sync's guards (removal and change limits,\n"
       "                             empty model)\n"
       "  --json                     print the run's record as JSON instead of the summary\n"
       "An interrupted run of the sync is resumed from its checkpoint first. Refused while another\n"
       "process runs the same sync.\n"
       "exit codes: 0 succeeded, 4 partial, 1 failed, 2 usage or config error, 3 blocked by a guard\n",
       command_run, {"--full-resync", "--dry-run", "--force", "--json"},
       {"--config", "--output"}},
      {"status", "status -c FILE [SYNC] [--json]", "show the state and last runs of syncs",
       "  -c, --config FILE   the sync config\n"
       "  SYNC                only this sync, with its last runs\n"
       "  --json              print JSON instead of a table\n"
       "While `backflow serve` holds the state, asks it through its API (server.listen and\n"
       "server.auth_token of the config).\n",
       command_status,
       {"--json"}, {"--config"}},
      {"receive", "receive [--listen HOST:PORT] [--secret S] [--store FILE] [--require [SYNC:]FIELD,...]",
       "a webhook receiver that holds what a webhook destination sends (for demos and tests)",
       "  --listen HOST:PORT         where to listen (default 127.0.0.1:8099)\n"
       "  --secret S                 check each request's HMAC signature with this secret\n"
       "  --store FILE               keep the received records in this file (one JSON object by key,\n"
       "                             rewritten after every batch)\n"
       "  --require [SYNC:]FIELD,... refuse, as a per-record error, upserts that lack one of these\n"
       "                             fields (or hold it null or empty); SYNC: only that sync's records\n",
       command_receive, {}, {"--listen", "--secret", "--store", "--require"}},
      {"serve", "serve -c FILE [--shard i/n] [--listen HOST:PORT]",
       "run the scheduler, the HTTP API and the dashboard",
       "  -c, --config FILE    the sync config; SIGHUP or POST /api/v1/config/reload reloads it\n"
       "  --shard i/n          run only the syncs of shard i of n (several serve processes share the work)\n"
       "  --listen HOST:PORT   where the API and dashboard listen (overrides server.listen)\n",
       command_serve, {}, {"--config", "--shard", "--listen"}},
  };
  return table;
}

void print_help(std::ostream& out) {
  out << "backflow " << BACKFLOW_VERSION
      << " - reverse ETL: keeps SaaS tools in step with warehouse models\n\n"
         "usage: backflow COMMAND [options]\n\ncommands:\n";
  for (const auto& c : commands()) {
    std::string usage = c.usage;
    out << "  " << usage << std::string(usage.size() < 64 ? 64 - usage.size() : 1, ' ')
        << "\n      " << c.summary << (c.handler ? "" : " (not built yet)") << "\n";
  }
  out << "\noptions:\n  -c, --config FILE   the sync config (YAML), see docs/config-reference.md\n"
         "  --version           print the version\n  -h, --help          this help\n\n"
         "exit codes: 0 succeeded, 1 run failed, 2 usage or config error, 3 blocked by a guard,\n"
         "            4 partial (finished; some records were rejected, undelivered or invalid)\n";
}

}  // namespace

int main(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  if (argc < 2) {
    print_help(err);
    return kExitUsage;
  }
  std::string first = argv[1];
  if (first == "--version" || first == "version") {
    out << "backflow " << BACKFLOW_VERSION << "\n";
    return kExitOk;
  }
  if (first == "--help" || first == "-h" || first == "help") {
    print_help(out);
    return kExitOk;
  }
  const Command* command = nullptr;
  for (const auto& c : commands()) {
    if (first == c.name) command = &c;
  }
  if (command == nullptr) {
    std::vector<std::string> names;
    for (const auto& c : commands()) names.push_back(c.name);
    err << "backflow: unknown command " << text::quote_for_message(first) << text::did_you_mean(first, names)
        << " (see backflow --help)\n";
    return kExitUsage;
  }
  Args args;
  args.command = first;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-h" || a == "--help") {
      out << "usage: backflow " << command->usage << "\n  " << command->summary << "\n\noptions:\n"
          << command->details;
      return kExitOk;
    }
    if (a == "-c") a = "--config";
    if (a.rfind("--", 0) == 0) {
      auto eq = a.find('=');
      const std::string name = a.substr(0, eq);
      if (!command->switches.count(name) && !command->values.count(name)) {
        std::vector<std::string> known(command->values.begin(), command->values.end());
        known.insert(known.end(), command->switches.begin(), command->switches.end());
        err << "backflow " << first << ": unknown option " << text::quote_for_message(name)
            << text::did_you_mean(name, known) << " (usage: backflow " << command->usage << ")\n";
        return kExitUsage;
      }
      if (eq != std::string::npos) {
        args.options[a.substr(0, eq)] = a.substr(eq + 1);
      } else if (command->switches.count(a)) {
        args.options[a] = "true";
      } else if (i + 1 < argc) {
        args.options[a] = argv[++i];
      } else {
        err << "backflow " << first << ": option " << a << " needs a value\n";
        return kExitUsage;
      }
    } else {
      args.positional.push_back(a);
    }
  }
  if (!command->handler) {
    err << "backflow " << first << ": not built yet in this version of backflow\n";
    return kExitUsage;
  }
  return command->handler(args, out, err);
}

}  // namespace backflow::cli
