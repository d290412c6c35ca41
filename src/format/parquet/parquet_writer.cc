#include "format/parquet/parquet_writer.h"

#include <algorithm>

#include "format/parquet/column_writer.h"
#include "format/parquet/parquet_types.h"

namespace tarn {
namespace {

constexpr std::string_view kMagic = "PAR1";
// Rows encoded between checks of the row-group size: bounds the overshoot of a row group.
constexpr size_t kSliceRows = 4096;

}  // namespace

struct ParquetWriter::Footer {
  parquet::FileMetaData metadata;
};

ParquetWriter::ParquetWriter(std::string uri, std::shared_ptr<const Schema> schema,
                             ParquetWriterOptions options, std::unique_ptr<ObjectWriter> out)
    : uri_(std::move(uri)),
      schema_(std::move(schema)),
      options_(std::move(options)),
      out_(std::move(out)),
      footer_(std::make_unique<Footer>()) {
  for (const Field& field : schema_->fields()) {
    columns_.push_back(std::make_unique<parquet::ColumnChunkWriter>(field, options_));
  }
}

ParquetWriter::~ParquetWriter() { Abort(); }

Result<std::unique_ptr<ParquetWriter>> ParquetWriter::Open(ObjectStore& store,
                                                           const std::string& key,
                                                           std::shared_ptr<const Schema> schema,
                                                           ParquetWriterOptions options) {
  std::string uri = store.Uri(key);
  if (Status status = schema->Validate(); !status.ok()) {
    return status.WithContext("writing '" + uri + "'");
  }
  if (schema->num_fields() == 0) {
    return Status::InvalidArgument("writing '" + uri + "': the schema has no columns");
  }
  if (options.page_size == 0 || options.row_group_size == 0) {
    return Status::InvalidArgument("writing '" + uri + "': page and row group sizes must be > 0");
  }
  TARN_ASSIGN_OR_RETURN(std::unique_ptr<ObjectWriter> out, store.OpenWriter(key));
  std::unique_ptr<ParquetWriter> writer(
      new ParquetWriter(uri, std::move(schema), std::move(options), std::move(out)));
  TARN_RETURN_IF_ERROR(writer->Emit(kMagic));
  return writer;
}

Status ParquetWriter::Emit(std::string_view bytes) {
  Status status = out_->Append(bytes);
  if (!status.ok()) return status.WithContext("writing '" + uri_ + "'");
  offset_ += static_cast<int64_t>(bytes.size());
  return Status::OK();
}

Status ParquetWriter::Write(const ColumnBatch& batch, size_t first, size_t last) {
  if (finished_) return Status::FailedPrecondition("writing '" + uri_ + "': the writer is closed");
  Status status;
  if (batch.schema() != schema_ && !(*batch.schema() == *schema_)) {
    status = Status::InvalidArgument("the batch's schema (" + batch.schema()->ToString() +
                                     ") is not the file's (" + schema_->ToString() + ")");
  } else if (first > last || last > batch.num_rows()) {
    status =
        Status::InvalidArgument("rows [" + std::to_string(first) + ", " + std::to_string(last) +
                                ") are not in a batch of " + std::to_string(batch.num_rows()));
  } else {
    status = batch.Validate();
  }
  for (size_t begin = first, end = first; status.ok() && begin < last; begin = end) {
    // A slice ends at the range's end, after kSliceRows, or where the row group is full.
    size_t room = static_cast<size_t>(options_.max_row_group_rows - row_group_rows_);
    end = std::min({last, begin + kSliceRows, begin + std::max<size_t>(room, 1)});
    for (size_t c = 0; status.ok() && c < columns_.size(); ++c) {
      status = columns_[c]->Append(batch.column(c), begin, end, rows_);
    }
    if (!status.ok()) break;
    rows_ += static_cast<int64_t>(end - begin);
    row_group_rows_ += static_cast<int64_t>(end - begin);
    size_t buffered = 0;
    for (const auto& column : columns_) buffered += column->buffered_bytes();
    if (buffered >= options_.row_group_size || row_group_rows_ >= options_.max_row_group_rows) {
      status = FlushRowGroup();
    }
  }
  if (!status.ok()) {
    Abort();
    return status.WithContext("writing '" + uri_ + "'");
  }
  return Status::OK();
}

Status ParquetWriter::FlushRowGroup() {
  if (row_group_rows_ == 0) return Status::OK();
  parquet::RowGroup group;
  group.file_offset = offset_;
  group.num_rows = row_group_rows_;
  group.ordinal = static_cast<int16_t>(footer_->metadata.row_groups.size());
  for (const auto& column : columns_) {
    std::string bytes;
    parquet::ColumnChunk chunk;
    TARN_RETURN_IF_ERROR(column->Finish(offset_, &bytes, &chunk));
    group.total_byte_size += chunk.meta_data.total_uncompressed_size;
    group.total_compressed_size += chunk.meta_data.total_compressed_size;
    TARN_RETURN_IF_ERROR(Emit(bytes));
    group.columns.push_back(std::move(chunk));
  }
  footer_->metadata.row_groups.push_back(std::move(group));
  row_group_rows_ = 0;
  return Status::OK();
}

Result<ParquetFileSummary> ParquetWriter::Close() {
  if (finished_) return Status::FailedPrecondition("writing '" + uri_ + "': the writer is closed");
  Status status = FlushRowGroup();
  parquet::FileMetaData& m = footer_->metadata;
  if (status.ok()) {
    m.version = 1;
    m.num_rows = rows_;
    m.created_by = std::string("tarn version ") + TARN_VERSION;
    parquet::SchemaElement root;
    root.name = "schema";
    root.num_children = static_cast<int32_t>(columns_.size());
    m.schema.push_back(root);
    for (const auto& column : columns_) m.schema.push_back(column->leaf());
    for (const auto& [key, value] : options_.key_value_metadata)
      m.key_value_metadata.push_back({key, value});
    m.column_orders = columns_.size();
    std::string footer;
    parquet::Serialize(m, &footer);
    uint32_t length = static_cast<uint32_t>(footer.size());
    footer.append(reinterpret_cast<const char*>(&length), 4);
    footer.append(kMagic);
    status = Emit(footer);
  }
  if (status.ok()) status = out_->Close().WithContext("publishing '" + uri_ + "'");
  if (!status.ok()) {
    Abort();
    return status;
  }
  finished_ = true;
  ParquetFileSummary summary;
  summary.file_size = static_cast<uint64_t>(offset_);
  summary.num_rows = rows_;
  for (const parquet::RowGroup& group : m.row_groups)
    summary.row_group_offsets.push_back(group.file_offset);
  for (const auto& column : columns_) summary.columns.push_back(column->Summary());
  return summary;
}

void ParquetWriter::Abort() {
  if (finished_) return;
  finished_ = true;
  out_->Abort();
}

}  // namespace tarn
