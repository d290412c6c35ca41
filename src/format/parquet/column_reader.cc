#include "format/parquet/column_reader.h"

#include <algorithm>
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

void ColumnChunkReader::Reset(std::string chunk, int64_t num_values, CompressionCodec codec) {
  chunk_ = std::move(chunk);
  pos_ = 0;
  remaining_ = std::max<int64_t>(num_values, 0);
  codec_ = codec;
  has_dictionary_ = false;
  page_rows_ = 0;
  page_row_ = 0;
  next_value_ = 0;
}

Status ColumnChunkReader::ReadDictionary(const PageHeader& header, std::string_view page) {
  if (!header.dictionary_page_header) return Corrupt("dictionary page without its header");
  int32_t count = header.dictionary_page_header->num_values;
  if (count < 0 || count > kMaxPageValues) {
    return Corrupt("dictionary claims " + std::to_string(count) + " values");
  }
  TARN_RETURN_IF_ERROR(DecompressInto(
      codec_, page, static_cast<size_t>(header.uncompressed_page_size), &dictionary_buffer_));
  dictionary_.Clear();
  TARN_RETURN_IF_ERROR(DecodeValues(dictionary_buffer_, Encoding::kPlain, *element_.type,
                                    element_.type_length.value_or(0), static_cast<size_t>(count),
                                    &dictionary_));
  has_dictionary_ = true;
  return Status::OK();
}

Status ColumnChunkReader::DecodePage(size_t count, Encoding encoding, std::string_view values) {
  if (static_cast<int64_t>(count) > remaining_) {
    return Corrupt("the pages hold more values than the chunk's " + std::to_string(remaining_) +
                   " remaining");
  }
  size_t defined = levels_.empty() ? count : 0;
  for (uint32_t level : levels_) defined += level;
  page_values_.Clear();
  indices_.clear();
  dictionary_page_ = encoding == Encoding::kRleDictionary || encoding == Encoding::kPlainDictionary;
  if (dictionary_page_) {
    if (!has_dictionary_) return Corrupt("dictionary-encoded page but no dictionary page");
    TARN_RETURN_IF_ERROR(DecodeDictionaryIndices(values, defined, dictionary_.size(), &indices_));
  } else {
    TARN_RETURN_IF_ERROR(DecodeValues(values, encoding, *element_.type,
                                      element_.type_length.value_or(0), defined, &page_values_));
  }
  page_rows_ = count;
  page_row_ = 0;
  next_value_ = 0;
  return Status::OK();
}

Status ColumnChunkReader::ReadDataPage(const PageHeader& header, std::string_view page) {
  const bool optional = !leaf_.field.required;
  levels_.clear();
  if (header.type == PageType::kDataPage) {
    if (!header.data_page_header) return Corrupt("data page without its header");
    const DataPageHeader& d = *header.data_page_header;
    if (d.num_values < 0 || d.num_values > kMaxPageValues) {
      return Corrupt("page claims " + std::to_string(d.num_values) + " values");
    }
    std::string_view body = page;
    if (codec_ != CompressionCodec::kNone) {
      TARN_RETURN_IF_ERROR(DecompressInto(
          codec_, page, static_cast<size_t>(header.uncompressed_page_size), &page_buffer_));
      body = page_buffer_;
    } else if (page.size() != static_cast<size_t>(header.uncompressed_page_size)) {
      return Corrupt("an uncompressed page of " + std::to_string(page.size()) + " bytes claims " +
                     std::to_string(header.uncompressed_page_size));
    }
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
      TARN_RETURN_IF_ERROR(DecodeRleBitPacked(body.substr(4, length), 1, count, &levels_).status());
      body.remove_prefix(4 + length);
    }
    return DecodePage(count, d.encoding, body);
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
                           count, &levels_)
            .status());
  }
  std::string_view values = page.substr(static_cast<size_t>(rep + def));
  if (d.is_compressed) {
    TARN_RETURN_IF_ERROR(DecompressInto(
        codec_, values, static_cast<size_t>(header.uncompressed_page_size - rep - def),
        &page_buffer_));
    values = page_buffer_;
  }
  return DecodePage(count, d.encoding, values);
}

Status ColumnChunkReader::NextPage() {
  std::string_view chunk = chunk_;
  while (page_row_ == page_rows_) {
    if (pos_ >= chunk.size()) {
      return Corrupt("the column chunk ends with " + std::to_string(remaining_) +
                     " values still to read");
    }
    PageHeader header;
    Result<size_t> used = Deserialize(chunk.substr(pos_), &header);
    if (!used.ok())
      return used.status().WithContext("page header at chunk byte " + std::to_string(pos_));
    pos_ += *used;
    if (header.compressed_page_size < 0 ||
        static_cast<uint64_t>(header.compressed_page_size) > chunk.size() - pos_) {
      return Corrupt("a page of " + std::to_string(header.compressed_page_size) +
                     " bytes runs past the end of the column chunk");
    }
    if (header.uncompressed_page_size < 0 || header.uncompressed_page_size > kMaxPageBytes) {
      return Corrupt("a page claims " + std::to_string(header.uncompressed_page_size) +
                     " uncompressed bytes");
    }
    std::string_view page = chunk.substr(pos_, static_cast<size_t>(header.compressed_page_size));
    pos_ += static_cast<size_t>(header.compressed_page_size);
    switch (header.type) {
      case PageType::kDictionaryPage:
        TARN_RETURN_IF_ERROR(ReadDictionary(header, page));
        break;
      case PageType::kDataPage:
      case PageType::kDataPageV2:
        TARN_RETURN_IF_ERROR(ReadDataPage(header, page));
        break;
      default:
        break;  // index pages and anything newer carry no values
    }
  }
  return Status::OK();
}

