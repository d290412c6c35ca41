#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <optional>

#include "cli/commands.h"
#include "cli/file_location.h"
#include "columnar/value_text.h"
#include "expr/predicate.h"
#include "format/parquet/parquet_reader.h"
#include "format/text_table.h"

namespace tarn {
namespace {

const char* PhysicalName(parquet::PhysicalType t) {
  static const char* kNames[] = {"BOOLEAN", "INT32",  "INT64",      "INT96",
                                 "FLOAT",   "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"};
  int i = static_cast<int>(t);
  return i >= 0 && i < 8 ? kNames[i] : "UNKNOWN";
}

std::string EncodingName(parquet::Encoding e) {
  switch (e) {
    case parquet::Encoding::kPlain:
      return "PLAIN";
    case parquet::Encoding::kPlainDictionary:
      return "PLAIN_DICTIONARY";
    case parquet::Encoding::kRle:
      return "RLE";
    case parquet::Encoding::kBitPacked:
      return "BIT_PACKED";
    case parquet::Encoding::kDeltaBinaryPacked:
      return "DELTA_BINARY_PACKED";
    case parquet::Encoding::kDeltaLengthByteArray:
      return "DELTA_LENGTH_BYTE_ARRAY";
    case parquet::Encoding::kDeltaByteArray:
      return "DELTA_BYTE_ARRAY";
    case parquet::Encoding::kRleDictionary:
      return "RLE_DICTIONARY";
    case parquet::Encoding::kByteStreamSplit:
      return "BYTE_STREAM_SPLIT";
  }
  return "ENCODING_" + std::to_string(static_cast<int>(e));
}

const char* CodecName(parquet::Codec c) {
  static const char* kNames[] = {"UNCOMPRESSED", "SNAPPY", "GZIP", "LZO",
                                 "BROTLI",       "LZ4",    "ZSTD", "LZ4_RAW"};
  int i = static_cast<int>(c);
  return i >= 0 && i < 8 ? kNames[i] : "UNKNOWN";
}

// A chunk's statistics as text: bounds in the column's own text form, and the null count.
constexpr size_t kCatBatchRows = 65536;  // rows decoded at a time

std::string StatsText(const ParquetReader& reader, size_t group, size_t column) {
  ParquetReader::Bounds bounds = reader.ChunkBounds(group, column);
  std::string out;
  if (bounds.min && bounds.max) {
    out += " min ";
    FormatValue(*bounds.min, 0, &out);
    out += " max ";
    FormatValue(*bounds.max, 0, &out);
  }
  if (bounds.null_count >= 0) out += " nulls " + std::to_string(bounds.null_count);
  return out;
}

Status RunInspect(const std::string& path) {
  TARN_ASSIGN_OR_RETURN(FileLocation file, OpenFileLocation(path, false));
  TARN_ASSIGN_OR_RETURN(std::unique_ptr<ParquetReader> reader,
                        ParquetReader::Open(*file.store, file.key));
  const parquet::FileMetaData& m = reader->metadata();
  const Schema& schema = *reader->schema();
  std::printf("file       %s (%llu bytes, format version %d, created by %s)\n", path.c_str(),
              static_cast<unsigned long long>(reader->file_size()), m.version,
              m.created_by.empty() ? "unknown" : m.created_by.c_str());
  std::printf("rows       %lld in %zu row groups\n", static_cast<long long>(m.num_rows),
              reader->num_row_groups());
  std::printf("schema     (field id, name, type)\n");
  for (const Field& f : schema.fields()) {
    std::printf("  %4d  %-24s %s%s\n", f.id, f.name.c_str(), f.type.ToString().c_str(),
                f.required ? "" : " (optional)");
  }
  for (const std::string& nested : reader->nested_columns()) {
    std::printf("     -  %-24s (nested or unsupported: not readable yet)\n", nested.c_str());
  }
  for (size_t g = 0; g < reader->num_row_groups(); ++g) {
    const parquet::RowGroup& group = m.row_groups[g];
    std::printf("row group %zu: %lld rows, %lld bytes compressed, %lld uncompressed\n", g,
                static_cast<long long>(group.num_rows),
                static_cast<long long>(group.total_compressed_size),
                static_cast<long long>(group.total_byte_size));
    for (size_t c = 0; c < schema.num_fields(); ++c) {
      const parquet::ColumnMetaData& chunk = reader->ChunkMetaData(g, c);
      std::string encodings;
      for (parquet::Encoding e : chunk.encodings) {
        encodings += (encodings.empty() ? "" : ",") + EncodingName(e);
      }
      std::string stats = StatsText(*reader, g, c);
      std::printf("  %-24s %s %s %s %lld bytes%s\n", schema.field(c).name.c_str(),
                  PhysicalName(chunk.type), CodecName(chunk.codec), encodings.c_str(),
                  static_cast<long long>(chunk.total_compressed_size), stats.c_str());
    }
  }
  if (!m.key_value_metadata.empty()) {
    std::printf("key/value metadata\n");
    for (const parquet::KeyValue& kv : m.key_value_metadata) {
      std::string value = kv.value.size() > 200 ? kv.value.substr(0, 200) + "..." : kv.value;
      std::printf("  %s = %s\n", kv.key.c_str(), value.c_str());
    }
  }
  return Status::OK();
}

struct CatOptions {
  std::string path;
  std::string columns;
  std::string where;
  int64_t limit = -1;
  std::string format = "csv";
};

Status RunCat(const CatOptions& o) {
  if (o.format != "csv" && o.format != "jsonl") {
    return Status::InvalidArgument("--format '" + o.format + "' is not one of csv, jsonl");
  }
  TARN_ASSIGN_OR_RETURN(FileLocation file, OpenFileLocation(o.path, false));
  TARN_ASSIGN_OR_RETURN(std::unique_ptr<ParquetReader> reader,
                        ParquetReader::Open(*file.store, file.key));
  std::vector<std::string> names;
  if (o.columns.empty()) {
    for (const Field& f : reader->schema()->fields()) names.push_back(f.name);
  } else {
    size_t start = 0;
    while (start <= o.columns.size()) {
      size_t comma = o.columns.find(',', start);
      if (comma == std::string::npos) comma = o.columns.size();
      names.push_back(o.columns.substr(start, comma - start));
      start = comma + 1;
    }
  }
  TARN_RETURN_IF_ERROR(reader->Select(names));
  std::shared_ptr<const Schema> output = reader->selected_schema();
  std::optional<Predicate> where;
  if (!o.where.empty()) {
    TARN_ASSIGN_OR_RETURN(where, Predicate::Parse(o.where, *reader->schema()));
    // Read the predicate's columns too; print only the asked-for ones (they come first).
    std::vector<std::string> read = names;
    for (const std::string& c : where->columns()) {
      if (std::find(read.begin(), read.end(), c) == read.end()) read.push_back(c);
    }
    TARN_RETURN_IF_ERROR(reader->Select(read));
  }
  TARN_ASSIGN_OR_RETURN(
      std::unique_ptr<TextTableWriter> writer,
      TextTableWriter::Open(StdoutWriter(),
                            o.format == "csv" ? TextFormat::kCsv : TextFormat::kJsonLines,
                            TextOptions{}, output));
  int64_t left = o.limit < 0 ? INT64_MAX : o.limit;
  size_t skipped = 0;
  for (size_t g = 0; g < reader->num_row_groups() && left > 0; ++g) {
    if (where) {
      // Skip row groups whose statistics rule the predicate out.
      std::vector<ParquetReader::Bounds> bounds(reader->schema()->num_fields());
      std::vector<Predicate::ColumnStats> stats(bounds.size());
      bool might = where->MightMatch([&](const std::string& name) -> const Predicate::ColumnStats* {
        int c = reader->schema()->FindField(name);
        if (c < 0) return nullptr;
        size_t i = static_cast<size_t>(c);
        bounds[i] = reader->ChunkBounds(g, i);
        stats[i] = {bounds[i].min ? &*bounds[i].min : nullptr,
                    bounds[i].max ? &*bounds[i].max : nullptr, bounds[i].null_count,
                    bounds[i].value_count};
        return &stats[i];
      });
      if (!might) {
        ++skipped;
        continue;
      }
    }
    TARN_RETURN_IF_ERROR(reader->StartRowGroup(g));
    ColumnBatch read(reader->selected_schema());
    while (left > 0) {
      TARN_ASSIGN_OR_RETURN(size_t rows, reader->ReadBatch(kCatBatchRows, &read));
      if (rows == 0) break;
      std::vector<uint8_t> keep(read.num_rows(), 1);
      if (where) {
        TARN_ASSIGN_OR_RETURN(keep, where->Evaluate(read));
      }
      ColumnBatch batch(output);
      for (size_t r = 0; r < read.num_rows() && static_cast<int64_t>(batch.num_rows()) < left;
           ++r) {
        if (!keep[r]) continue;
        for (size_t c = 0; c < output->num_fields(); ++c)
          batch.column(c).AppendFrom(read.column(c), r);
      }
      left -= static_cast<int64_t>(batch.num_rows());
      TARN_RETURN_IF_ERROR(writer->Write(batch));
    }
  }
  if (where) {
    spdlog::info("--where skipped {} of {} row groups by their statistics", skipped,
                 reader->num_row_groups());
  }
  return writer->Close();
}

}  // namespace

void AddParquetCommand(CLI::App& app, Action* action) {
  CLI::App* cmd = app.add_subcommand("parquet", "Look inside Parquet files");
  cmd->require_subcommand(1);
  cmd->footer(
      "Examples:\n  tarn parquet inspect data.parquet\n  tarn parquet cat data.parquet --columns "
      "id,name --limit 10\n");

  auto path = std::make_shared<std::string>();
  CLI::App* inspect = cmd->add_subcommand(
      "inspect", "Schema with field ids, row groups, chunks, encodings, codecs, statistics");
  inspect->add_option("file", *path, "Parquet file (local path or s3://bucket/key)")->required();
  inspect->footer(
      "Example:\n  tarn parquet inspect lake/warehouse/raw_bank/deposits/data/00000.parquet\n");
  inspect->callback([path, action] { *action = [path] { return RunInspect(*path); }; });

  auto o = std::make_shared<CatOptions>();
  CLI::App* cat = cmd->add_subcommand("cat", "Print rows as CSV or JSON lines");
  cat->add_option("file", o->path, "Parquet file (local path or s3://bucket/key)")->required();
  cat->add_option("--columns", o->columns, "Comma-separated columns, in this order (default: all)");
  cat->add_option("--where", o->where,
                  "Only rows where this holds, e.g. \"amount > 10 AND currency IN ('EUR','NOK')\"");
  cat->add_option("--limit", o->limit, "At most this many rows");
  cat->add_option("--format", o->format, "csv or jsonl")->capture_default_str();
  cat->footer(
      "Example:\n  tarn parquet cat data.parquet --columns id,amount --limit 5 --format jsonl\n");
  cat->callback([o, action] { *action = [o] { return RunCat(*o); }; });
}

}  // namespace tarn
