#include "cli/row_source.h"

#include <fstream>
#include <sstream>

#include "columnar/schema_json.h"
#include "format/parquet/parquet_reader.h"

namespace tarn {
namespace {

class ParquetSource final : public RowSource {
 public:
  ParquetSource(FileLocation in, std::unique_ptr<ParquetReader> reader)
      : in_(std::move(in)), reader_(std::move(reader)) {}
  std::shared_ptr<const Schema> schema() const override { return reader_->schema(); }
  Result<bool> Next(ColumnBatch* batch) override {
    while (true) {
      TARN_ASSIGN_OR_RETURN(size_t rows, reader_->ReadBatch(kRowSourceBatchRows, batch));
      if (rows > 0) return true;
      if (next_ >= reader_->num_row_groups()) return false;
      TARN_RETURN_IF_ERROR(reader_->StartRowGroup(next_++));
    }
  }

 private:
  FileLocation in_;
  std::unique_ptr<ParquetReader> reader_;
  size_t next_ = 0;
};

class TextSource final : public RowSource {
 public:
  TextSource(FileLocation in, std::unique_ptr<TextTableReader> reader)
      : in_(std::move(in)), reader_(std::move(reader)) {}
  std::shared_ptr<const Schema> schema() const override { return reader_->schema(); }
  Result<bool> Next(ColumnBatch* batch) override {
    return reader_->Next(kRowSourceBatchRows, batch);
  }
  int64_t rows_rejected() const override { return reader_->rows_rejected(); }

 private:
  FileLocation in_;
  std::unique_ptr<TextTableReader> reader_;
};

}  // namespace

Result<FileFormat> FormatOf(const std::string& path, const std::string& flag) {
  std::string name = flag;
  if (name.empty()) {
    size_t dot = path.rfind('.');
    name = dot == std::string::npos ? "" : path.substr(dot + 1);
  }
  if (name == "csv" || name == "tsv") return FileFormat::kCsv;
  if (name == "jsonl" || name == "ndjson" || name == "json") return FileFormat::kJsonLines;
  if (name == "parquet" || name == "pq") return FileFormat::kParquet;
  return Status::InvalidArgument("cannot tell the format of '" + path +
                                 "': name it .csv, .jsonl or .parquet, or pass --from / --to");
}

Result<std::shared_ptr<const Schema>> LoadSchema(const std::string& spec) {
  if (spec.empty()) return std::shared_ptr<const Schema>();
  if (spec.starts_with("@")) {
    std::ifstream in(spec.substr(1));
    if (!in) return Status::NotFound("cannot read schema file '" + spec.substr(1) + "'");
    std::stringstream text;
    text << in.rdbuf();
    Result<Schema> schema = SchemaFromIcebergJson(text.str());
    if (!schema.ok()) return schema.status().WithContext("schema file '" + spec.substr(1) + "'");
    return std::make_shared<const Schema>(*std::move(schema));
  }
  TARN_ASSIGN_OR_RETURN(Schema schema, Schema::Parse(spec));
  return std::make_shared<const Schema>(std::move(schema));
}

Result<std::unique_ptr<RowSource>> OpenRowSource(FileLocation in, FileFormat format,
                                                 const TextOptions& text,
                                                 std::shared_ptr<const Schema> schema,
                                                 RejectSink rejects) {
  if (format == FileFormat::kParquet) {
    if (schema) {
      return Status::InvalidArgument("a schema applies to CSV and JSON lines input, not Parquet");
    }
    TARN_ASSIGN_OR_RETURN(std::unique_ptr<ParquetReader> reader,
                          ParquetReader::Open(*in.store, in.key));
    return std::unique_ptr<RowSource>(new ParquetSource(std::move(in), std::move(reader)));
  }
  TARN_ASSIGN_OR_RETURN(
      std::unique_ptr<TextTableReader> reader,
      TextTableReader::Open(*in.store, in.key,
                            format == FileFormat::kCsv ? TextFormat::kCsv : TextFormat::kJsonLines,
                            text, std::move(schema), std::move(rejects)));
  return std::unique_ptr<RowSource>(new TextSource(std::move(in), std::move(reader)));
}

}  // namespace tarn
