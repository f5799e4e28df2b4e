// `type: braze` (docs/destinations/braze.md): user attributes and custom
// events through /users/track.
#include "destinations/destination_type.h"
#include "destinations/account_options.h"
#include "destinations/braze/braze_destination.h"
#include "destinations/engine_target.h"

namespace backflow::destinations {

const DestinationType& braze_type() {
  static const DestinationType type = [] {
    DestinationType t;
    t.name = "braze";
    t.modes = {SyncMode::upsert, SyncMode::update, SyncMode::append};
    t.options = {secret_key("api_key", Requirement::required)};
    t.sync_options = {key("event_name", OptionKind::string, Requirement::required_for_append)};
    t.can_delete = false;  // the module sends /users/track only: no user deletion
    t.identifiers = {"external_id", "email"};
    t.make_target = [](const TargetContext& context) {
      BrazeOptions options;
      if (context.sync.match_on) options.identify_by = context.sync.match_on->field;
      options.event_name = text_option(context.sync.options, "event_name");
      return engine_target(context, std::make_unique<BrazeDestination>(context.settings, options));
    };
    return t;
  }();
  return type;
}

}  // namespace backflow::destinations
