// The result of one diff run: the current snapshot has been taken and
// compared with the committed one, but nothing is committed yet. Both engines
// implement it. Not thread-safe; one per run.
//
// Lifecycle: counts() and invalid_sample() are known at once (so a guard can
// decide before anything is sent); for_each_change() streams the changes with
// bounded memory and may be called again (it yields the same changes);
// commit() makes the current snapshot the committed one, except for the keys
// given, and ends the run. Destroying an uncommitted PendingSnapshot discards
// the current snapshot and leaves the committed one as it was.
#pragma once

#include <vector>

#include "diff/change.h"

namespace backflow::diff {

class PendingSnapshot {
 public:
  virtual ~PendingSnapshot() = default;

  // Keeps the current snapshot when this object is destroyed uncommitted, so
  // an interrupted run can resume it later. Engines that cannot resume
  // ignore it (their snapshot is discarded as usual).
  virtual void keep_for_resume() noexcept {}

  virtual const DiffCounts& counts() const = 0;
  virtual const std::vector<InvalidRow>& invalid_sample() const = 0;

  // Calls `sink` once per added, changed (including retried) and removed
  // record, in no particular order. Rows with an invalid key are not emitted.
  virtual void for_each_change(const ChangeSink& sink) = 0;

  // Atomically: every key keeps the state of the current snapshot, except
  // `excluded_keys` (typed key values, rejected or undelivered records),
  // which keep their committed state — absent if never committed, present if
  // removed — so the next diff emits them again. Keys that were invalid in
  // this run also keep their committed state. A crash at any point leaves
  // either the old or the new committed snapshot. Call at most once.
  virtual void commit(const std::vector<Row>& excluded_keys) = 0;
};

}  // namespace backflow::diff
