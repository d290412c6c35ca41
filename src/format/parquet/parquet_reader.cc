#include "format/parquet/parquet_reader.h"

#include <cstring>

#include "format/parquet/column_reader.h"
#include "format/parquet/schema_mapping.h"

namespace tarn {
namespace {

constexpr std::string_view kMagic = "PAR1";
constexpr uint64_t kTailBytes = 64 << 10;        // read with the footer length, usually enough
constexpr uint64_t kMaxFooterBytes = 256 << 20;  // a larger footer is refused, not allocated

Result<CompressionCodec> CodecOf(parquet::Codec codec) {
  switch (codec) {
    case parquet::Codec::kUncompressed:
      return CompressionCodec::kNone;
    case parquet::Codec::kSnappy:
      return CompressionCodec::kSnappy;
    case parquet::Codec::kGzip:
      return CompressionCodec::kGzip;
    case parquet::Codec::kZstd:
      return CompressionCodec::kZstd;
    case parquet::Codec::kLz4Raw:
      return CompressionCodec::kLz4Raw;
    case parquet::Codec::kBrotli:
      return CompressionCodec::kBrotli;
    default:
      return Status::NotImplemented("compression codec " + std::to_string(static_cast<int>(codec)) +
                                    " (tarn reads none, snappy, gzip, zstd, lz4_raw and brotli)");
  }
}

}  // namespace

namespace parquet {

std::optional<Column> DecodeStatistic(const SchemaElement& element, const ReadLeaf& leaf,
                                      std::string_view plain) {
  PhysicalValues values;
  PhysicalType type = *element.type;
  if (type == PhysicalType::kByteArray) {
    values.bytes.push_back(plain);  // statistics carry no length prefix
  } else if (type == PhysicalType::kFixedLenByteArray) {
    if (plain.size() != static_cast<size_t>(element.type_length.value_or(-1))) return std::nullopt;
    values.bytes.push_back(plain);
  } else if (!DecodeValues(plain, Encoding::kPlain, type, 0, 1, &values).ok()) {
    return std::nullopt;
  }
  Column out(leaf.field.type);
  if (!AppendPhysicalValue(element, leaf, values, 0, &out).ok()) return std::nullopt;
  return out;
}

}  // namespace parquet

std::optional<Column> ParquetStatisticValue(const Field& field, std::string_view plain) {
  parquet::SchemaElement element = parquet::LeafFor(field);
  Result<parquet::ReadLeaf> leaf = parquet::FieldFor(element, 1);
  if (!leaf.ok()) return std::nullopt;
  return parquet::DecodeStatistic(element, *leaf, plain);
}

struct ParquetReader::Leaf {
  parquet::SchemaElement element;
  parquet::ReadLeaf read;
  size_t chunk_index = 0;                               // position among all leaves of the file
  std::unique_ptr<parquet::ColumnChunkReader> decoder;  // made on first read
};

ParquetReader::ParquetReader(ObjectStore& store, std::string key, std::string uri,
                             uint64_t file_size)
    : store_(store), key_(std::move(key)), uri_(std::move(uri)), file_size_(file_size) {}

ParquetReader::~ParquetReader() = default;

Status ParquetReader::Corrupt(const std::string& what) const {
  return Status::Corruption("'" + uri_ + "': " + what);
}

Result<std::unique_ptr<ParquetReader>> ParquetReader::Open(ObjectStore& store,
                                                           const std::string& key) {
  TARN_ASSIGN_OR_RETURN(ObjectInfo info, store.Stat(key));
  std::unique_ptr<ParquetReader> reader(new ParquetReader(store, key, store.Uri(key), info.size));
  const uint64_t size = info.size;
  if (size < 12) {
    return reader->Corrupt("not a Parquet file: " + std::to_string(size) + " bytes is too short");
  }
  uint64_t tail_size = std::min(size, kTailBytes);
  TARN_ASSIGN_OR_RETURN(std::string tail, store.ReadRange(key, size - tail_size, tail_size));
  if (tail.size() != tail_size) return reader->Corrupt("the file changed while being read");
  std::string_view end = std::string_view(tail).substr(tail.size() - 4);
  if (end == "PARE") {
    return Status::NotImplemented("'" + reader->uri_ + "' has an encrypted footer");
  }
  if (end != kMagic) return reader->Corrupt("not a Parquet file (no PAR1 magic at the end)");
  uint32_t footer_length;
  std::memcpy(&footer_length, tail.data() + tail.size() - 8, 4);
  if (footer_length > size - 12 || footer_length > kMaxFooterBytes) {
    return reader->Corrupt("footer length " + std::to_string(footer_length) +
                           " runs past the start of the file");
  }
  TARN_ASSIGN_OR_RETURN(std::string head, store.ReadRange(key, 0, 4));
  if (head != kMagic) return reader->Corrupt("not a Parquet file (no PAR1 magic at the start)");
  reader->footer_start_ = size - 8 - footer_length;
  std::string footer;
  if (footer_length + 8 <= tail.size()) {
    footer = tail.substr(tail.size() - 8 - footer_length, footer_length);
  } else {
    TARN_ASSIGN_OR_RETURN(footer, store.ReadRange(key, reader->footer_start_, footer_length));
  }
  Status parsed = parquet::Deserialize(footer, &reader->metadata_);
  if (!parsed.ok()) return parsed.WithContext("'" + reader->uri_ + "': footer");
  TARN_RETURN_IF_ERROR(reader->BuildSchema());
  return reader;
}

Status ParquetReader::BuildSchema() {
  const auto& elements = metadata_.schema;
  if (elements.empty()) return Corrupt("the footer has no schema");
  int32_t root_children = elements[0].num_children.value_or(0);
  if (root_children < 0 || static_cast<size_t>(root_children) >= elements.size() + 1) {
    return Corrupt("the schema root claims " + std::to_string(root_children) + " children");
  }
  // Counts the leaves below elements[index] (itself when a leaf) and returns the next index.
  std::function<Result<size_t>(size_t, size_t*, int)> walk = [&](size_t index, size_t* leaves,
                                                                 int depth) -> Result<size_t> {
    if (index >= elements.size()) return Corrupt("the schema ends early");
    if (depth > 64) return Corrupt("the schema nests deeper than 64 levels");
    int32_t children = elements[index].num_children.value_or(0);
    if (children < 0 || static_cast<size_t>(children) > elements.size()) {
      return Corrupt("schema element '" + elements[index].name + "' claims " +
                     std::to_string(children) + " children");
    }
    size_t next = index + 1;
    if (children == 0) {
      ++*leaves;
      return next;
    }
    for (int32_t c = 0; c < children; ++c) {
      TARN_ASSIGN_OR_RETURN(next, walk(next, leaves, depth + 1));
    }
    return next;
  };
  std::vector<Field> fields;
  bool ids_usable = true;
  size_t index = 1;
  for (int32_t c = 0; c < root_children; ++c) {
    if (index >= elements.size()) return Corrupt("the schema ends early");
    const parquet::SchemaElement& e = elements[index];
    bool nested =
        e.num_children.value_or(0) > 0 ||
        e.repetition.value_or(parquet::Repetition::kOptional) == parquet::Repetition::kRepeated;
    size_t first_leaf = leaf_count_;
    TARN_ASSIGN_OR_RETURN(index, walk(index, &leaf_count_, 1));
    if (nested) {
      nested_.push_back(e.name);
      continue;
    }
    Result<parquet::ReadLeaf> read = parquet::FieldFor(e, static_cast<int32_t>(fields.size() + 1));
    if (read.status().code() == StatusCode::kNotImplemented) {
      nested_.push_back(e.name);
      continue;
    }
    if (!read.ok()) return read.status().WithContext("'" + uri_ + "'");
    ids_usable = ids_usable && e.field_id.has_value() && *e.field_id > 0;
    fields.push_back(read->field);
    leaves_.push_back({e, *std::move(read), first_leaf, nullptr});
  }
  if (index != elements.size())
    return Corrupt("the schema has elements beyond its root's children");
  Schema schema(fields);
  if (!ids_usable || !schema.Validate().ok()) {
    // Without (unique) field ids, number the columns by position.
    for (size_t i = 0; i < fields.size(); ++i) {
      fields[i].id = static_cast<int32_t>(i + 1);
      leaves_[i].read.field.id = fields[i].id;
    }
    schema = Schema(fields);
    if (Status status = schema.Validate(); !status.ok()) {
      return status.WithContext("'" + uri_ + "'");
    }
  }
  for (const parquet::RowGroup& group : metadata_.row_groups) {
    if (group.columns.size() != leaf_count_) {
      return Corrupt("a row group has " + std::to_string(group.columns.size()) +
                     " column chunks for " + std::to_string(leaf_count_) + " leaf columns");
    }
    if (group.num_rows < 0) return Corrupt("a row group has a negative row count");
  }
  schema_ = std::make_shared<const Schema>(std::move(schema));
  selected_.clear();
  for (size_t i = 0; i < leaves_.size(); ++i) selected_.push_back(i);
  selected_schema_ = schema_;
  return Status::OK();
}

Status ParquetReader::Select(const std::vector<std::string>& names) {
  std::vector<size_t> chosen;
  std::vector<Field> fields;
  for (const std::string& name : names) {
    int i = schema_->FindField(name);
    if (i < 0) {
      for (const std::string& nested : nested_) {
        if (nested == name) {
          return Status::NotImplemented("'" + uri_ + "': column '" + name +
                                        "' is nested, which tarn does not read yet");
        }
      }
      return Status::NotFound("'" + uri_ + "' has no column '" + name + "'");
    }
    chosen.push_back(static_cast<size_t>(i));
    fields.push_back(schema_->field(static_cast<size_t>(i)));
  }
  selected_ = std::move(chosen);
  group_rows_left_ = 0;  // a group started before must be started again
  selected_schema_ = std::make_shared<const Schema>(std::move(fields));
  return Status::OK();
}

const parquet::ColumnMetaData& ParquetReader::ChunkMetaData(size_t row_group, size_t column) const {
  return metadata_.row_groups[row_group].columns[leaves_[column].chunk_index].meta_data;
}

ParquetReader::Bounds ParquetReader::ChunkBounds(size_t row_group, size_t column) const {
  Bounds bounds;
  const Leaf& leaf = leaves_[column];
  const parquet::ColumnMetaData& meta = ChunkMetaData(row_group, column);
  const parquet::Statistics& s = meta.statistics;
  bounds.value_count = meta.num_values;
  if (s.null_count) bounds.null_count = *s.null_count;
  // Only min_value / max_value follow the type's order; INT96 has none.
  if (!s.min_value || !s.max_value || *leaf.element.type == parquet::PhysicalType::kInt96) {
    return bounds;
  }
  auto decode = [&](const std::string& plain) {
    return parquet::DecodeStatistic(leaf.element, leaf.read, plain);
  };
  bounds.min = decode(*s.min_value);
  bounds.max = decode(*s.max_value);
  if (!bounds.min || !bounds.max) {
    bounds.min.reset();
    bounds.max.reset();
  }
  return bounds;
}

Result<ColumnBatch> ParquetReader::ReadRowGroup(size_t index) {
  ColumnBatch batch(selected_schema_);
  TARN_RETURN_IF_ERROR(ReadRowGroup(index, &batch));
  return batch;
}

Status ParquetReader::ReadRowGroup(size_t index, ColumnBatch* batch) {
  TARN_RETURN_IF_ERROR(StartRowGroup(index));
  return ReadBatch(static_cast<size_t>(group_rows_left_), batch).status();
}

Status ParquetReader::StartRowGroup(size_t index) {
  group_rows_left_ = 0;
  if (index >= metadata_.row_groups.size()) {
    return Status::InvalidArgument("'" + uri_ + "' has no row group " + std::to_string(index));
  }
  const parquet::RowGroup& group = metadata_.row_groups[index];
  if (group.num_rows < 0) {
    return Corrupt("row group " + std::to_string(index) + " claims " +
                   std::to_string(group.num_rows) + " rows");
  }
  for (size_t s = 0; s < selected_.size(); ++s) {
    Leaf& leaf = leaves_[selected_[s]];
    const parquet::ColumnMetaData& meta = group.columns[leaf.chunk_index].meta_data;
    auto where = [&] { return Where(index, leaf); };
    if (meta.num_values != group.num_rows) {
      return Status::Corruption(where() + ": " + std::to_string(meta.num_values) + " values for " +
                                std::to_string(group.num_rows) + " rows");
    }
    if (meta.type != *leaf.element.type) {
      return Status::Corruption(where() + ": the chunk's type differs from the schema's");
    }
    Result<CompressionCodec> codec = CodecOf(meta.codec);
    if (!codec.ok()) return codec.status().WithContext(where());
    int64_t start = meta.data_page_offset;
    if (meta.dictionary_page_offset && *meta.dictionary_page_offset > 0 &&
        *meta.dictionary_page_offset < start) {
      start = *meta.dictionary_page_offset;
    }
    int64_t length = meta.total_compressed_size;
    if (start < 4 || length < 0 || static_cast<uint64_t>(start) > footer_start_ ||
        static_cast<uint64_t>(length) > footer_start_ - static_cast<uint64_t>(start)) {
      return Status::Corruption(where() + ": chunk bytes [" + std::to_string(start) + ", +" +
                                std::to_string(length) + ") lie outside the data");
    }
    TARN_ASSIGN_OR_RETURN(std::string chunk, store_.ReadRange(key_, static_cast<uint64_t>(start),
                                                              static_cast<uint64_t>(length)));
    // One decoder per column for the reader's life, so its buffers are reused across groups.
    if (leaf.decoder == nullptr) {
      leaf.decoder = std::make_unique<parquet::ColumnChunkReader>(leaf.element, leaf.read);
    }
    leaf.decoder->Reset(std::move(chunk), meta.num_values, *codec);
  }
  group_ = index;
  group_rows_left_ = group.num_rows;
  return Status::OK();
}

Result<size_t> ParquetReader::ReadBatch(size_t max_rows, ColumnBatch* batch) {
  if (batch->schema() != selected_schema_) *batch = ColumnBatch(selected_schema_);
  batch->Clear();
  size_t rows = std::min(static_cast<size_t>(group_rows_left_), max_rows);
  for (size_t s = 0; s < selected_.size() && rows > 0; ++s) {
    Leaf& leaf = leaves_[selected_[s]];
    Status status = leaf.decoder->Read(rows, &batch->column(s));
    if (!status.ok()) {
      group_rows_left_ = 0;  // the group cannot be read further
      return status.WithContext(Where(group_, leaf));
    }
  }
  group_rows_left_ -= static_cast<int64_t>(rows);
  return rows;
}

std::string ParquetReader::Where(size_t group, const Leaf& leaf) const {
  return "'" + uri_ + "' row group " + std::to_string(group) + " column '" + leaf.element.name +
         "'";
}

}  // namespace tarn
