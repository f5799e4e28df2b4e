#include <csignal>

#include "service/commands/commands.h"
#include "service/webhook_receiver.h"

namespace backflow::cli {

int command_receive(const Args& args, std::ostream& out, std::ostream& err) {
  WebhookReceiver::Options options;
  options.listen = args.get("--listen", options.listen);
  options.secret = args.get("--secret");
  if (args.has("--store")) options.store_file = args.get("--store");
  const std::string required = args.get("--require");
  for (std::size_t start = 0; start < required.size();) {
    const std::size_t comma = std::min(required.find(',', start), required.size());
    if (comma > start) options.required_fields.push_back(required.substr(start, comma - start));
    start = comma + 1;
  }

  // Wait for SIGINT/SIGTERM synchronously; block them before the listener's
  // threads start so that only this thread receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  try {
    WebhookReceiver receiver(options);
    out << "webhook receiver listening on http://" << options.listen << "/"
        << (options.secret.empty() ? " (signatures not checked)" : " (HMAC-SHA256 signatures checked)")
        << (options.store_file ? ", records kept in " + options.store_file->string() : std::string()) << "\n"
        << std::flush;
    int received = 0;
    sigwait(&signals, &received);
    auto stats = receiver.stats();
    out << "webhook receiver stopped: " << stats.batches << " batches, " << stats.upserts << " upserts, "
        << stats.deletes << " deletes, " << stats.refused << " refused; holding " << receiver.records().size()
        << " records\n";
  } catch (const std::exception& e) {
    err << "backflow receive: " << e.what() << "\n";
    return kExitFailed;
  }
  return kExitOk;
}

}  // namespace backflow::cli
