// Hands blocks of model rows from the thread that reads the model to the
// thread that writes them into a snapshot generation. A fixed set of blocks
// circulates between the two (filled by the producer, written and released
// by the consumer), so memory is bounded and the rows' string buffers are
// reused. Blocks come out in the order they went in.
//
// Owns the blocks; the pointers it hands out stay valid for its lifetime.
// Thread-safe for one producer and one consumer.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <vector>

#include "model/value.h"

namespace backflow::diff::local {

struct RowBlock {
  std::vector<Row> rows;  // capacity of the block; only the first `size` are filled
  std::size_t size = 0;
};

class RowBlockQueue {
 public:
  RowBlockQueue(std::size_t blocks, std::size_t rows_per_block);

  // Producer: waits for an empty block; null once the queue is cancelled.
  RowBlock* acquire_empty();
  void push_full(RowBlock* block);
  // Producer: no more blocks will be pushed.
  void finish();

  // Consumer: waits for the next full block; null after finish() once every
  // block was taken, or once the queue is cancelled.
  RowBlock* pop_full();
  void release(RowBlock* block);

  // Either side: stops the other one (pending and future calls return null).
  void cancel();

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<RowBlock> blocks_;
  std::vector<RowBlock*> empty_;
  std::deque<RowBlock*> full_;
  bool finished_ = false;
  bool cancelled_ = false;
};

}  // namespace backflow::diff::local
