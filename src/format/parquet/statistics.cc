#include "format/parquet/statistics.h"

#include <cstring>

namespace tarn::parquet {
namespace {

template <typename T>
T Load(std::string_view bytes) {
  T value{};
  std::memcpy(&value, bytes.data(), std::min(sizeof(T), bytes.size()));
  return value;
}

template <typename T>
int Cmp(T a, T b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

int CompareUnsigned(std::string_view a, std::string_view b) {
  int c = std::memcmp(a.data(), b.data(), std::min(a.size(), b.size()));
  if (c != 0) return c;
  return Cmp(a.size(), b.size());
}

// Length of the UTF-8 sequence starting with `lead`, or 1 for a stray byte.
size_t Utf8Length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 1;
}

// A prefix of at most `length` bytes that does not split a UTF-8 character.
size_t Utf8PrefixLength(std::string_view value, size_t length) {
  size_t end = 0;
  while (end < value.size()) {
    size_t next = end + Utf8Length(static_cast<unsigned char>(value[end]));
    if (next > length) break;
    end = next;
  }
  return end;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

uint32_t DecodeUtf8(std::string_view s) {
  auto b = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(s[i])); };
  switch (s.size()) {
    case 1:
      return b(0);
    case 2:
      return ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
    case 3:
      return ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
    default:
      return ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) | (b(3) & 0x3F);
  }
}

}  // namespace

std::string TruncateLowerBound(std::string_view value, size_t length, bool utf8) {
  if (value.size() <= length) return std::string(value);
  return std::string(value.substr(0, utf8 ? Utf8PrefixLength(value, length) : length));
}

std::optional<std::string> TruncateUpperBound(std::string_view value, size_t length, bool utf8) {
  if (value.size() <= length) return std::string(value);
  if (!utf8) {
    std::string prefix(value.substr(0, length));
    while (!prefix.empty()) {
      unsigned char last = static_cast<unsigned char>(prefix.back());
      if (last != 0xFF) {
        prefix.back() = static_cast<char>(last + 1);
        return prefix;
      }
      prefix.pop_back();
    }
    return std::nullopt;
  }
  // Split the prefix into characters, then bump the last one that can grow.
  std::string_view prefix = value.substr(0, Utf8PrefixLength(value, length));
  std::vector<std::string_view> chars;
  for (size_t i = 0; i < prefix.size();) {
    size_t n = Utf8Length(static_cast<unsigned char>(prefix[i]));
    chars.push_back(prefix.substr(i, n));
    i += n;
  }
  while (!chars.empty()) {
    uint32_t cp = DecodeUtf8(chars.back()) + 1;
    if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xE000;  // skip surrogates
    chars.pop_back();
    if (cp <= 0x10FFFF) {
      std::string out;
      for (std::string_view c : chars) out.append(c);
      AppendUtf8(cp, &out);
      return out;
    }
  }
  return std::nullopt;
}

int StatisticsBuilder::Compare(std::string_view a, std::string_view b) const {
  switch (order_) {
    case ValueOrder::kBoolean:
    case ValueOrder::kUnsignedBytes:
      return CompareUnsigned(a, b);
    case ValueOrder::kInt32:
      return Cmp(Load<int32_t>(a), Load<int32_t>(b));
    case ValueOrder::kInt64:
      return Cmp(Load<int64_t>(a), Load<int64_t>(b));
    case ValueOrder::kFloat:
      return Cmp(Load<float>(a), Load<float>(b));
    case ValueOrder::kDouble:
      return Cmp(Load<double>(a), Load<double>(b));
    case ValueOrder::kSignedBigEndian: {
      // Same length for one column; the sign lives in the first byte.
      auto sa = static_cast<int8_t>(a.empty() ? 0 : a[0]);
      auto sb = static_cast<int8_t>(b.empty() ? 0 : b[0]);
      if (sa != sb) return Cmp(sa, sb);
      return CompareUnsigned(a.substr(a.empty() ? 0 : 1), b.substr(b.empty() ? 0 : 1));
    }
  }
  return 0;
}

void StatisticsBuilder::Update(std::string_view min, std::string_view max) {
  if (!has_min_max_) {
    min_ = min;
    max_ = max;
    has_min_max_ = true;
    return;
  }
  if (Compare(min, min_) < 0) min_ = min;
  if (Compare(max, max_) > 0) max_ = max;
}

void StatisticsBuilder::Merge(const StatisticsBuilder& other) {
  null_count_ += other.null_count_;
  nan_count_ += other.nan_count_;
  if (other.has_min_max_) Update(other.min_, other.max_);
}

void StatisticsBuilder::Reset() {
  null_count_ = 0;
  nan_count_ = 0;
  has_min_max_ = false;
  min_.clear();
  max_.clear();
}

Statistics StatisticsBuilder::ToThrift(size_t truncate_length) const {
  Statistics s;
  s.null_count = null_count_;
  // Without a NaN count readers must assume NaNs may hide beyond the bounds.
  if (order_ == ValueOrder::kFloat || order_ == ValueOrder::kDouble) s.nan_count = nan_count_;
  if (!has_min_max_) return s;
  std::string min = min_;
  std::optional<std::string> max = max_;
  if (order_ == ValueOrder::kFloat || order_ == ValueOrder::kDouble) {
    // A zero bound must cover both zeros: -0.0 as a minimum, +0.0 as a maximum.
    if (order_ == ValueOrder::kFloat) {
      if (Load<float>(min) == 0.0f) min = std::string("\x00\x00\x00\x80", 4);
      if (Load<float>(*max) == 0.0f) max = std::string(4, '\0');
    } else {
      if (Load<double>(min) == 0.0) min = std::string("\x00\x00\x00\x00\x00\x00\x00\x80", 8);
      if (Load<double>(*max) == 0.0) max = std::string(8, '\0');
    }
  }
  if (order_ == ValueOrder::kUnsignedBytes) {
    min = TruncateLowerBound(min_, truncate_length, utf8_);
    max = TruncateUpperBound(max_, truncate_length, utf8_);
    s.is_min_value_exact = min.size() == min_.size();
    if (max) s.is_max_value_exact = max->size() == max_.size() && *max == max_;
  }
  s.min_value = std::move(min);
  s.max_value = std::move(max);
  return s;
}

}  // namespace tarn::parquet
