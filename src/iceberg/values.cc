#include "iceberg/values.h"

#include <cmath>
#include <cstring>

namespace tarn::iceberg {
namespace {

template <typename T>
std::string LE(T v) {
  std::string out(sizeof(T), '\0');
  std::memcpy(out.data(), &v, sizeof(T));  // Iceberg's bounds are little-endian, as we are
  return out;
}

template <typename T>
bool FromLE(std::string_view bytes, T* v) {
  if (bytes.size() != sizeof(T)) return false;
  std::memcpy(v, bytes.data(), sizeof(T));
  return true;
}

std::string DecimalBytes(Int128 v) {
  auto u = static_cast<unsigned __int128>(v);
  std::string out;
  for (int i = 15; i >= 0; --i) out.push_back(static_cast<char>(u >> (8 * i)));
  // Drop leading bytes that only repeat the sign.
  size_t start = 0;
  while (start + 1 < out.size()) {
    auto b = static_cast<uint8_t>(out[start]);
    auto next = static_cast<uint8_t>(out[start + 1]);
    if ((b == 0x00 && next < 0x80) || (b == 0xFF && next >= 0x80)) {
      ++start;
    } else {
      break;
    }
  }
  return out.substr(start);
}

// UTF-8 sequence length of a lead byte, 0 for a continuation byte.
size_t Utf8Length(uint8_t lead) {
  if (lead < 0x80) return 1;
  if (lead < 0xC0) return 0;
  if (lead < 0xE0) return 2;
  if (lead < 0xF0) return 3;
  return 4;
}

// The byte length of the first `chars` characters of `s`.
size_t PrefixBytes(std::string_view s, size_t chars) {
  size_t pos = 0;
  for (size_t c = 0; c < chars && pos < s.size(); ++c) {
    size_t n = Utf8Length(static_cast<uint8_t>(s[pos]));
    pos += n == 0 ? 1 : n;
  }
  return std::min(pos, s.size());
}

void AppendUtf8(char32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

}  // namespace

std::string SerializeValue(const Column& column, size_t row) {
  switch (column.type().id) {
    case TypeId::kBoolean:
      return std::string(1, column.GetBool(row) ? '\1' : '\0');
    case TypeId::kInt:
    case TypeId::kDate:
      return LE(column.GetInt32(row));
    case TypeId::kLong:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      return LE(column.GetInt64(row));
    case TypeId::kFloat:
      return LE(column.GetFloat(row));
    case TypeId::kDouble:
      return LE(column.GetDouble(row));
    case TypeId::kDecimal:
      return DecimalBytes(column.GetDecimal(row));
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kUuid:
    case TypeId::kFixed:
      return std::string(column.GetBytes(row));
  }
  return "";
}

std::optional<Column> DeserializeValue(const DataType& type, std::string_view bytes) {
  Column out(type);
  switch (type.id) {
    case TypeId::kBoolean:
      if (bytes.size() != 1) return std::nullopt;
      out.AppendBool(bytes[0] != 0);
      return out;
    case TypeId::kInt:
    case TypeId::kDate: {
      int32_t v;
      if (!FromLE(bytes, &v)) return std::nullopt;
      out.AppendInt32(v);
      return out;
    }
    case TypeId::kLong:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      int64_t v;
      if (!FromLE(bytes, &v)) return std::nullopt;
      out.AppendInt64(v);
      return out;
    }
    case TypeId::kFloat: {
      float v;
      if (!FromLE(bytes, &v)) return std::nullopt;
      out.AppendFloat(v);
      return out;
    }
    case TypeId::kDouble: {
      double v;
      if (!FromLE(bytes, &v)) return std::nullopt;
      out.AppendDouble(v);
      return out;
    }
    case TypeId::kDecimal: {
      if (bytes.empty() || bytes.size() > 16) return std::nullopt;
      unsigned __int128 u =
          static_cast<int8_t>(bytes[0]) < 0 ? ~static_cast<unsigned __int128>(0) : 0;
      for (char c : bytes) u = (u << 8) | static_cast<uint8_t>(c);
      out.AppendDecimal(static_cast<Int128>(u));
      return out;
    }
    case TypeId::kUuid:
      if (bytes.size() != 16) return std::nullopt;
      out.AppendBytes(bytes);
      return out;
    case TypeId::kFixed:
      if (bytes.size() != static_cast<size_t>(type.length)) return std::nullopt;
      out.AppendBytes(bytes);
      return out;
    case TypeId::kString:
    case TypeId::kBinary:
      out.AppendBytes(bytes);
      return out;
  }
  return std::nullopt;
}

int CompareValues(const Column& a, const Column& b) { return CompareValues(a, 0, b, 0); }

int CompareValues(const Column& a, size_t i, const Column& b, size_t j) {
  auto order = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
  auto real = [&](double x, double y) {
    if (std::isnan(x) || std::isnan(y)) return order(std::isnan(x), std::isnan(y));
    return order(x, y);
  };
  switch (StorageOf(a.type().id)) {
    case StorageKind::kBool:
      return order(a.GetBool(i), b.GetBool(j));
    case StorageKind::kInt32:
      return order(a.GetInt32(i), b.GetInt32(j));
    case StorageKind::kInt64:
      return order(a.GetInt64(i), b.GetInt64(j));
    case StorageKind::kFloat:
      return real(a.GetFloat(i), b.GetFloat(j));
    case StorageKind::kDouble:
      return real(a.GetDouble(i), b.GetDouble(j));
    case StorageKind::kInt128:
      return order(a.GetDecimal(i), b.GetDecimal(j));
    case StorageKind::kBytes: {
      int c = a.GetBytes(i).compare(b.GetBytes(j));  // char_traits<char> compares as unsigned
      return order(c, 0);
    }
  }
  return 0;
}

bool CanPromote(const DataType& from, const DataType& to) {
  if (from == to) return true;
  if (from.id == TypeId::kInt && to.id == TypeId::kLong) return true;
  if (from.id == TypeId::kFloat && to.id == TypeId::kDouble) return true;
  return from.id == TypeId::kDecimal && to.id == TypeId::kDecimal && from.scale == to.scale &&
         to.precision >= from.precision;
}

void AppendPromoted(const Column& column, size_t row, Column* out) {
  if (!column.IsValid(row)) {
    out->AppendNull();
  } else if (column.type().id == TypeId::kInt && out->type().id == TypeId::kLong) {
    out->AppendInt64(column.GetInt32(row));
  } else if (column.type().id == TypeId::kFloat && out->type().id == TypeId::kDouble) {
    out->AppendDouble(column.GetFloat(row));
  } else if (column.type().id == TypeId::kDecimal) {
    out->AppendDecimal(column.GetDecimal(row));
  } else {
    out->AppendFrom(column, row);
  }
}

std::string TruncateLowerBound(const DataType& type, std::string_view bound, size_t length) {
  if (type.id == TypeId::kString) return std::string(bound.substr(0, PrefixBytes(bound, length)));
  if (type.id == TypeId::kBinary) return std::string(bound.substr(0, length));
  return std::string(bound);
}

std::optional<std::string> TruncateUpperBound(const DataType& type, std::string_view bound,
                                              size_t length) {
  if (type.id == TypeId::kBinary) {
    if (bound.size() <= length) return std::string(bound);
    std::string out(bound.substr(0, length));
    while (!out.empty()) {
      auto last = static_cast<uint8_t>(out.back());
      if (last != 0xFF) {
        out.back() = static_cast<char>(last + 1);
        return out;
      }
      out.pop_back();
    }
    return std::nullopt;
  }
  if (type.id != TypeId::kString) return std::string(bound);
  size_t prefix = PrefixBytes(bound, length);
  if (prefix == bound.size()) return std::string(bound);
  // Increment the last character that can be incremented (skipping the surrogate range).
  std::string head(bound.substr(0, prefix));
  while (!head.empty()) {
    size_t start = head.size() - 1;
    while (start > 0 && Utf8Length(static_cast<uint8_t>(head[start])) == 0) --start;
    std::string_view last = std::string_view(head).substr(start);
    char32_t c = 0;
    size_t n = Utf8Length(static_cast<uint8_t>(last[0]));
    if (n == 1) {
      c = static_cast<uint8_t>(last[0]);
    } else {
      c = static_cast<uint8_t>(last[0]) & (0xFF >> (n + 1));
      for (size_t i = 1; i < n && i < last.size(); ++i) c = (c << 6) | (last[i] & 0x3F);
    }
    head.resize(start);
    if (c < 0x10FFFF) {
      char32_t next = c + 1;
      if (next >= 0xD800 && next <= 0xDFFF) next = 0xE000;
      AppendUtf8(next, &head);
      return head;
    }
  }
  return std::nullopt;
}

}  // namespace tarn::iceberg
