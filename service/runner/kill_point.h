// A test hook for crash-safety tests: BACKFLOW_TEST_KILL_AT=<point>:<n> makes
// the process SIGKILL itself the n-th time (from 1) it passes `point`. Points
// are phase names entered ("preflight", "snapshot", "diff", "guard",
// "deliver", "commit"), "ack" (after a checkpoint is saved), "outcome" (after
// a record outcome is handled), "committed" (after the snapshot commit,
// before SUCCEEDED is recorded) and "job" (after a multi-step vendor job's
// state is journaled: a Klaviyo import created, a Salesforce Bulk job
// created or its upload closed). Unset: a no-op.
#pragma once

#include <string_view>

namespace backflow::runner {

void kill_point(std::string_view point);

}  // namespace backflow::runner
