// The one mapping from Status codes to the process exit codes of `tarn` (documented in README).
#pragma once

#include "base/status.h"

namespace tarn {

constexpr int kExitUsage = 2;  // bad command line (also kInvalidArgument)

int ExitCodeFor(StatusCode code);

}  // namespace tarn
