// `type: hubspot` (docs/destinations/hubspot.md): CRM objects through the
// batch upsert/update/create/archive endpoints.
#include "destinations/destination_type.h"
#include "destinations/engine_target.h"
#include "destinations/hubspot/hubspot_config.h"

namespace backflow::destinations {

const DestinationType& hubspot_type() {
  static const DestinationType type = [] {
    DestinationType t;
    t.name = "hubspot";
    t.modes = {SyncMode::upsert, SyncMode::update, SyncMode::insert, SyncMode::mirror};
    t.options = {secret_key("token", Requirement::required), key("batch_size", OptionKind::integer)};
    t.sync_options = {key("object", OptionKind::string, Requirement::required)};
    t.uses_vendor_ids = true;
    t.make_target = [](const TargetContext& context) {
      return engine_target(context, make_hubspot_destination(context.settings, context.sync));
    };
    return t;
  }();
  return type;
}

}  // namespace backflow::destinations
