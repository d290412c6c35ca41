// Conversions between microseconds since the Unix epoch (UTC) and the text forms that
// object stores and logs use. Pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace tarn {

// strftime-style formatting of a UTC time, e.g. "%Y%m%dT%H%M%SZ".
std::string FormatUtc(int64_t micros, const char* format);
// "2026-11-21T10:04:05.123Z"
std::string FormatIso8601(int64_t micros);
// Accepts "2026-11-21T10:04:05Z" and "2026-11-21T10:04:05.123Z" (S3 listings).
Result<int64_t> ParseIso8601(std::string_view text);
// "90s", "15m", "6h", "1d", "2w" (a whole number and one unit) as microseconds.
// kInvalidArgument naming the text otherwise.
Result<int64_t> ParseDuration(std::string_view text);
// The shortest of those forms that is exact ("1d", "90s").
std::string FormatDuration(int64_t micros);

// Accepts the IMF-fixdate of HTTP headers: "Sat, 21 Nov 2026 10:04:05 GMT".
Result<int64_t> ParseHttpDate(std::string_view text);

}  // namespace tarn
