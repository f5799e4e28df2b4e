// syncs.<name>.schedule: manual, cron (with a time zone), every, after.
#include <algorithm>

#include "service/config/section_parsers.h"
#include "common/suggest.h"
#include "service/schedule/cron.h"
#include "service/schedule/time_zone.h"

namespace backflow::config {
namespace {

const std::vector<std::string> kScheduleKeys = {"cron", "timezone", "every", "after"};

std::optional<Schedule> parse_cron(YamlReader& reader, const YAML::Node& node, const std::string& path,
                                   const schedule::TimeZone& zone) {
  auto text = reader.non_empty_string(node, path);
  if (!text) return std::nullopt;
  try {
    return CronSchedule{schedule::CronExpression::parse(*text), zone.name(), zone};
  } catch (const std::invalid_argument& e) {
    // The parser's reason may quote the expression's fields.
    reader.error(node, path,
                 "invalid cron expression " + YamlReader::quote_value(node, *text) +
                     (YamlReader::is_substituted(node) ? std::string() : std::string(": ") + e.what()));
    return std::nullopt;
  }
}

}  // namespace

std::optional<Schedule> parse_schedule(YamlReader& reader, const YAML::Node& node, const std::string& path,
                                       const std::vector<std::string>& sync_names,
                                       const std::set<std::string>& sync_name_set) {
  if (node.IsScalar()) {
    if (node.Scalar() == "manual") return ManualSchedule{};
    return parse_cron(reader, node, path, schedule::TimeZone());
  }
  if (!node.IsMap()) {
    reader.error(node, path,
                 "expected a cron string, 'manual', {cron: ..., timezone: ...}, {every: DURATION} or "
                 "{after: [SYNC, ...]}; found " +
                     describe(node));
    return std::nullopt;
  }
  auto fields = reader.map(node, path, &kScheduleKeys);
  if (!fields) return std::nullopt;
  int forms = fields->has("cron") + fields->has("every") + fields->has("after");
  if (forms != 1) {
    reader.error(node, path,
                 forms == 0 ? "expected one of cron, every, after; found none"
                            : "expected exactly one of cron, every, after; found " + std::to_string(forms));
    return std::nullopt;
  }
  schedule::TimeZone timezone;
  if (auto zone = fields->get("timezone")) {
    if (!fields->has("cron")) {
      reader.error(*zone, path + ".timezone", "timezone applies to cron schedules only");
      return std::nullopt;
    }
    auto name = reader.non_empty_string(*zone, path + ".timezone");
    if (!name) return std::nullopt;
    if (!schedule::TimeZone::exists(*name)) {
      reader.error(*zone, path + ".timezone",
                   "unknown time zone " + YamlReader::quote_value(*zone, *name) + " (expected an IANA name such as Europe/Paris or UTC)");
      return std::nullopt;
    }
    try {
      timezone = schedule::TimeZone::named(*name);
    } catch (const std::invalid_argument& e) {
      reader.error(*zone, path + ".timezone", e.what());
      return std::nullopt;
    }
  }
  if (auto cron = fields->get("cron")) return parse_cron(reader, *cron, path + ".cron", timezone);
  if (auto every = fields->get("every")) {
    auto interval = reader.duration(*every, path + ".every");
    if (!interval) return std::nullopt;
    if (interval->count() <= 0) {
      reader.error(*every, path + ".every", "expected a duration longer than 0, found " + YamlReader::quote_value(*every, every->Scalar()));
      return std::nullopt;
    }
    return EverySchedule{*interval};
  }
  auto after_node = *fields->get("after");
  auto after = reader.string_list(after_node, path + ".after", true);
  if (!after) return std::nullopt;
  if (after->empty()) {
    reader.error(after_node, path + ".after", "expected at least one sync name, found an empty list");
    return std::nullopt;
  }
  bool ok = true;
  for (std::size_t i = 0; i < after->size(); ++i) {
    const std::string& name = (*after)[i];
    if (sync_name_set.count(name) == 0) {
      const bool listed_form = after_node.IsSequence();
      reader.error(listed_form ? after_node[i] : after_node,
                   listed_form ? path + ".after[" + std::to_string(i) + "]" : path + ".after",
                   "unknown sync " + quote_for_message(name) + " (" + text::defined_names(sync_names) + ")", text::nearest(name, sync_names));
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return AfterSchedule{*after};
}

}  // namespace backflow::config
