#include "diff/local/row_block_queue.h"

namespace backflow::diff::local {

RowBlockQueue::RowBlockQueue(std::size_t blocks, std::size_t rows_per_block) : blocks_(blocks) {
  for (RowBlock& block : blocks_) {
    block.rows.resize(rows_per_block);
    empty_.push_back(&block);
  }
}

RowBlock* RowBlockQueue::acquire_empty() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return cancelled_ || !empty_.empty(); });
  if (cancelled_) return nullptr;
  RowBlock* block = empty_.back();
  empty_.pop_back();
  return block;
}

void RowBlockQueue::push_full(RowBlock* block) {
  {
    std::lock_guard lock(mutex_);
    full_.push_back(block);
  }
  changed_.notify_all();
}

void RowBlockQueue::finish() {
  {
    std::lock_guard lock(mutex_);
    finished_ = true;
  }
  changed_.notify_all();
}

RowBlock* RowBlockQueue::pop_full() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return cancelled_ || finished_ || !full_.empty(); });
  if (cancelled_ || full_.empty()) return nullptr;
  RowBlock* block = full_.front();
  full_.pop_front();
  return block;
}

void RowBlockQueue::release(RowBlock* block) {
  {
    std::lock_guard lock(mutex_);
    empty_.push_back(block);
  }
  changed_.notify_all();
}

void RowBlockQueue::cancel() {
  {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
  }
  changed_.notify_all();
}

}  // namespace backflow::diff::local
