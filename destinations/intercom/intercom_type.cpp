// `type: intercom` (docs/destinations/intercom.md): contacts (companies are
// not implemented, so `validate` refuses object: companies).
#include "destinations/destination_type.h"
#include "destinations/account_options.h"
#include "destinations/engine_target.h"
#include "destinations/intercom/intercom_destination.h"

namespace backflow::destinations {

const DestinationType& intercom_type() {
  static const DestinationType type = [] {
    DestinationType t;
    t.name = "intercom";
    t.modes = {SyncMode::upsert, SyncMode::update, SyncMode::mirror};
    t.options = {secret_key("token", Requirement::required), key("intercom_version")};
    t.sync_options = {choice_key("object", {"contacts"})};
    t.identifiers = {"external_id", "email"};
    t.uses_vendor_ids = true;
    t.make_target = [](const TargetContext& context) {
      IntercomOptions options;
      if (context.sync.match_on) options.identify_by = context.sync.match_on->field;
      if (std::string version = text_option(context.account.options, "intercom_version"); !version.empty()) {
        options.intercom_version = version;
      }
      if (!context.sync.object.empty()) options.object = context.sync.object;
      options.create_missing = context.sync.mode != SyncMode::update;
      return engine_target(context, std::make_unique<IntercomDestination>(context.settings, options));
    };
    return t;
  }();
  return type;
}

}  // namespace backflow::destinations
