#include "format/parquet/column_writer.h"

#include <cmath>
#include <cstring>

#include "format/parquet/encoders.h"
#include "format/parquet/schema_mapping.h"

namespace tarn::parquet {
namespace {

template <typename T>
void PutLE(T value, std::string* out) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));  // the machine is little-endian, as Parquet is
  out->append(bytes, sizeof(T));
}

template <typename T>
std::string LE(T value) {
  std::string out;
  PutLE(value, &out);
  return out;
}

std::string BigEndian(Int128 value, int length) {
  std::string out(static_cast<size_t>(length), '\0');
  for (int i = 0; i < length; ++i) {
    out[static_cast<size_t>(length - 1 - i)] = static_cast<char>((value >> (8 * i)) & 0xFF);
  }
  return out;
}

ValueOrder OrderOf(const SchemaElement& leaf) {
  switch (*leaf.type) {
    case PhysicalType::kBoolean:
      return ValueOrder::kBoolean;
    case PhysicalType::kInt32:
      return ValueOrder::kInt32;
    case PhysicalType::kInt64:
      return ValueOrder::kInt64;
    case PhysicalType::kFloat:
      return ValueOrder::kFloat;
    case PhysicalType::kDouble:
      return ValueOrder::kDouble;
    default:
      return leaf.logical_type.kind == LogicalKind::kDecimal ? ValueOrder::kSignedBigEndian
                                                             : ValueOrder::kUnsignedBytes;
  }
}

Codec ThriftCodec(CompressionCodec codec) {
  switch (codec) {
    case CompressionCodec::kNone:
      return Codec::kUncompressed;
    case CompressionCodec::kSnappy:
      return Codec::kSnappy;
    case CompressionCodec::kGzip:
      return Codec::kGzip;
    case CompressionCodec::kZstd:
      return Codec::kZstd;
    case CompressionCodec::kLz4Raw:
      return Codec::kLz4Raw;  // read-only codecs: Compress refuses
    case CompressionCodec::kBrotli:
      return Codec::kBrotli;
  }
  return Codec::kUncompressed;
}

}  // namespace

ColumnChunkWriter::ColumnChunkWriter(const Field& field, const ParquetWriterOptions& options)
    : field_(field),
      leaf_(LeafFor(field)),
      options_(options),
      kind_(StorageOf(field.type.id)),
      chunk_stats_(OrderOf(leaf_), field.type.id == TypeId::kString),
      file_stats_(OrderOf(leaf_), field.type.id == TypeId::kString) {
  if (field.type.id == TypeId::kDecimal) {
    decimal_limit_ = 1;
    for (int i = 0; i < field.type.precision; ++i) decimal_limit_ *= 10;
  }
  switch (*leaf_.type) {
    case PhysicalType::kInt32:
    case PhysicalType::kFloat:
      dictionary_.set_width(4);
      break;
    case PhysicalType::kInt64:
    case PhysicalType::kDouble:
      dictionary_.set_width(8);
      break;
    case PhysicalType::kFixedLenByteArray:
      dictionary_.set_width(static_cast<size_t>(leaf_.type_length.value_or(0)));
      break;
    default:
      break;  // byte arrays: a length and the bytes
  }
  ResetDictionary();
}

namespace {

// A fast hash of short byte strings (PLAIN values are mostly 4 to 20 bytes): 8 bytes at a time,
// multiplied and folded. Not for untrusted keys that could be chosen to collide: the table
// only slows down, it never breaks.
uint64_t HashBytes(std::string_view s) {
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ULL;
  uint64_t h = s.size() * kMul;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t word;
    std::memcpy(&word, s.data() + i, 8);
    h = (h ^ word) * kMul;
    h ^= h >> 29;
  }
  if (i < s.size()) {
    uint64_t word = 0;
    std::memcpy(&word, s.data() + i, s.size() - i);
    h = (h ^ word) * kMul;
  }
  h ^= h >> 32;
  return h * kMul;
}

}  // namespace

