// Builds the Salesforce module from a config destination and the sync that
// uses it (what salesforce_type.cpp's make_target calls).
#pragma once

#include <memory>

#include "destinations/salesforce/salesforce_destination.h"
#include "destinations/destination_config.h"

namespace backflow::destinations {

// Instance URL: `instance_url`, else settings.url (base_url); token:
// `access_token`, else one obtained now from `login_url` with the
// refresh-token or client-credentials flow (which also gives the instance
// URL when none is configured); api_version; object and external id field
// (the sync's `external_id_field`, else match_on.field). Throws
// DestinationError, DestinationAuthError when the OAuth grant is refused.
// Shared by the Collections module and the Bulk API 2.0 loader.
SalesforceOptions salesforce_options(const DestinationSettings& settings, const Destination& account,
                                     const SyncDestination& sync);

// The sObject Collections module with salesforce_options(...).
std::unique_ptr<SalesforceDestination> make_salesforce_destination(const DestinationSettings& settings,
                                                                   const Destination& account,
                                                                   const SyncDestination& sync);

}  // namespace backflow::destinations
