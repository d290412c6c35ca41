// Pieces the CSV and JSON-lines codecs share. Internal to format/.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "format/text_table.h"

namespace tarn {

// Sequential bytes of an object, read in 1 MiB ranges.
class ByteInput {
 public:
  ByteInput(ObjectStore& store, std::string key) : store_(store), key_(std::move(key)) {}
  // The next byte, or -1 at the end.
  Result<int> Get() {
    if (pos_ == buffer_.size()) TARN_RETURN_IF_ERROR(Refill());
    if (pos_ == buffer_.size()) return -1;
    return static_cast<unsigned char>(buffer_[pos_++]);
  }
  Result<int> Peek() {
    if (pos_ == buffer_.size()) TARN_RETURN_IF_ERROR(Refill());
    if (pos_ == buffer_.size()) return -1;
    return static_cast<unsigned char>(buffer_[pos_]);
  }
  // One line without its terminator; false at the end.
  Result<bool> Line(std::string* line);

 private:
  Status Refill();

  ObjectStore& store_;
  std::string key_;
  std::string buffer_;
  size_t pos_ = 0;
  uint64_t offset_ = 0;
  bool eof_ = false;
};

// A value of one row, before conversion.
struct TextCell {
  std::string text;
  bool null = false;
};

// Appends one row of cells (one per schema field) to `batch`, all or nothing.
Status AppendRow(const std::vector<TextCell>& cells, ColumnBatch* batch,
                 std::string* failed_column);

// A row that did not fit: kInvalidArgument naming file, line and column when there is no sink,
// else the row goes to `rejects` (with `text`, built only then) and `*rejected` counts it.
Status RejectRow(const RejectSink& rejects, const std::string& uri, int64_t line,
                 const std::string& column, const Status& why,
                 const std::function<std::string()>& text, int64_t* rejected);

// The narrowest type that every sample parses as (boolean, long, double, date, timestamp,
// timestamptz), else string.
DataType InferType(const std::vector<std::string>& samples);

// The CSV and JSON-lines readers and writers (csv.cc, json_lines.cc).
Result<std::unique_ptr<TextTableReader>> OpenCsvReader(ObjectStore& store, std::string key,
                                                       TextOptions options,
                                                       std::shared_ptr<const Schema> schema,
                                                       RejectSink rejects);
Result<std::unique_ptr<TextTableReader>> OpenJsonLinesReader(ObjectStore& store, std::string key,
                                                             TextOptions options,
                                                             std::shared_ptr<const Schema> schema,
                                                             RejectSink rejects);
Result<std::unique_ptr<TextTableWriter>> OpenCsvWriter(std::unique_ptr<ObjectWriter> out,
                                                       TextOptions options,
                                                       std::shared_ptr<const Schema> schema);
Result<std::unique_ptr<TextTableWriter>> OpenJsonLinesWriter(std::unique_ptr<ObjectWriter> out,
                                                             std::shared_ptr<const Schema> schema);

}  // namespace tarn