uint32_t PlainDictionary::Insert(std::string_view plain) {
  if ((count_ + 1) * 2 > slots_.size()) Grow();
  const uint64_t tag = HashBytes(plain) >> 32;  // the slot's hash bits; the position's too
  const size_t mask = slots_.size() - 1;
  for (size_t i = tag & mask;; i = (i + 1) & mask) {
    const uint64_t slot = slots_[i];
    if (slot == 0) {
      const auto index = static_cast<uint32_t>(count_++);
      slots_[i] = (tag << 32) | (index + 1);
      if (width_ == 0) starts_.push_back(page_.size());
      page_.append(plain);
      return index;
    }
    const auto index = static_cast<uint32_t>(slot) - 1;
    if ((slot >> 32) == tag && at(index) == plain) return index;
  }
}

void PlainDictionary::Grow() {
  std::vector<uint64_t> old = std::move(slots_);
  slots_.assign(std::max<size_t>(1024, old.size() * 2), 0);
  const size_t mask = slots_.size() - 1;
  for (uint64_t slot : old) {
    if (slot == 0) continue;
    size_t i = (slot >> 32) & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = slot;
  }
}

void PlainDictionary::Clear() {
  count_ = 0;
  page_.clear();
  starts_.clear();
  std::fill(slots_.begin(), slots_.end(), 0);
}

void ColumnChunkWriter::ResetDictionary() {
  dictionary_values_ = 0;
  dictionary_input_bytes_ = 0;
  dictionary_active_ = options_.dictionary && kind_ != StorageKind::kBool;
  dictionary_.Clear();
}

bool ColumnChunkWriter::DictionaryPaysOff(int64_t values) const {
  // Dictionary encoding costs the dictionary page plus one index of bit_width bits per value;
  // PLAIN costs the values themselves. Keep the dictionary while it saves a quarter or more.
  int bit_width = 1;
  while (bit_width < 32 && (uint64_t{1} << bit_width) < dictionary_.size()) ++bit_width;
  int64_t encoded = static_cast<int64_t>(dictionary_.page().size()) + values * bit_width / 8;
  return encoded * 4 <= dictionary_input_bytes_ * 3;
}

void ColumnChunkWriter::RevertToPlain() {
  // The page so far holds indices only; put the values back in their PLAIN form.
  for (uint32_t index : indices_) values_.append(dictionary_.at(index));
  indices_.clear();
  dictionary_.Clear();
  dictionary_active_ = false;
}

Status ColumnChunkWriter::AddToDictionary(size_t start) {
  std::string_view plain = std::string_view(values_).substr(start);
  uint32_t index = dictionary_.Insert(plain);
  indices_.push_back(index);
  dictionary_input_bytes_ += static_cast<int64_t>(plain.size());
  values_.resize(start);
  // Decide early, too: after a sample of values, a column whose dictionary does not pay off
  // goes PLAIN at once (so that unique keys and timestamps are not hashed for long).
  int64_t seen = dictionary_values_ + static_cast<int64_t>(indices_.size());
  const bool early = seen == kDictionaryEarlyProbe && *leaf_.type != PhysicalType::kByteArray &&
                     dictionary_.size() == static_cast<size_t>(seen);
  if (dictionary_values_ == 0 &&
      (early || (seen == kDictionaryProbe && !DictionaryPaysOff(seen)))) {
    RevertToPlain();
    return Status::OK();
  }
  if (dictionary_.page().size() > options_.dictionary_size_limit) {
    // Too many distinct values: this page stays dictionary-encoded, the rest of the chunk PLAIN.
    TARN_RETURN_IF_ERROR(FinishPage());
    dictionary_active_ = false;
  }
  return Status::OK();
}

Status ColumnChunkWriter::BadValue(int64_t row, const std::string& why) const {
  return Status::InvalidArgument("column '" + field_.name + "' row " + std::to_string(row) + ": " +
                                 why);
}

