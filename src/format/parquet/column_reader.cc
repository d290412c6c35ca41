#include "format/parquet/column_reader.h"

#include <cstring>

namespace tarn::parquet {
namespace {

constexpr int64_t kMaxPageBytes = int64_t{1} << 30;
constexpr int64_t kJulianEpochDay = 2440588;  // 1970-01-01
constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000000;

Status Corrupt(const std::string& what) { return Status::Corruption(what); }

int64_t FloorDiv(int64_t v, int64_t d) { return v / d - ((v % d != 0) && ((v < 0) != (d < 0))); }

Result<Int128> BigEndianToInt128(std::string_view bytes) {
  if (bytes.size() > 16) return Corrupt("a decimal of " + std::to_string(bytes.size()) + " bytes");
  if (bytes.empty()) return Int128{0};
  unsigned __int128 value =
      static_cast<int8_t>(bytes[0]) < 0 ? ~static_cast<unsigned __int128>(0) : 0;
  for (char c : bytes) value = (value << 8) | static_cast<uint8_t>(c);
  return static_cast<Int128>(value);
}

}  // namespace

Status AppendPhysicalValue(const SchemaElement& element, const ReadLeaf& leaf,
                           const PhysicalValues& v, size_t i, Column* out) {
  switch (leaf.field.type.id) {
    case TypeId::kBoolean:
      out->AppendBool(v.bools[i] != 0);
      return Status::OK();
    case TypeId::kFloat:
      out->AppendFloat(v.f32[i]);
      return Status::OK();
    case TypeId::kDouble:
      out->AppendDouble(v.f64[i]);
      return Status::OK();
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kUuid:
    case TypeId::kFixed:
      out->AppendBytes(v.bytes[i]);
      return Status::OK();
    case TypeId::kInt:
    case TypeId::kDate:
      out->AppendInt32(v.i32[i]);
      return Status::OK();
    default:
      break;
  }
  switch (leaf.conversion) {
    case Conversion::kNone:
      out->AppendInt64(v.i64[i]);
      return Status::OK();
    case Conversion::kMillisToMicros: {
      int64_t millis = *element.type == PhysicalType::kInt32 ? v.i32[i] : v.i64[i];
      if (millis > INT64_MAX / 1000 || millis < INT64_MIN / 1000) {
        return Corrupt("milliseconds value " + std::to_string(millis) + " is out of range");
      }
      out->AppendInt64(millis * 1000);
      return Status::OK();
    }
    case Conversion::kNanosToMicros:
      out->AppendInt64(FloorDiv(v.i64[i], 1000));
      return Status::OK();
    case Conversion::kInt96ToMicros: {
      int64_t nanos;
      int32_t day;
      std::memcpy(&nanos, v.bytes[i].data(), 8);
      std::memcpy(&day, v.bytes[i].data() + 8, 4);
      out->AppendInt64((day - kJulianEpochDay) * kMicrosPerDay + FloorDiv(nanos, 1000));
      return Status::OK();
    }
    case Conversion::kUnsignedToLong:
      out->AppendInt64(static_cast<uint32_t>(v.i32[i]));
      return Status::OK();
    case Conversion::kUnsignedToDecimal:
      out->AppendDecimal(static_cast<Int128>(static_cast<uint64_t>(v.i64[i])));
      return Status::OK();
    case Conversion::kIntToDecimal:
      out->AppendDecimal(*element.type == PhysicalType::kInt32 ? Int128{v.i32[i]}
                                                               : Int128{v.i64[i]});
      return Status::OK();
    case Conversion::kBytesToDecimal: {
      TARN_ASSIGN_OR_RETURN(Int128 value, BigEndianToInt128(v.bytes[i]));
      out->AppendDecimal(value);
      return Status::OK();
    }
  }
  return Status::Internal("unhandled conversion");
}

Status ColumnChunkReader::ReadDictionary(const PageHeader& header, std::string_view page) {
  if (!header.dictionary_page_header) return Corrupt("dictionary page without its header");
  int32_t count = header.dictionary_page_header->num_values;
  if (count < 0 || count > kMaxPageValues) {
    return Corrupt("dictionary claims " + std::to_string(count) + " values");
  }
  TARN_ASSIGN_OR_RETURN(
      dictionary_buffer_,
      Decompress(codec_, page, static_cast<size_t>(header.uncompressed_page_size)));
  dictionary_.Clear();
  TARN_RETURN_IF_ERROR(DecodeValues(dictionary_buffer_, Encoding::kPlain, *element_.type,
                                    element_.type_length.value_or(0), static_cast<size_t>(count),
                                    &dictionary_));
  has_dictionary_ = true;
  return Status::OK();
}

Status ColumnChunkReader::AppendDecoded(const std::vector<uint32_t>& levels, size_t count,
                                        Encoding encoding, std::string_view values, Column* out) {
  size_t defined = levels.empty() ? count : 0;
  for (uint32_t level : levels) defined += level;
  page_values_.Clear();
  std::vector<uint32_t> indices;
  bool dictionary = encoding == Encoding::kRleDictionary || encoding == Encoding::kPlainDictionary;
  if (dictionary) {
    if (!has_dictionary_) return Corrupt("dictionary-encoded page but no dictionary page");
    TARN_RETURN_IF_ERROR(DecodeDictionaryIndices(values, defined, dictionary_.size(), &indices));
  } else {
    TARN_RETURN_IF_ERROR(DecodeValues(values, encoding, *element_.type,
                                      element_.type_length.value_or(0), defined, &page_values_));
  }
  const PhysicalValues& source = dictionary ? dictionary_ : page_values_;
  // The k-th defined value's index into `source`.
  auto at = [&](size_t k) { return dictionary ? static_cast<size_t>(indices[k]) : k; };
  // Places the defined values among the nulls; `put(k)` appends the k-th defined value.
  auto scatter = [&](auto put) {
    out->Reserve(out->size() + count);
    size_t next = 0;
    for (size_t i = 0; i < count; ++i) {
      if (!levels.empty() && levels[i] == 0) {
        out->AppendNull();
      } else {
        put(at(next++));
      }
    }
  };
  // Fast paths pick the type once per page; the rest go value by value through the general
  // conversion.
  switch (leaf_.conversion) {
    case Conversion::kNone:
      switch (StorageOf(leaf_.field.type.id)) {
        case StorageKind::kBool:
          scatter([&](size_t j) { out->AppendBool(source.bools[j] != 0); });
          return Status::OK();
        case StorageKind::kInt32:
          scatter([&](size_t j) { out->AppendInt32(source.i32[j]); });
          return Status::OK();
        case StorageKind::kInt64:
          scatter([&](size_t j) { out->AppendInt64(source.i64[j]); });
          return Status::OK();
        case StorageKind::kFloat:
          scatter([&](size_t j) { out->AppendFloat(source.f32[j]); });
          return Status::OK();
        case StorageKind::kDouble:
          scatter([&](size_t j) { out->AppendDouble(source.f64[j]); });
          return Status::OK();
        case StorageKind::kBytes:
          scatter([&](size_t j) { out->AppendBytes(source.bytes[j]); });
          return Status::OK();
        default:
          break;
      }
      break;
    case Conversion::kIntToDecimal:
      if (*element_.type == PhysicalType::kInt64) {
        scatter([&](size_t j) { out->AppendDecimal(source.i64[j]); });
      } else {
        scatter([&](size_t j) { out->AppendDecimal(source.i32[j]); });
      }
      return Status::OK();
    default:
      break;
  }
  size_t next = 0;
  for (size_t i = 0; i < count; ++i) {
    if (!levels.empty() && levels[i] == 0) {
      out->AppendNull();
      continue;
    }
    TARN_RETURN_IF_ERROR(Append(source, at(next++), out));
  }
  return Status::OK();
}

Status ColumnChunkReader::ReadDataPage(const PageHeader& header, std::string_view page,
                                       Column* out) {
  const bool optional = !leaf_.field.required;
  std::vector<uint32_t> levels;
  if (header.type == PageType::kDataPage) {
    if (!header.data_page_header) return Corrupt("data page without its header");
    const DataPageHeader& d = *header.data_page_header;
    if (d.num_values < 0 || d.num_values > kMaxPageValues) {
      return Corrupt("page claims " + std::to_string(d.num_values) + " values");
    }
    TARN_ASSIGN_OR_RETURN(
        page_buffer_, Decompress(codec_, page, static_cast<size_t>(header.uncompressed_page_size)));
    std::string_view body = page_buffer_;
    size_t count = static_cast<size_t>(d.num_values);
    if (optional) {
      if (d.definition_level_encoding != Encoding::kRle) {
        return Status::NotImplemented(
            "definition levels in encoding " +
            std::to_string(static_cast<int>(d.definition_level_encoding)));
      }
      if (body.size() < 4) return Corrupt("definition levels lack their length");
      uint32_t length;
      std::memcpy(&length, body.data(), 4);
      if (length > body.size() - 4) return Corrupt("definition levels run past the page");
      TARN_RETURN_IF_ERROR(DecodeRleBitPacked(body.substr(4, length), 1, count, &levels).status());
      body.remove_prefix(4 + length);
    }
    return AppendDecoded(levels, count, d.encoding, body, out);
  }
  if (!header.data_page_header_v2) return Corrupt("data page v2 without its header");
  const DataPageHeaderV2& d = *header.data_page_header_v2;
  if (d.num_values < 0 || d.num_values > kMaxPageValues) {
    return Corrupt("page claims " + std::to_string(d.num_values) + " values");
  }
  int64_t rep = d.repetition_levels_byte_length;
  int64_t def = d.definition_levels_byte_length;
  if (rep < 0 || def < 0 || rep + def > static_cast<int64_t>(page.size()) ||
      rep + def > header.uncompressed_page_size) {
    return Corrupt("level lengths " + std::to_string(rep) + " + " + std::to_string(def) +
                   " do not fit the page");
  }
  size_t count = static_cast<size_t>(d.num_values);
  if (optional) {
    TARN_RETURN_IF_ERROR(
        DecodeRleBitPacked(page.substr(static_cast<size_t>(rep), static_cast<size_t>(def)), 1,
                           count, &levels)
            .status());
  }
  std::string_view values = page.substr(static_cast<size_t>(rep + def));
  if (d.is_compressed) {
    TARN_ASSIGN_OR_RETURN(
        page_buffer_,
        Decompress(codec_, values, static_cast<size_t>(header.uncompressed_page_size - rep - def)));
    values = page_buffer_;
  }
  return AppendDecoded(levels, count, d.encoding, values, out);
}

Status ColumnChunkReader::Read(std::string_view chunk, int64_t num_values, Column* out) {
  size_t pos = 0;
  int64_t read = 0;
  out->Reserve(out->size() + static_cast<size_t>(std::min(num_values, kMaxPageValues)));
  while (read < num_values) {
    if (pos >= chunk.size()) {
      return Corrupt("the column chunk ends after " + std::to_string(read) + " of " +
                     std::to_string(num_values) + " values");
    }
    PageHeader header;
    Result<size_t> used = Deserialize(chunk.substr(pos), &header);
    if (!used.ok())
      return used.status().WithContext("page header at chunk byte " + std::to_string(pos));
    pos += *used;
    if (header.compressed_page_size < 0 ||
        static_cast<uint64_t>(header.compressed_page_size) > chunk.size() - pos) {
      return Corrupt("a page of " + std::to_string(header.compressed_page_size) +
                     " bytes runs past the end of the column chunk");
    }
    if (header.uncompressed_page_size < 0 || header.uncompressed_page_size > kMaxPageBytes) {
      return Corrupt("a page claims " + std::to_string(header.uncompressed_page_size) +
                     " uncompressed bytes");
    }
    std::string_view page = chunk.substr(pos, static_cast<size_t>(header.compressed_page_size));
    pos += static_cast<size_t>(header.compressed_page_size);
    size_t before = out->size();
    switch (header.type) {
      case PageType::kDictionaryPage:
        TARN_RETURN_IF_ERROR(ReadDictionary(header, page));
        break;
      case PageType::kDataPage:
      case PageType::kDataPageV2:
        TARN_RETURN_IF_ERROR(ReadDataPage(header, page, out));
        break;
      default:
        break;  // index pages and anything newer carry no values
    }
    read += static_cast<int64_t>(out->size() - before);
    if (read > num_values) {
      return Corrupt("the pages hold more values (" + std::to_string(read) + ") than the chunk's " +
                     std::to_string(num_values));
    }
  }
  return Status::OK();
}

}  // namespace tarn::parquet
