// The structured log lines of `serve`: one event per line, key=value fields,
// UTC timestamps, on stderr (journald and Kubernetes collect it from there).
// Messages never carry secrets: connection strings, tokens and alert URLs
// stay out of them by construction (callers log names and hosts only).
#pragma once

namespace backflow::serve {

// Installs the default logger: stderr, pattern
// "2026-11-22T01:02:03.456Z level=info msg...", level from BACKFLOW_LOG_LEVEL
// (trace debug info warn error; default info). Call once, before threads start.
void configure_service_logging();

}  // namespace backflow::serve