Status ColumnChunkWriter::Append(const Column& column, size_t begin, size_t end,
                                 int64_t first_row) {
  const bool optional = !field_.required;
  for (size_t row = begin; row < end; ++row) {
    ++page_values_;
    if (!column.IsValid(row)) {
      if (!optional) return BadValue(first_row + int64_t(row - begin), "null in a required column");
      levels_.push_back(0);
      chunk_stats_.AddNulls(1);
      continue;
    }
    if (optional) levels_.push_back(1);
    const size_t value_start = values_.size();
    bool first = !have_extremes_;
    have_extremes_ = true;
    switch (kind_) {
      case StorageKind::kBool: {
        bool v = column.GetBool(row);
        bools_.push_back(v ? 1 : 0);
        if (first || v < imin_) imin_ = v;
        if (first || v > imax_) imax_ = v;
        break;
      }
      case StorageKind::kInt32: {
        int32_t v = column.GetInt32(row);
        PutLE(v, &values_);
        if (first || v < imin_) imin_ = v;
        if (first || v > imax_) imax_ = v;
        break;
      }
      case StorageKind::kInt64: {
        int64_t v = column.GetInt64(row);
        PutLE(v, &values_);
        if (first || v < imin_) imin_ = v;
        if (first || v > imax_) imax_ = v;
        break;
      }
      case StorageKind::kFloat:
      case StorageKind::kDouble: {
        double v = kind_ == StorageKind::kFloat ? column.GetFloat(row) : column.GetDouble(row);
        if (kind_ == StorageKind::kFloat) {
          PutLE(column.GetFloat(row), &values_);
        } else {
          PutLE(v, &values_);
        }
        if (std::isnan(v)) {
          chunk_stats_.AddNans(1);
          have_extremes_ = !first;
          break;
        }
        if (first || v < dmin_) dmin_ = v;
        if (first || v > dmax_) dmax_ = v;
        break;
      }
      case StorageKind::kInt128: {
        Int128 v = column.GetDecimal(row);
        if (v >= decimal_limit_ || v <= -decimal_limit_) {
          return BadValue(
              first_row + int64_t(row - begin),
              "unscaled value " + Int128ToString(v) + " does not fit " + field_.type.ToString());
        }
        if (*leaf_.type == PhysicalType::kInt32) {
          PutLE(static_cast<int32_t>(v), &values_);
        } else if (*leaf_.type == PhysicalType::kInt64) {
          PutLE(static_cast<int64_t>(v), &values_);
        } else {
          values_ += BigEndian(v, *leaf_.type_length);
        }
        if (first || v < qmin_) qmin_ = v;
        if (first || v > qmax_) qmax_ = v;
        break;
      }
      case StorageKind::kBytes: {
        std::string_view v = column.GetBytes(row);
        if (*leaf_.type == PhysicalType::kByteArray) {
          PutLE(static_cast<uint32_t>(v.size()), &values_);
        } else if (v.size() != static_cast<size_t>(*leaf_.type_length)) {
          return BadValue(first_row + int64_t(row - begin),
                          field_.type.ToString() + " value has " + std::to_string(v.size()) +
                              " bytes, expected " + std::to_string(*leaf_.type_length));
        }
        values_.append(v);
        if (first || v < std::string_view(smin_)) smin_ = v;
        if (first || v > std::string_view(smax_)) smax_ = v;
        break;
      }
    }
    if (dictionary_active_ && values_.size() > value_start) {
      TARN_RETURN_IF_ERROR(AddToDictionary(value_start));
    }
    if (values_.size() + bools_.size() / 8 + indices_.size() * 4 >= options_.page_size)
      TARN_RETURN_IF_ERROR(FinishPage());
  }
  return Status::OK();
}

