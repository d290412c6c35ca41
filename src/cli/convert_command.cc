#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "cli/commands.h"
#include "cli/file_location.h"
#include "columnar/schema_json.h"
#include "format/parquet/parquet_reader.h"
#include "format/parquet/parquet_writer.h"
#include "format/text_table.h"

namespace tarn {
namespace {

enum class FileFormat { kCsv, kJsonLines, kParquet };

struct ConvertOptions {
  std::string input;
  std::string output;
  std::string from;
  std::string to;
  std::string schema;
  std::string compression = "zstd";
  std::string delimiter = ",";
  std::string null_marker;
  bool no_header = false;
  std::string rejects;
};

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

// Pulls batches from a Parquet or text source.
constexpr size_t kBatchRows = 65536;  // rows converted at a time

class Source {
 public:
  virtual ~Source() = default;
  virtual std::shared_ptr<const Schema> schema() const = 0;
  virtual Result<bool> Next(ColumnBatch* batch) = 0;
};

class ParquetSource final : public Source {
 public:
  explicit ParquetSource(std::unique_ptr<ParquetReader> reader) : reader_(std::move(reader)) {}
  std::shared_ptr<const Schema> schema() const override { return reader_->schema(); }
  Result<bool> Next(ColumnBatch* batch) override {
    while (true) {
      TARN_ASSIGN_OR_RETURN(size_t rows, reader_->ReadBatch(kBatchRows, batch));
      if (rows > 0) return true;
      if (next_ >= reader_->num_row_groups()) return false;
      TARN_RETURN_IF_ERROR(reader_->StartRowGroup(next_++));
    }
  }

 private:
  std::unique_ptr<ParquetReader> reader_;
  size_t next_ = 0;
};

class TextSource final : public Source {
 public:
  explicit TextSource(std::unique_ptr<TextTableReader> reader) : reader_(std::move(reader)) {}
  std::shared_ptr<const Schema> schema() const override { return reader_->schema(); }
  Result<bool> Next(ColumnBatch* batch) override { return reader_->Next(kBatchRows, batch); }

