#include "iceberg/partition.h"

#include <cstring>
#include <set>

#include "columnar/value_text.h"
#include "iceberg/values.h"

namespace tarn::iceberg {
namespace {

constexpr int64_t kMicrosPerHour = int64_t{3600} * 1000000;
constexpr int64_t kMicrosPerDay = kMicrosPerHour * 24;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

bool IsTemporal(TypeId id) {
  return id == TypeId::kDate || id == TypeId::kTimestamp || id == TypeId::kTimestampTz;
}

// Days since 1970-01-01 of row `row` of a date or timestamp column.
int64_t DaysOf(const Column& c, size_t row) {
  if (c.type().id == TypeId::kDate) return c.GetInt32(row);
  return FloorDiv(c.GetInt64(row), kMicrosPerDay);
}

std::string LongBytes(int64_t v) {
  std::string out(8, '\0');
  std::memcpy(out.data(), &v, 8);
  return out;
}

// A one-row column of a temporal `type` at day `days` (plus `micros` for timestamps).
Column TemporalValue(const DataType& type, int64_t days, int64_t micros = 0) {
  Column c(type);
  if (type.id == TypeId::kDate) {
    c.AppendInt32(static_cast<int32_t>(days));
  } else {
    c.AppendInt64(days * kMicrosPerDay + micros);
  }
  return c;
}

}  // namespace

int32_t Murmur3Hash32(std::string_view data) {
  const uint32_t c1 = 0xcc9e2d51, c2 = 0x1b873593;
  uint32_t h = 0;
  const size_t blocks = data.size() / 4;
  for (size_t i = 0; i < blocks; ++i) {
    uint32_t k;
    std::memcpy(&k, data.data() + i * 4, 4);
    k *= c1;
    k = (k << 15) | (k >> 17);
    k *= c2;
    h ^= k;
    h = (h << 13) | (h >> 19);
    h = h * 5 + 0xe6546b64;
  }
  uint32_t k = 0;
  const auto* tail = reinterpret_cast<const uint8_t*>(data.data() + blocks * 4);
  switch (data.size() & 3) {
    case 3:
      k ^= static_cast<uint32_t>(tail[2]) << 16;
      [[fallthrough]];
    case 2:
      k ^= static_cast<uint32_t>(tail[1]) << 8;
      [[fallthrough]];
    case 1:
      k ^= tail[0];
      k *= c1;
      k = (k << 15) | (k >> 17);
      k *= c2;
      h ^= k;
  }
  h ^= static_cast<uint32_t>(data.size());
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  h ^= h >> 16;
  return static_cast<int32_t>(h);
}

Result<Transform> Transform::Parse(std::string_view text) {
  Transform t;
  auto with_param = [&](std::string_view prefix, Kind kind) -> bool {
    if (!text.starts_with(prefix) || !text.ends_with("]")) return false;
    std::string_view digits = text.substr(prefix.size(), text.size() - prefix.size() - 1);
    if (digits.empty() || digits.size() > 9) return false;
    int32_t v = 0;
    for (char c : digits) {
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    if (v <= 0) return false;
    t.kind = kind;
    t.param = v;
    return true;
  };
  if (text == "identity") return Transform{kIdentity, 0};
  if (text == "year") return Transform{kYear, 0};
  if (text == "month") return Transform{kMonth, 0};
  if (text == "day") return Transform{kDay, 0};
  if (text == "hour") return Transform{kHour, 0};
  if (text == "void") return Transform{kVoid, 0};
  if (with_param("bucket[", kBucket) || with_param("truncate[", kTruncate)) return t;
  return Status::InvalidArgument("'" + std::string(text) +
                                 "' is not a partition transform (identity, year, month, day, "
                                 "hour, bucket[N], truncate[W], void)");
}

std::string Transform::ToString() const {
  switch (kind) {
    case kIdentity:
      return "identity";
    case kYear:
      return "year";
    case kMonth:
      return "month";
    case kDay:
      return "day";
    case kHour:
      return "hour";
    case kBucket:
      return "bucket[" + std::to_string(param) + "]";
    case kTruncate:
      return "truncate[" + std::to_string(param) + "]";
    case kVoid:
      return "void";
  }
  return "void";
}

Result<DataType> Transform::ResultType(const DataType& source) const {
  auto refuse = [&]() -> Status {
    return Status::InvalidArgument("partition transform " + ToString() + " does not apply to " +
                                   source.ToString());
  };
  switch (kind) {
    case kIdentity:
    case kVoid:
      return source;
    case kYear:
    case kMonth:
    case kDay:
      if (!IsTemporal(source.id)) return refuse();
      return kind == kDay ? DataType{TypeId::kDate} : DataType{TypeId::kInt};
    case kHour:
      if (source.id != TypeId::kTimestamp && source.id != TypeId::kTimestampTz) return refuse();
      return DataType{TypeId::kInt};
    case kBucket:
      if (source.id == TypeId::kFloat || source.id == TypeId::kDouble ||
          source.id == TypeId::kBoolean) {
        return refuse();
      }
      return DataType{TypeId::kInt};
    case kTruncate:
      if (source.id != TypeId::kInt && source.id != TypeId::kLong &&
          source.id != TypeId::kDecimal && source.id != TypeId::kString &&
          source.id != TypeId::kBinary) {
        return refuse();
      }
      return source;
  }
  return refuse();
}

std::optional<Column> Transform::Apply(const Column& column, size_t row) const {
  if (kind == kVoid || !column.IsValid(row)) return std::nullopt;
  Result<DataType> type = ResultType(column.type());
  if (!type.ok()) return std::nullopt;
  Column out(*type);
  AppendTo(column, row, &out);
  return out;
}

void Transform::AppendTo(const Column& column, size_t row, Column* out) const {
  if (kind == kVoid || !column.IsValid(row)) {
    out->AppendNull();
    return;
  }
  const DataType& type = column.type();
  switch (kind) {
    case kIdentity:
      out->AppendFrom(column, row);
      return;
    case kYear:
    case kMonth:
    case kDay: {
      const int64_t days = DaysOf(column, row);
      if (kind == kDay) {
        out->AppendInt32(static_cast<int32_t>(days));
        return;
      }
      int64_t year;
      int month, day;
      CivilFromDays(days, &year, &month, &day);
      out->AppendInt32(
          static_cast<int32_t>(kind == kYear ? year - 1970 : (year - 1970) * 12 + (month - 1)));
      return;
    }
    case kHour:
      out->AppendInt32(static_cast<int32_t>(FloorDiv(column.GetInt64(row), kMicrosPerHour)));
      return;
    case kBucket: {
      std::string bytes;
      switch (type.id) {
        case TypeId::kInt:
        case TypeId::kDate:
          bytes = LongBytes(column.GetInt32(row));
          break;
        case TypeId::kLong:
        case TypeId::kTime:
        case TypeId::kTimestamp:
        case TypeId::kTimestampTz:
          bytes = LongBytes(column.GetInt64(row));
          break;
        default:
          bytes = SerializeValue(column, row);  // strings, binary, uuid, fixed, decimal
      }
      out->AppendInt32((Murmur3Hash32(bytes) & INT32_MAX) % param);
      return;
    }
    case kTruncate:
      switch (type.id) {
        case TypeId::kInt: {
          int64_t v = column.GetInt32(row);
          out->AppendInt32(static_cast<int32_t>(v - FloorMod(v, param)));
          return;
        }
        case TypeId::kLong: {
          int64_t v = column.GetInt64(row);
          out->AppendInt64(v - FloorMod(v, param));
          return;
        }
        case TypeId::kDecimal: {
          Int128 v = column.GetDecimal(row);
          Int128 m = v % param;
          if (m < 0) m += param;
          out->AppendDecimal(v - m);
          return;
        }
        case TypeId::kString:
          out->AppendBytes(
              TruncateLowerBound(type, column.GetBytes(row), static_cast<size_t>(param)));
          return;
        default:
          out->AppendBytes(column.GetBytes(row).substr(0, static_cast<size_t>(param)));
          return;
      }
    case kVoid:
      break;
  }
  out->AppendNull();
}

std::optional<std::pair<Column, Column>> Transform::SourceRange(const DataType& source,
                                                                const Column& value) const {
  if (value.size() != 1 || !value.IsValid(0)) return std::nullopt;
  const int64_t last_micro = kMicrosPerDay - 1;
  switch (kind) {
    case kDay: {
      int64_t day = value.GetInt32(0);
      return std::make_pair(TemporalValue(source, day), TemporalValue(source, day, last_micro));
    }
    case kYear:
    case kMonth: {
      int64_t n = value.GetInt32(0);
      int64_t year = kind == kYear ? 1970 + n : 1970 + FloorDiv(n, 12);
      int month = kind == kYear ? 1 : static_cast<int>(FloorMod(n, 12)) + 1;
      int64_t first = DaysFromCivil(year, month, 1);
      int64_t next = kind == kYear ? DaysFromCivil(year + 1, 1, 1)
                                   : (month == 12 ? DaysFromCivil(year + 1, 1, 1)
                                                  : DaysFromCivil(year, month + 1, 1));
      return std::make_pair(TemporalValue(source, first),
                            TemporalValue(source, next - 1, last_micro));
    }
    case kHour: {
      int64_t hour = value.GetInt32(0);
      Column lo(source), hi(source);
      lo.AppendInt64(hour * kMicrosPerHour);
      hi.AppendInt64(hour * kMicrosPerHour + kMicrosPerHour - 1);
      return std::make_pair(std::move(lo), std::move(hi));
    }
    default:
      return std::nullopt;
  }
}

Result<std::vector<DataType>> PartitionTypes(const PartitionSpec& spec, const Schema& schema) {
  std::vector<DataType> types;
  std::set<std::string> names;
  for (const PartitionField& f : spec.fields) {
    const Field* source = nullptr;
    for (const Field& field : schema.fields()) {
      if (field.id == f.source_id) source = &field;
    }
    if (source == nullptr) {
      return Status::InvalidArgument("partition field '" + f.name + "' reads column id " +
                                     std::to_string(f.source_id) + ", which the schema lacks");
    }
    if (!names.insert(f.name).second) {
      return Status::InvalidArgument("partition field name '" + f.name + "' is used twice");
    }
    TARN_ASSIGN_OR_RETURN(Transform t, Transform::Parse(f.transform));
    Result<DataType> type = t.ResultType(source->type);
    if (!type.ok()) return type.status().WithContext("column '" + source->name + "'");
    types.push_back(*type);
  }
  return types;
}

Result<PartitionSpec> ParsePartitionSpec(std::string_view text, const Schema& schema,
                                         int32_t first_field_id) {
  PartitionSpec spec;
  auto trim = [](std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
  };
  // Split on commas outside parentheses.
  std::vector<std::string_view> parts;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || (text[i] == ',' && depth == 0)) {
      if (!trim(text.substr(start, i - start)).empty()) {
        parts.push_back(trim(text.substr(start, i - start)));
      }
      start = i + 1;
    } else if (text[i] == '(') {
      ++depth;
    } else if (text[i] == ')') {
      --depth;
    }
  }
  for (std::string_view part : parts) {
    auto bad = [&]() -> Status {
      return Status::InvalidArgument("partition field '" + std::string(part) +
                                     "' is not column, day(column), bucket(N, column), ...");
    };
    std::string transform = "identity";
    std::string column(part);
    size_t open = part.find('(');
    if (open != std::string_view::npos) {
      if (!part.ends_with(")")) return bad();
      std::string name(trim(part.substr(0, open)));
      std::string_view inside = trim(part.substr(open + 1, part.size() - open - 2));
      size_t comma = inside.find(',');
      if (comma != std::string_view::npos) {  // bucket(16, id), truncate(4, name)
        transform = name + "[" + std::string(trim(inside.substr(0, comma))) + "]";
        column = std::string(trim(inside.substr(comma + 1)));
      } else {  // day(ts), or bucket[16](id)
        transform = name;
        column = std::string(inside);
      }
    }
    int index = schema.FindField(column);
    if (index < 0) {
      return Status::InvalidArgument("partition field '" + std::string(part) + "': no column '" +
                                     column + "'");
    }
    TARN_ASSIGN_OR_RETURN(Transform t, Transform::Parse(transform));
    std::string name = column;
    switch (t.kind) {
      case Transform::kIdentity:
        break;
      case Transform::kBucket:
        name += "_bucket_" + std::to_string(t.param);
        break;
      case Transform::kTruncate:
        name += "_trunc_" + std::to_string(t.param);
        break;
      default:
        name += "_" + t.ToString();
    }
    spec.fields.push_back({schema.field(static_cast<size_t>(index)).id,
                           first_field_id + static_cast<int32_t>(spec.fields.size()), name,
                           t.ToString()});
  }
  TARN_RETURN_IF_ERROR(PartitionTypes(spec, schema).status());
  return spec;
}

}  // namespace tarn::iceberg
