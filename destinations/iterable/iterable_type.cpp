// `type: iterable` (docs/destinations/iterable.md): users through
// /api/users/bulkUpdate, events through /api/events/trackBulk.
#include "destinations/destination_type.h"
#include "destinations/account_options.h"
#include "destinations/engine_target.h"
#include "destinations/iterable/iterable_destination.h"

namespace backflow::destinations {

const DestinationType& iterable_type() {
  static const DestinationType type = [] {
    DestinationType t;
    t.name = "iterable";
    t.modes = {SyncMode::upsert, SyncMode::append};
    t.options = {secret_key("api_key", Requirement::required)};
    t.sync_options = {key("event_name", OptionKind::string, Requirement::required_for_append)};
    t.can_delete = false;
    t.identifiers = {"email", "userId"};
    t.make_target = [](const TargetContext& context) {
      IterableOptions options;
      if (context.sync.match_on) options.identify_by = context.sync.match_on->field;
      options.event_name = text_option(context.sync.options, "event_name");
      return engine_target(context, std::make_unique<IterableDestination>(context.settings, options));
    };
    return t;
  }();
  return type;
}

}  // namespace backflow::destinations
