#include "format/text_table.h"

#include "columnar/value_text.h"
#include "format/text_table_internal.h"

namespace tarn {

Status ByteInput::Refill() {
  if (eof_) return Status::OK();
  constexpr uint64_t kChunk = 1 << 20;
  TARN_ASSIGN_OR_RETURN(std::string chunk, store_.ReadRange(key_, offset_, kChunk));
  offset_ += chunk.size();
  eof_ = chunk.size() < kChunk;
  buffer_ = std::move(chunk);
  pos_ = 0;
  return Status::OK();
}

Result<bool> ByteInput::Line(std::string* line) {
  line->clear();
  TARN_ASSIGN_OR_RETURN(int c, Get());
  if (c < 0) return false;
  while (c >= 0 && c != '\n') {
    line->push_back(static_cast<char>(c));
    TARN_ASSIGN_OR_RETURN(c, Get());
  }
  if (!line->empty() && line->back() == '\r') line->pop_back();
  return true;
}

Status AppendRow(const std::vector<TextCell>& cells, ColumnBatch* batch,
                 std::string* failed_column) {
  const Schema& schema = *batch->schema();
  size_t rows = batch->num_rows();
  for (size_t c = 0; c < cells.size(); ++c) {
    const Field& field = schema.field(c);
    Status status;
    if (cells[c].null) {
      if (field.required) {
        status = Status::InvalidArgument("a null in required column");
      } else {
        batch->column(c).AppendNull();
      }
    } else {
      status = AppendText(cells[c].text, field.type, &batch->column(c));
    }
    if (!status.ok()) {
      for (size_t undo = 0; undo < c; ++undo) batch->column(undo).Truncate(rows);
      *failed_column = field.name;
      return status;
    }
  }
  return Status::OK();
}

Status RejectRow(const RejectSink& rejects, const std::string& uri, int64_t line,
                 const std::string& column, const Status& why,
                 const std::function<std::string()>& text, int64_t* rejected) {
  std::string where = column.empty() ? "" : "column '" + column + "': ";
  if (!rejects) {
    return Status::InvalidArgument("'" + uri + "' line " + std::to_string(line) +
                                   (column.empty() ? ": " : " " + where) + why.message());
  }
  ++*rejected;
  return rejects(RejectedRow{line, where + why.message(), text()});
}

DataType InferType(const std::vector<std::string>& samples) {
  const DataType candidates[] = {MakeType(TypeId::kBoolean),   MakeType(TypeId::kLong),
                                 MakeType(TypeId::kDouble),    MakeType(TypeId::kDate),
                                 MakeType(TypeId::kTimestamp), MakeType(TypeId::kTimestampTz)};
  for (const DataType& type : candidates) {
    bool fits = !samples.empty();
    Column scratch(type);
    for (const std::string& sample : samples) {
      // Only words count as booleans here: a column of 0 and 1 is a number.
      if (type.id == TypeId::kBoolean && sample != "true" && sample != "false" &&
          sample != "TRUE" && sample != "FALSE" && sample != "True" && sample != "False") {
        fits = false;
      }
      if (!fits || !AppendText(sample, type, &scratch).ok()) {
        fits = false;
        break;
      }
    }
    if (fits) return type;
  }
  return MakeType(TypeId::kString);
}

Result<std::unique_ptr<TextTableReader>> TextTableReader::Open(ObjectStore& store, std::string key,
                                                               TextFormat format,
                                                               TextOptions options,
                                                               std::shared_ptr<const Schema> schema,
                                                               RejectSink rejects) {
  if (schema) {
    Status valid = schema->Validate();
    if (!valid.ok()) return valid.WithContext("reading '" + store.Uri(key) + "'");
  }
  if (format == TextFormat::kCsv) {
    return OpenCsvReader(store, std::move(key), std::move(options), std::move(schema),
                         std::move(rejects));
  }
  return OpenJsonLinesReader(store, std::move(key), std::move(options), std::move(schema),
                             std::move(rejects));
}

Result<std::unique_ptr<TextTableWriter>> TextTableWriter::Open(
    ObjectStore& store, const std::string& key, TextFormat format, TextOptions options,
    std::shared_ptr<const Schema> schema) {
  TARN_ASSIGN_OR_RETURN(std::unique_ptr<ObjectWriter> out, store.OpenWriter(key));
  return Open(std::move(out), format, std::move(options), std::move(schema));
}

Result<std::unique_ptr<TextTableWriter>> TextTableWriter::Open(
    std::unique_ptr<ObjectWriter> out, TextFormat format, TextOptions options,
    std::shared_ptr<const Schema> schema) {
  if (format == TextFormat::kCsv) {
    return OpenCsvWriter(std::move(out), std::move(options), std::move(schema));
  }
  return OpenJsonLinesWriter(std::move(out), std::move(schema));
}

}  // namespace tarn
