#include "cli/exit_codes.h"

namespace tarn {

int ExitCodeFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 0;
    case StatusCode::kInternal:
      return 1;
    case StatusCode::kInvalidArgument:
      return kExitUsage;
    case StatusCode::kNotFound:
      return 3;
    case StatusCode::kAlreadyExists:
      return 4;
    case StatusCode::kFailedPrecondition:
      return 5;
    case StatusCode::kAborted:
      return 6;
    case StatusCode::kUnavailable:
      return 7;
    case StatusCode::kDeadlineExceeded:
      return 8;
    case StatusCode::kPermissionDenied:
      return 9;
    case StatusCode::kCorruption:
      return 10;
    case StatusCode::kNotImplemented:
      return 11;
  }
  return 1;
}

}  // namespace tarn
