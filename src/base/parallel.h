// Running independent pieces of work on a few threads.
#pragma once

#include <cstddef>
#include <functional>

#include "base/status.h"

namespace tarn {

// Calls `fn(i)` for every i in [0, n), on up to `threads` threads (the calling thread is one of
// them). After a failure no further piece starts; pieces already running finish. Returns OK, or
// the failure of the lowest index among those that failed. `fn` must be safe to call
// concurrently for different i.
Status ParallelFor(size_t n, int threads, const std::function<Status(size_t)>& fn);

}  // namespace tarn
