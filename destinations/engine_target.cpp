#include "destinations/engine_target.h"

namespace backflow::destinations {
namespace {

class EngineTarget final : public DeliveryTarget {
 public:
  EngineTarget(DestinationSettings settings, std::unique_ptr<DestinationModule> module)
      : settings_(std::move(settings)), module_(std::move(module)) {}

  DeliverySummary deliver(const DeliveryRun& run, RecordFeed& feed, const DeliveryCallbacks& callbacks) override {
    DeliveryEngine engine(*module_, settings_);
    return engine.deliver(run, feed, callbacks);
  }

 private:
  DestinationSettings settings_;
  std::unique_ptr<DestinationModule> module_;
};

}  // namespace

std::unique_ptr<DeliveryTarget> engine_target(const TargetContext& context,
                                              std::unique_ptr<DestinationModule> module) {
  require_mode(context, module->supported_modes());
  return std::make_unique<EngineTarget>(context.settings, std::move(module));
}

}  // namespace backflow::destinations