 private:
  std::unique_ptr<TextTableReader> reader_;
};

Status RunConvert(const ConvertOptions& o) {
  TARN_ASSIGN_OR_RETURN(FileFormat from, FormatOf(o.input, o.from));
  TARN_ASSIGN_OR_RETURN(FileFormat to, FormatOf(o.output, o.to));
  TARN_ASSIGN_OR_RETURN(std::shared_ptr<const Schema> schema, LoadSchema(o.schema));
  if (o.delimiter.size() != 1) return Status::InvalidArgument("--delimiter must be one character");
  TARN_ASSIGN_OR_RETURN(CompressionCodec codec, ParseCodec(o.compression));
  TextOptions text;
  text.delimiter = o.delimiter == "\\t" ? '\t' : o.delimiter[0];
  text.header = !o.no_header;
  text.null_marker = o.null_marker;

  TARN_ASSIGN_OR_RETURN(FileLocation in, OpenFileLocation(o.input, false));
  TARN_ASSIGN_OR_RETURN(FileLocation out, OpenFileLocation(o.output, true));

  // Rejected rows go to a CSV file of line, reason and the row itself.
  std::unique_ptr<TextTableWriter> rejects;
  FileLocation rejects_location;
  RejectSink sink;
  if (!o.rejects.empty()) {
    TARN_ASSIGN_OR_RETURN(rejects_location, OpenFileLocation(o.rejects, true));
    auto reject_schema = std::make_shared<const Schema>(
        std::move(Schema::Parse("line:long,reason:string,row:string")).value());
    TARN_ASSIGN_OR_RETURN(rejects,
                          TextTableWriter::Open(*rejects_location.store, rejects_location.key,
                                                TextFormat::kCsv, TextOptions{}, reject_schema));
    sink = [&rejects, reject_schema](const RejectedRow& row) -> Status {
      ColumnBatch batch(reject_schema);
      batch.column(0).AppendInt64(row.line);
      batch.column(1).AppendBytes(row.reason);
      batch.column(2).AppendBytes(row.text);
      return rejects->Write(batch);
    };
  }

  std::unique_ptr<Source> source;
  TextTableReader* text_reader = nullptr;
  if (from == FileFormat::kParquet) {
    if (schema)
      return Status::InvalidArgument("--schema applies to CSV and JSON lines input, not Parquet");
    TARN_ASSIGN_OR_RETURN(std::unique_ptr<ParquetReader> reader,
                          ParquetReader::Open(*in.store, in.key));
    source = std::make_unique<ParquetSource>(std::move(reader));
  } else {
    TARN_ASSIGN_OR_RETURN(
        std::unique_ptr<TextTableReader> reader,
        TextTableReader::Open(*in.store, in.key,
                              from == FileFormat::kCsv ? TextFormat::kCsv : TextFormat::kJsonLines,
                              text, schema, sink));
    text_reader = reader.get();
    source = std::make_unique<TextSource>(std::move(reader));
  }

  std::unique_ptr<ParquetWriter> parquet;
  std::unique_ptr<TextTableWriter> writer;
  if (to == FileFormat::kParquet) {
    ParquetWriterOptions options;
    options.compression = codec;
    TARN_ASSIGN_OR_RETURN(parquet,
                          ParquetWriter::Open(*out.store, out.key, source->schema(), options));
  } else {
    TARN_ASSIGN_OR_RETURN(
        writer,
        TextTableWriter::Open(*out.store, out.key,
                              to == FileFormat::kCsv ? TextFormat::kCsv : TextFormat::kJsonLines,
                              text, source->schema()));
  }
  int64_t rows = 0;
  ColumnBatch batch(source->schema());
  while (true) {
    TARN_ASSIGN_OR_RETURN(bool more, source->Next(&batch));
    if (!more) break;
    rows += static_cast<int64_t>(batch.num_rows());
    TARN_RETURN_IF_ERROR(parquet ? parquet->Write(batch) : writer->Write(batch));
  }
  std::string detail;
  if (parquet) {
    TARN_ASSIGN_OR_RETURN(ParquetFileSummary summary, parquet->Close());
    size_t groups = summary.row_group_offsets.size();
    detail = " (" + std::to_string(groups) + (groups == 1 ? " row group, " : " row groups, ") +
             std::to_string(summary.file_size) + " bytes, " + o.compression + ")";
  } else {
    TARN_RETURN_IF_ERROR(writer->Close());
  }
  if (rejects) TARN_RETURN_IF_ERROR(rejects->Close());
  std::printf("Wrote %lld rows to %s%s\n", static_cast<long long>(rows), o.output.c_str(),
              detail.c_str());
  std::printf("Schema: %s\n", source->schema()->ToString().c_str());
  if (text_reader != nullptr && text_reader->rows_rejected() > 0) {
    std::printf("Rejected %lld rows into %s\n",
                static_cast<long long>(text_reader->rows_rejected()), o.rejects.c_str());
  }
  return Status::OK();
}

}  // namespace

void AddConvertCommand(CLI::App& app, Action* action) {
  auto o = std::make_shared<ConvertOptions>();
  CLI::App* cmd = app.add_subcommand("convert", "Convert between CSV, JSON lines and Parquet");
  cmd->add_option("input", o->input, "Input file (local path or s3://bucket/key)")->required();
  cmd->add_option("output", o->output, "Output file (written atomically)")->required();
  cmd->add_option("--from", o->from, "Input format: csv, jsonl or parquet (default: by extension)");
  cmd->add_option("--to", o->to, "Output format: csv, jsonl or parquet (default: by extension)");
  cmd->add_option("--schema", o->schema,
                  "Columns of text input: name:type[?],... ('?' = optional), or @file.json in "
                  "Iceberg's schema form (default: inferred)");
  cmd->add_option("--compression", o->compression, "Parquet codec: zstd, snappy, gzip or none")
      ->capture_default_str();
  cmd->add_option("--delimiter", o->delimiter, "CSV delimiter (\\t for tab)")
      ->capture_default_str();
  cmd->add_option("--null-marker", o->null_marker, "CSV text that means null (default: empty)");
  cmd->add_flag("--no-header", o->no_header, "The CSV has no header line");
  cmd->add_option(
      "--rejects", o->rejects,
      "Write rows that do not fit the schema to this CSV (line, reason, row) and go on");
  cmd->footer(
      "Examples:\n"
      "  tarn convert deposits.csv deposits.parquet --schema "
      "'id:long,amount:decimal(12,2),at:timestamptz?'\n"
      "  tarn convert events.jsonl events.parquet --rejects bad-rows.csv\n"
      "  tarn convert data.parquet data.csv\n");
  cmd->callback([o, action] { *action = [o] { return RunConvert(*o); }; });
}

}  // namespace tarn