void ColumnChunkWriter::FlushExtremes() {
  if (!have_extremes_) return;
  switch (kind_) {
    case StorageKind::kBool:
      chunk_stats_.Update(std::string(1, char(imin_)), std::string(1, char(imax_)));
      break;
    case StorageKind::kInt32:
      chunk_stats_.Update(LE(static_cast<int32_t>(imin_)), LE(static_cast<int32_t>(imax_)));
      break;
    case StorageKind::kInt64:
      chunk_stats_.Update(LE(imin_), LE(imax_));
      break;
    case StorageKind::kFloat:
      chunk_stats_.Update(LE(static_cast<float>(dmin_)), LE(static_cast<float>(dmax_)));
      break;
    case StorageKind::kDouble:
      chunk_stats_.Update(LE(dmin_), LE(dmax_));
      break;
    case StorageKind::kInt128:
      if (*leaf_.type == PhysicalType::kInt32) {
        chunk_stats_.Update(LE(static_cast<int32_t>(qmin_)), LE(static_cast<int32_t>(qmax_)));
      } else if (*leaf_.type == PhysicalType::kInt64) {
        chunk_stats_.Update(LE(static_cast<int64_t>(qmin_)), LE(static_cast<int64_t>(qmax_)));
      } else {
        chunk_stats_.Update(BigEndian(qmin_, *leaf_.type_length),
                            BigEndian(qmax_, *leaf_.type_length));
      }
      break;
    case StorageKind::kBytes:
      chunk_stats_.Update(smin_, smax_);
      break;
  }
  have_extremes_ = false;
}

bool ColumnChunkWriter::TryDeltaEncoding(std::string* page) {
  const PhysicalType type = *leaf_.type;
  if (!options_.delta_integers || chunk_delta_refused_ ||
      (type != PhysicalType::kInt32 && type != PhysicalType::kInt64)) {
    return false;
  }
  const bool int32 = type == PhysicalType::kInt32;
  const size_t width = int32 ? 4 : 8;
  std::vector<int64_t> values(values_.size() / width);
  for (size_t i = 0; i < values.size(); ++i) {
    if (int32) {
      int32_t v;
      std::memcpy(&v, values_.data() + i * width, 4);
      values[i] = v;
    } else {
      std::memcpy(&values[i], values_.data() + i * width, 8);
    }
  }
  std::string encoded;
  EncodeDeltaBinaryPacked(values, int32, &encoded);
  // Worth it only when neighbours are close (keys, timestamps): then the page is a fraction of
  // PLAIN and decodes faster than PLAIN decompresses. Otherwise give up for the chunk.
  if (encoded.size() * 2 > values_.size()) {
    chunk_delta_refused_ = true;
    return false;
  }
  chunk_delta_pages_ = true;
  page->append(encoded);
  return true;
}

Status ColumnChunkWriter::FinishPage() {
  if (page_values_ == 0) return Status::OK();
  FlushExtremes();
  std::string page;
  if (!field_.required) {
    std::string levels;
    EncodeRleBitPacked(levels_, 1, &levels);
    PutLE(static_cast<uint32_t>(levels.size()), &page);
    page += levels;
  }
  Encoding encoding = Encoding::kPlain;
  if (dictionary_active_) {
    // RLE_DICTIONARY: the index bit width, then the indices in the RLE / bit-packing hybrid.
    encoding = Encoding::kRleDictionary;
    int width = std::max(1, BitWidth(dictionary_.empty() ? 0 : dictionary_.size() - 1));
    page.push_back(static_cast<char>(width));
    EncodeRleBitPacked(indices_, width, &page);
    chunk_dictionary_pages_ = true;
    dictionary_values_ += static_cast<int64_t>(indices_.size());
  } else if (kind_ == StorageKind::kBool) {
    chunk_plain_pages_ = true;
    // PLAIN booleans: one bit each, least significant bit first.
    std::string bits((bools_.size() + 7) / 8, '\0');
    for (size_t i = 0; i < bools_.size(); ++i) {
      if (bools_[i]) bits[i / 8] = static_cast<char>(bits[i / 8] | (1 << (i % 8)));
    }
    page += bits;
  } else if (!TryDeltaEncoding(&page)) {
    chunk_plain_pages_ = true;
    page += values_;
  } else {
    encoding = Encoding::kDeltaBinaryPacked;
  }
  TARN_ASSIGN_OR_RETURN(std::string compressed,
                        Compress(options_.compression, page, options_.compression_level));
  if (page.size() > INT32_MAX || compressed.size() > INT32_MAX) {
    return Status::InvalidArgument("column '" + field_.name + "': a page exceeds 2 GiB");
  }
  PageHeader header;
  header.type = PageType::kDataPage;
  header.uncompressed_page_size = static_cast<int32_t>(page.size());
  header.compressed_page_size = static_cast<int32_t>(compressed.size());
  header.data_page_header = DataPageHeader{page_values_, encoding, Encoding::kRle, Encoding::kRle};
  std::string header_bytes;
  Serialize(header, &header_bytes);
  chunk_ += header_bytes;
  chunk_ += compressed;
  chunk_uncompressed_ += static_cast<int64_t>(header_bytes.size() + page.size());
  chunk_values_ += page_values_;
  page_values_ = 0;
  // After each dictionary page, check again that the dictionary still pays off.
  if (encoding == Encoding::kRleDictionary && !DictionaryPaysOff(dictionary_values_)) {
    dictionary_active_ = false;
  }
  levels_.clear();
  bools_.clear();
  values_.clear();
  indices_.clear();
  return Status::OK();
}

