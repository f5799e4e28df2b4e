// Every destination type, one line each, in documentation order. A line
// BACKFLOW_DESTINATION_TYPE(x) names the descriptor `const DestinationType&
// x_type()` defined in destinations/x/x_type.cpp. Adding a vendor is its
// folder plus one line here (docs/architecture.md, "Adding a destination").
// Read only by registry.cpp, which defines the macro.
BACKFLOW_DESTINATION_TYPE(webhook)
BACKFLOW_DESTINATION_TYPE(hubspot)
BACKFLOW_DESTINATION_TYPE(salesforce)
BACKFLOW_DESTINATION_TYPE(braze)
BACKFLOW_DESTINATION_TYPE(klaviyo)
BACKFLOW_DESTINATION_TYPE(iterable)
BACKFLOW_DESTINATION_TYPE(intercom)
BACKFLOW_DESTINATION_TYPE(sql)
