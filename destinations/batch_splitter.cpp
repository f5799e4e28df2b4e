#include "destinations/batch_splitter.h"

#include <iterator>

namespace backflow::destinations {

std::pair<Batch, Batch> split_in_halves(Batch batch) {
  const std::size_t first_size = (batch.records.size() + 1) / 2;
  Batch first;
  Batch second;
  first.sequence = second.sequence = batch.sequence;
  first.id = batch.id + ".0";
  second.id = batch.id + ".1";
  auto middle = batch.records.begin() + static_cast<std::ptrdiff_t>(first_size);
  first.records.assign(std::make_move_iterator(batch.records.begin()), std::make_move_iterator(middle));
  second.records.assign(std::make_move_iterator(middle), std::make_move_iterator(batch.records.end()));
  return {std::move(first), std::move(second)};
}

}  // namespace backflow::destinations