Status ColumnChunkWriter::Finish(int64_t file_offset, std::string* bytes, ColumnChunk* meta) {
  TARN_RETURN_IF_ERROR(FinishPage());
  // The dictionary page goes first, ahead of the data pages that refer to it.
  std::string dictionary_page;
  if (chunk_dictionary_pages_) {
    TARN_ASSIGN_OR_RETURN(std::string compressed, Compress(options_.compression, dictionary_.page(),
                                                           options_.compression_level));
    PageHeader header;
    header.type = PageType::kDictionaryPage;
    header.uncompressed_page_size = static_cast<int32_t>(dictionary_.page().size());
    header.compressed_page_size = static_cast<int32_t>(compressed.size());
    header.dictionary_page_header =
        DictionaryPageHeader{static_cast<int32_t>(dictionary_.size()), Encoding::kPlain};
    Serialize(header, &dictionary_page);
    chunk_uncompressed_ += static_cast<int64_t>(dictionary_page.size() + dictionary_.page().size());
    dictionary_page += compressed;
  }
  ColumnMetaData& m = meta->meta_data;
  m.type = *leaf_.type;
  m.encodings.clear();
  if (chunk_plain_pages_ || chunk_dictionary_pages_) m.encodings.push_back(Encoding::kPlain);
  if (!field_.required) m.encodings.push_back(Encoding::kRle);
  if (chunk_dictionary_pages_) m.encodings.push_back(Encoding::kRleDictionary);
  if (chunk_delta_pages_) m.encodings.push_back(Encoding::kDeltaBinaryPacked);
  m.path_in_schema = {field_.name};
  m.codec = ThriftCodec(options_.compression);
  m.num_values = chunk_values_;
  m.total_uncompressed_size = chunk_uncompressed_;
  m.total_compressed_size = static_cast<int64_t>(dictionary_page.size() + chunk_.size());
  if (chunk_dictionary_pages_) m.dictionary_page_offset = file_offset;
  m.data_page_offset = file_offset + static_cast<int64_t>(dictionary_page.size());
  m.statistics = chunk_stats_.ToThrift(options_.statistics_truncate_length);
  meta->file_offset = file_offset;

  file_stats_.Merge(chunk_stats_);
  file_values_ += chunk_values_;
  file_compressed_ += m.total_compressed_size;
  *bytes = std::move(dictionary_page);
  bytes->append(chunk_);
  chunk_.clear();
  chunk_dictionary_pages_ = false;
  chunk_plain_pages_ = false;
  chunk_delta_pages_ = false;
  chunk_delta_refused_ = false;
  ResetDictionary();
  chunk_values_ = 0;
  chunk_uncompressed_ = 0;
  chunk_stats_.Reset();
  return Status::OK();
}

ParquetColumnSummary ColumnChunkWriter::Summary() const {
  ParquetColumnSummary s;
  s.field_id = field_.id;
  s.compressed_size = file_compressed_;
  s.value_count = file_values_;
  s.null_count = file_stats_.null_count();
  if (kind_ == StorageKind::kFloat || kind_ == StorageKind::kDouble) {
    s.nan_count = file_stats_.nan_count();
  }
  if (file_stats_.has_min_max()) {
    s.min = file_stats_.min();
    s.max = file_stats_.max();
  }
  return s;
}

}  // namespace tarn::parquet
