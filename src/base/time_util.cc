#include "base/time_util.h"

#include <cstdio>
#include <cstring>
#include <ctime>

namespace tarn {

std::string FormatUtc(int64_t micros, const char* format) {
  time_t seconds =
      static_cast<time_t>(micros >= 0 ? micros / 1000000 : (micros - 999999) / 1000000);
  struct tm tm {};
  gmtime_r(&seconds, &tm);
  char buffer[64];
  size_t n = strftime(buffer, sizeof(buffer), format, &tm);
  return std::string(buffer, n);
}

std::string FormatIso8601(int64_t micros) {
  int64_t millis = ((micros % 1000000) + 1000000) % 1000000 / 1000;
  char suffix[8];
  std::snprintf(suffix, sizeof(suffix), ".%03dZ", static_cast<int>(millis));
  return FormatUtc(micros, "%Y-%m-%dT%H:%M:%S") + suffix;
}

namespace {

Result<int64_t> FromTm(struct tm* tm, int64_t fraction_micros, std::string_view text) {
  time_t seconds = timegm(tm);
  if (seconds == static_cast<time_t>(-1) && tm->tm_year != 69) {
    return Status::InvalidArgument("invalid time '" + std::string(text) + "'");
  }
  return static_cast<int64_t>(seconds) * 1000000 + fraction_micros;
}

}  // namespace

Result<int64_t> ParseIso8601(std::string_view text) {
  std::string s(text);
  struct tm tm {};
  const char* rest = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (rest == nullptr) return Status::InvalidArgument("invalid ISO-8601 time '" + s + "'");
  int64_t fraction = 0;
  if (*rest == '.') {
    ++rest;
    int64_t scale = 100000;
    while (*rest >= '0' && *rest <= '9') {
      fraction += (*rest - '0') * scale;
      scale /= 10;
      ++rest;
    }
  }
  if (std::strcmp(rest, "Z") != 0 && std::strcmp(rest, "+00:00") != 0) {
    return Status::InvalidArgument("invalid ISO-8601 time '" + s + "': expected a UTC time");
  }
  return FromTm(&tm, fraction, text);
}

Result<int64_t> ParseHttpDate(std::string_view text) {
  std::string s(text);
  struct tm tm {};
  const char* rest = strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (rest == nullptr || *rest != '\0') {
    return Status::InvalidArgument("invalid HTTP date '" + s + "'");
  }
  return FromTm(&tm, 0, text);
}

namespace {

struct DurationUnit {
  char unit;
  int64_t micros;
};
constexpr DurationUnit kDurationUnits[] = {{'w', int64_t{604800} * 1000000},
                                           {'d', int64_t{86400} * 1000000},
                                           {'h', int64_t{3600} * 1000000},
                                           {'m', int64_t{60} * 1000000},
                                           {'s', int64_t{1000000}}};

}  // namespace

Result<int64_t> ParseDuration(std::string_view text) {
  auto bad = [&] {
    return Status::InvalidArgument("'" + std::string(text) +
                                   "' is not a duration; write a whole number and a unit: 90s, "
                                   "15m, 6h, 1d, 2w");
  };
  if (text.size() < 2) return bad();
  int64_t count = 0;
  for (char c : text.substr(0, text.size() - 1)) {
    if (c < '0' || c > '9' || count > int64_t{1} << 40) return bad();
    count = count * 10 + (c - '0');
  }
  for (const DurationUnit& u : kDurationUnits) {
    if (text.back() == u.unit) return count * u.micros;
  }
  return bad();
}

std::string FormatDuration(int64_t micros) {
  for (const DurationUnit& u : kDurationUnits) {
    if (micros % u.micros == 0) return std::to_string(micros / u.micros) + u.unit;
  }
  return std::to_string(micros / 1000000) + "s";
}

}  // namespace tarn
