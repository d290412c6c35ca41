#include "columnar/value_text.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "base/hash.h"

namespace tarn {
namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerDay = int64_t{86400} * kMicrosPerSecond;

Status Bad(std::string_view text, const DataType& type, std::string_view why = {}) {
  std::string shown(text.substr(0, 80));
  std::string message = "cannot read '" + shown + "' as " + type.ToString();
  if (!why.empty()) message += ": " + std::string(why);
  return Status::InvalidArgument(message);
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

template <typename T>
bool ParseInteger(std::string_view text, T* out) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

// Reads exactly `digits` digits at `*pos`.
bool Digits(std::string_view s, size_t* pos, int digits, int64_t* out) {
  if (*pos + static_cast<size_t>(digits) > s.size()) return false;
  int64_t value = 0;
  for (int i = 0; i < digits; ++i) {
    char c = s[*pos + static_cast<size_t>(i)];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  *pos += static_cast<size_t>(digits);
  *out = value;
  return true;
}

bool ParseDate(std::string_view s, size_t* pos, int64_t* days) {
  int sign = 1;
  size_t year_digits = 4;
  if (*pos < s.size() && (s[*pos] == '-' || s[*pos] == '+')) {
    sign = s[*pos] == '-' ? -1 : 1;
    ++*pos;
    size_t end = *pos;
    while (end < s.size() && std::isdigit(static_cast<unsigned char>(s[end]))) ++end;
    year_digits = end - *pos;
    if (year_digits < 4 || year_digits > 7) return false;
  }
  int64_t year = 0, month = 0, day = 0;
  if (!Digits(s, pos, static_cast<int>(year_digits), &year)) return false;
  if (*pos >= s.size() || s[(*pos)++] != '-' || !Digits(s, pos, 2, &month)) return false;
  if (*pos >= s.size() || s[(*pos)++] != '-' || !Digits(s, pos, 2, &day)) return false;
  year *= sign;
  if (month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int max_day = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  if (day > max_day) return false;
  *days = DaysFromCivil(year, static_cast<int>(month), static_cast<int>(day));
  return true;
}

bool ParseTime(std::string_view s, size_t* pos, int64_t* micros) {
  int64_t h = 0, m = 0, sec = 0;
  if (!Digits(s, pos, 2, &h) || *pos >= s.size() || s[(*pos)++] != ':' || !Digits(s, pos, 2, &m) ||
      *pos >= s.size() || s[(*pos)++] != ':' || !Digits(s, pos, 2, &sec)) {
    return false;
  }
  if (h > 23 || m > 59 || sec > 59) return false;
  int64_t fraction = 0;
  if (*pos < s.size() && s[*pos] == '.') {
    ++*pos;
    int64_t scale = 100000;
    size_t start = *pos;
    while (*pos < s.size() && std::isdigit(static_cast<unsigned char>(s[*pos]))) {
      if (scale > 0) fraction += (s[*pos] - '0') * scale;  // digits past microseconds are dropped
      scale /= 10;
      ++*pos;
    }
    if (*pos == start) return false;
  }
  *micros = ((h * 60 + m) * 60 + sec) * kMicrosPerSecond + fraction;
  return true;
}

bool ParseTimestamp(std::string_view s, bool with_zone, int64_t* micros) {
  size_t pos = 0;
  int64_t days = 0;
  int64_t time = 0;
  if (!ParseDate(s, &pos, &days)) return false;
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != ' ') return false;
    ++pos;
    if (!ParseTime(s, &pos, &time)) return false;
  }
  int64_t offset = 0;
  if (pos < s.size()) {
    if (!with_zone) return false;
    if (s[pos] == 'Z' && pos + 1 == s.size()) {
      ++pos;
    } else if (s[pos] == '+' || s[pos] == '-') {
      int sign = s[pos] == '-' ? -1 : 1;
      ++pos;
      int64_t oh = 0, om = 0;
      if (!Digits(s, &pos, 2, &oh)) return false;
      if (pos < s.size() && s[pos] == ':') ++pos;
      if (pos < s.size() && !Digits(s, &pos, 2, &om)) return false;
      if (oh > 18 || om > 59) return false;
      offset = sign * (oh * 3600 + om * 60) * kMicrosPerSecond;
    }
    if (pos != s.size()) return false;
  }
  // Overflow guard: dates whose microseconds do not fit in 64 bits are refused.
  if (days > INT64_MAX / kMicrosPerDay - 1 || days < INT64_MIN / kMicrosPerDay + 1) return false;
  *micros = days * kMicrosPerDay + time - offset;
  return true;
}

bool ParseDecimal(std::string_view text, int precision, int scale, Int128* out) {
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text.empty()) return false;
  Int128 value = 0;
  int digits = 0;
  int fraction_digits = -1;
  bool any_digit = false;
  for (char c : text) {
    any_digit = any_digit || (c >= '0' && c <= '9');
    if (c == '.') {
      if (fraction_digits >= 0) return false;
      fraction_digits = 0;
      continue;
    }
    if (c < '0' || c > '9') return false;
    if (fraction_digits >= 0) {
      if (fraction_digits == scale) {
        if (c != '0') return false;  // more places than the scale holds, and not just zeros
        continue;
      }
      ++fraction_digits;
    }
    value = value * 10 + (c - '0');
    if (value != 0) ++digits;
    if (digits > precision) return false;
  }
  if (!any_digit) return false;
  for (int f = std::max(fraction_digits, 0); f < scale; ++f) {
    value *= 10;
    if (value != 0) ++digits;
  }
  if (digits > precision) return false;
  *out = negative ? -value : value;
  return true;
}

bool ParseHex(std::string_view text, std::string* out) {
  if (text.starts_with("\\x") || text.starts_with("0x")) text.remove_prefix(2);
  if (text.size() % 2 != 0) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  out->clear();
  for (size_t i = 0; i < text.size(); i += 2) {
    int hi = nibble(text[i]);
    int lo = nibble(text[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

void AppendDate(int64_t days, std::string* out) {
  int64_t year;
  int month, day;
  CivilFromDays(days, &year, &month, &day);
  char buffer[32];
  if (year >= 0 && year <= 9999) {
    std::snprintf(buffer, sizeof(buffer), "%04lld-%02d-%02d", static_cast<long long>(year), month,
                  day);
  } else {
    std::snprintf(buffer, sizeof(buffer), "%+05lld-%02d-%02d", static_cast<long long>(year), month,
                  day);
  }
  out->append(buffer);
}

void AppendTime(int64_t micros, std::string* out) {
  int64_t seconds = micros / kMicrosPerSecond;
  int64_t fraction = micros % kMicrosPerSecond;
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%02lld:%02lld:%02lld",
                static_cast<long long>(seconds / 3600), static_cast<long long>(seconds / 60 % 60),
                static_cast<long long>(seconds % 60));
  out->append(buffer);
  if (fraction != 0) {
    std::snprintf(buffer, sizeof(buffer), ".%06lld", static_cast<long long>(fraction));
    out->append(buffer);
  }
}

void AppendFloating(double v, bool single, std::string* out) {
  if (std::isnan(v)) {
    out->append("NaN");
  } else if (std::isinf(v)) {
    out->append(v > 0 ? "Infinity" : "-Infinity");
  } else {
    char buffer[64];
    auto [end, ec] = single ? std::to_chars(buffer, buffer + sizeof(buffer), static_cast<float>(v))
                            : std::to_chars(buffer, buffer + sizeof(buffer), v);
    out->append(buffer, end);
  }
}

}  // namespace

int64_t DaysFromCivil(int64_t year, int month, int day) {
  // Count from 0000-03-01 in 400-year eras, putting February last in each year.
  year -= month <= 2 ? 1 : 0;
  int64_t era = (year >= 0 ? year : year - 399) / 400;
  int64_t year_of_era = year - era * 400;
  int64_t day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

void CivilFromDays(int64_t days, int64_t* year, int* month, int* day) {
  days += 719468;
  int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  int64_t day_of_era = days - era * 146097;
  int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  int64_t mp = (5 * day_of_year + 2) / 153;
  *day = static_cast<int>(day_of_year - (153 * mp + 2) / 5 + 1);
  *month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *year = year_of_era + era * 400 + (*month <= 2 ? 1 : 0);
}

Status AppendText(std::string_view text, const DataType& type, Column* out) {
  switch (type.id) {
    case TypeId::kBoolean: {
      for (std::string_view t : {"true", "t", "yes", "1"}) {
        if (EqualsIgnoreCase(text, t)) {
          out->AppendBool(true);
          return Status::OK();
        }
      }
      for (std::string_view f : {"false", "f", "no", "0"}) {
        if (EqualsIgnoreCase(text, f)) {
          out->AppendBool(false);
          return Status::OK();
        }
      }
      return Bad(text, type);
    }
    case TypeId::kInt: {
      int32_t v;
      if (!ParseInteger(text, &v)) return Bad(text, type);
      out->AppendInt32(v);
      return Status::OK();
    }
    case TypeId::kLong: {
      int64_t v;
      if (!ParseInteger(text, &v)) return Bad(text, type);
      out->AppendInt64(v);
      return Status::OK();
    }
    case TypeId::kFloat:
    case TypeId::kDouble: {
      std::string s(text);
      double v;
      if (EqualsIgnoreCase(s, "nan")) {
        v = std::nan("");
      } else if (EqualsIgnoreCase(s, "infinity") || EqualsIgnoreCase(s, "inf") ||
                 EqualsIgnoreCase(s, "+infinity") || EqualsIgnoreCase(s, "+inf")) {
        v = std::numeric_limits<double>::infinity();
      } else if (EqualsIgnoreCase(s, "-infinity") || EqualsIgnoreCase(s, "-inf")) {
        v = -std::numeric_limits<double>::infinity();
      } else {
        char* end = nullptr;
        v = type.id == TypeId::kFloat ? std::strtof(s.c_str(), &end) : std::strtod(s.c_str(), &end);
        if (s.empty() || end != s.c_str() + s.size() ||
            std::isspace(static_cast<unsigned char>(s[0]))) {
          return Bad(text, type);
        }
      }
      if (type.id == TypeId::kFloat) {
        out->AppendFloat(static_cast<float>(v));
      } else {
        out->AppendDouble(v);
      }
      return Status::OK();
    }
    case TypeId::kDecimal: {
      Int128 v;
      if (!ParseDecimal(text, type.precision, type.scale, &v)) {
        return Bad(text, type, "not a number, or too many digits for the precision and scale");
      }
      out->AppendDecimal(v);
      return Status::OK();
    }
    case TypeId::kDate: {
      size_t pos = 0;
      int64_t days;
      if (!ParseDate(text, &pos, &days) || pos != text.size() || days < INT32_MIN ||
          days > INT32_MAX) {
        return Bad(text, type, "expected YYYY-MM-DD");
      }
      out->AppendInt32(static_cast<int32_t>(days));
      return Status::OK();
    }
    case TypeId::kTime: {
      size_t pos = 0;
      int64_t micros;
      if (!ParseTime(text, &pos, &micros) || pos != text.size()) {
        return Bad(text, type, "expected HH:MM:SS[.ffffff]");
      }
      out->AppendInt64(micros);
      return Status::OK();
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      int64_t micros;
      if (!ParseTimestamp(text, type.id == TypeId::kTimestampTz, &micros)) {
        return Bad(text, type,
                   type.id == TypeId::kTimestamp
                       ? "expected YYYY-MM-DDTHH:MM:SS[.ffffff]"
                       : "expected YYYY-MM-DDTHH:MM:SS[.ffffff][Z|+HH:MM]");
      }
      out->AppendInt64(micros);
      return Status::OK();
    }
    case TypeId::kString:
      out->AppendBytes(text);
      return Status::OK();
    case TypeId::kBinary:
    case TypeId::kFixed: {
      std::string bytes;
      if (!ParseHex(text, &bytes)) return Bad(text, type, "expected hexadecimal bytes");
      if (type.id == TypeId::kFixed && bytes.size() != static_cast<size_t>(type.length)) {
        return Bad(text, type, "expected " + std::to_string(type.length) + " bytes");
      }
      out->AppendBytes(bytes);
      return Status::OK();
    }
    case TypeId::kUuid: {
      std::string hex;
      for (char c : text) {
        if (c != '-') hex.push_back(c);
      }
      std::string bytes;
      if (text.size() != 36 || !ParseHex(hex, &bytes) || bytes.size() != 16) {
        return Bad(text, type, "expected xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx");
      }
      out->AppendBytes(bytes);
      return Status::OK();
    }
  }
  return Bad(text, type);
}

void FormatValue(const Column& column, size_t row, std::string* out) {
  const DataType& type = column.type();
  switch (type.id) {
    case TypeId::kBoolean:
      out->append(column.GetBool(row) ? "true" : "false");
      return;
    case TypeId::kInt:
      out->append(std::to_string(column.GetInt32(row)));
      return;
    case TypeId::kLong:
      out->append(std::to_string(column.GetInt64(row)));
      return;
    case TypeId::kFloat:
      AppendFloating(column.GetFloat(row), true, out);
      return;
    case TypeId::kDouble:
      AppendFloating(column.GetDouble(row), false, out);
      return;
    case TypeId::kDecimal: {
      std::string digits = Int128ToString(column.GetDecimal(row));
      bool negative = digits[0] == '-';
      if (negative) digits.erase(0, 1);
      if (type.scale > 0) {
        if (digits.size() <= static_cast<size_t>(type.scale)) {
          digits.insert(0, static_cast<size_t>(type.scale) + 1 - digits.size(), '0');
        }
        digits.insert(digits.size() - static_cast<size_t>(type.scale), ".");
      }
      if (negative) out->push_back('-');
      out->append(digits);
      return;
    }
    case TypeId::kDate:
      AppendDate(column.GetInt32(row), out);
      return;
    case TypeId::kTime:
      AppendTime(column.GetInt64(row), out);
      return;
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      int64_t micros = column.GetInt64(row);
      int64_t days = micros / kMicrosPerDay - (micros % kMicrosPerDay < 0 ? 1 : 0);
      AppendDate(days, out);
      out->push_back('T');
      AppendTime(micros - days * kMicrosPerDay, out);
      if (type.id == TypeId::kTimestampTz) out->push_back('Z');
      return;
    }
    case TypeId::kString:
      out->append(column.GetBytes(row));
      return;
    case TypeId::kBinary:
    case TypeId::kFixed:
      out->append(HexEncode(column.GetBytes(row)));
      return;
    case TypeId::kUuid: {
      std::string hex = HexEncode(column.GetBytes(row));
      out->append(hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
                  hex.substr(16, 4) + "-" + hex.substr(20));
      return;
    }
  }
}

}  // namespace tarn
