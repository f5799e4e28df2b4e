#include "diff/change.h"

namespace backflow::diff {

const char* to_string(ChangeOp op) {
  switch (op) {
    case ChangeOp::Added: return "added";
    case ChangeOp::Changed: return "changed";
    case ChangeOp::Removed: return "removed";
  }
  return "unknown";
}

}  // namespace backflow::diff