namespace {

// Appends `count` rows of a fixed-width column: row i is null where `levels[i]` is 0 (`levels`
// is null for a required column), else the next defined value, `get(k)`, k = 0, 1, ...
template <typename T, typename Get>
void ScatterFixed(const uint32_t* levels, size_t count, Get get, Column* out) {
  size_t base = out->size();
  T* slots = out->AppendSlots<T>(count);
  if (levels == nullptr) {
    for (size_t i = 0; i < count; ++i) slots[i] = get(i);
    return;
  }
  size_t next = 0;
  for (size_t i = 0; i < count; ++i) {
    if (levels[i] != 0) {
      slots[i] = get(next++);
    } else {
      slots[i] = T{};
      out->MarkNull(base + i);
    }
  }
}

}  // namespace

size_t ColumnChunkReader::Emit(size_t rows, Column* out) {
  rows = std::min(rows, page_rows_ - page_row_);
  const uint32_t* levels = levels_.empty() ? nullptr : levels_.data() + page_row_;
  size_t defined = rows;
  if (levels != nullptr) defined = static_cast<size_t>(std::count(levels, levels + rows, 1u));
  const PhysicalValues& source = dictionary_page_ ? dictionary_ : page_values_;
  const size_t first = next_value_;
  const uint32_t* indices = indices_.data() + (dictionary_page_ ? first : 0);
  // Marks the run consumed.
  auto done = [&] {
    page_row_ += rows;
    next_value_ += defined;
    remaining_ -= static_cast<int64_t>(rows);
    return rows;
  };
  // The k-th defined value of this run is source[index(k)].
  auto index = [&](size_t k) -> size_t { return dictionary_page_ ? indices[k] : first + k; };
  auto fixed = [&]<typename T>(const auto& from) {
    if (dictionary_page_) {
      ScatterFixed<T>(
          levels, rows, [&](size_t k) { return from[indices[k]]; }, out);
    } else {
      const auto* base = from.data() + first;
      ScatterFixed<T>(
          levels, rows, [&](size_t k) { return base[k]; }, out);
    }
    return done();
  };
  // Fast paths pick the type and the value source once per run; the rest go value by value
  // through the general conversion.
  switch (leaf_.conversion) {
    case Conversion::kNone:
      switch (StorageOf(leaf_.field.type.id)) {
        case StorageKind::kBool:
          return fixed.template operator()<uint8_t>(source.bools);
        case StorageKind::kInt32:
          return fixed.template operator()<int32_t>(source.i32);
        case StorageKind::kInt64:
          return fixed.template operator()<int64_t>(source.i64);
        case StorageKind::kFloat:
          return fixed.template operator()<float>(source.f32);
        case StorageKind::kDouble:
          return fixed.template operator()<double>(source.f64);
        case StorageKind::kBytes:
          out->AppendBytesRun(levels, rows, [&](size_t k) { return source.bytes[index(k)]; });
          return done();
        default:
          break;
      }
      break;
    case Conversion::kIntToDecimal:
      if (*element_.type == PhysicalType::kInt64) {
        return fixed.template operator()<Int128>(source.i64);
      }
      return fixed.template operator()<Int128>(source.i32);
    default:
      break;
  }
  return 0;  // the caller takes the general path; nothing is consumed
}

Status ColumnChunkReader::Read(size_t rows, Column* out) {
  if (static_cast<int64_t>(rows) > remaining_) {
    return Status::InvalidArgument("asked for " + std::to_string(rows) + " values, " +
                                   std::to_string(remaining_) + " remain");
  }
  out->Reserve(out->size() + rows);
  while (rows > 0) {
    TARN_RETURN_IF_ERROR(NextPage());
    size_t done = Emit(rows, out);
    if (done == 0) {  // a conversion without a fast path: value by value
      const PhysicalValues& source = dictionary_page_ ? dictionary_ : page_values_;
      done = std::min(rows, page_rows_ - page_row_);
      for (size_t i = 0; i < done; ++i, ++page_row_) {
        if (!levels_.empty() && levels_[page_row_] == 0) {
          out->AppendNull();
          continue;
        }
        size_t k = next_value_++;
        TARN_RETURN_IF_ERROR(Append(source, dictionary_page_ ? indices_[k] : k, out));
      }
      remaining_ -= static_cast<int64_t>(done);
    }
    rows -= done;
  }
  return Status::OK();
}

}  // namespace tarn::parquet
