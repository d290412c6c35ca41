#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/commands.h"
#include "cli/file_location.h"
#include "cli/row_source.h"
#include "format/parquet/parquet_writer.h"
#include "format/text_table.h"

namespace tarn {
namespace {

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

  TARN_ASSIGN_OR_RETURN(std::unique_ptr<RowSource> source,
                        OpenRowSource(std::move(in), from, text, schema, sink));

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
  if (source->rows_rejected() > 0) {
    std::printf("Rejected %lld rows into %s\n", static_cast<long long>(source->rows_rejected()),
                o.rejects.c_str());
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
