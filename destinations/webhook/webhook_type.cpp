// `type: webhook` (docs/destinations/webhook.md): JSON batches POSTed to a URL.
#include "destinations/destination_type.h"
#include "destinations/account_options.h"
#include "destinations/engine_target.h"
#include "destinations/webhook/webhook_destination.h"

namespace backflow::destinations {

const DestinationType& webhook_type() {
  static const DestinationType type = [] {
    DestinationType t;
    t.name = "webhook";
    t.modes = all_modes();
    t.options = {key("url", OptionKind::string, Requirement::required), key("headers", OptionKind::string_map),
                 secret_key("secret"), key("batch_size", OptionKind::integer), key("max_bytes", OptionKind::integer)};
    t.sync_options = {key("object"), key("event_name")};
    t.make_target = [](const TargetContext& context) {
      WebhookOptions options;
      options.object = context.sync.object;
      options.event_name = text_option(context.sync.options, "event_name");
      options.run_started_ms = context.run_started_ms;
      return engine_target(context, std::make_unique<WebhookDestination>(context.settings, options));
    };
    return t;
  }();
  return type;
}

}  // namespace backflow::destinations
