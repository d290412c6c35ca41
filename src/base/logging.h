// Logging setup. Code logs through spdlog directly (spdlog::info(...)); this file only decides
// where lines go and how they look: text for people, JSON lines for log collectors, on stderr.
#pragma once

#include <string_view>

#include "base/status.h"

namespace tarn {

enum class LogFormat { kText, kJson };

// `level` is one of trace, debug, info, warn, error, off; `format` is text or json.
// kInvalidArgument names the bad value and the accepted ones.
Status ConfigureLogging(std::string_view level, std::string_view format);

}  // namespace tarn
