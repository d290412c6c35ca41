// Text tables: CSV (RFC 4180) and JSON lines, read into ColumnBatches and written from them.
// Values use the text forms of value_text.h.
//
// CSV: a quoted field may hold the delimiter, quotes (doubled) and line breaks; CRLF or LF ends a
// record; an unquoted field equal to `null_marker` (empty by default) is null, while a quoted
// empty field is the empty string. JSON lines: one object per line; keys are column names;
// a missing key or null is null; a string column takes any scalar as its JSON text.
//
// With a schema, columns are matched by name (CSV by header, or by position without one); a
// schema column the file lacks reads as null when optional. Without one, the schema is inferred
// from the first `sample_rows` rows: boolean, long, double, date, timestamp(tz), else string,
// every column optional.
//
// A row that does not fit is kInvalidArgument naming file, line and column, unless a RejectSink
// is given: then the row goes there with its reason and reading goes on.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "columnar/column_batch.h"
#include "store/object_store.h"

namespace tarn {

enum class TextFormat { kCsv, kJsonLines };

struct TextOptions {
  char delimiter = ',';       // CSV
  bool header = true;         // CSV
  std::string null_marker;    // CSV: an unquoted field equal to this is null
  size_t sample_rows = 1000;  // inference
};

struct RejectedRow {
  int64_t line = 0;
  std::string reason;
  std::string text;  // the row as read (CSV: re-encoded fields; JSON lines: the line)
};
using RejectSink = std::function<Status(const RejectedRow&)>;

class TextTableReader {
 public:
  virtual ~TextTableReader() = default;
  // `schema` may be null: then it is inferred.
  static Result<std::unique_ptr<TextTableReader>> Open(ObjectStore& store, std::string key,
                                                       TextFormat format, TextOptions options,
                                                       std::shared_ptr<const Schema> schema,
                                                       RejectSink rejects = nullptr);
  const std::shared_ptr<const Schema>& schema() const { return schema_; }
  // Fills `batch` (cleared first) with up to `max_rows` rows; false once the input is done.
  virtual Result<bool> Next(size_t max_rows, ColumnBatch* batch) = 0;
  int64_t rows_rejected() const { return rejected_; }

 protected:
  std::shared_ptr<const Schema> schema_;
  int64_t rejected_ = 0;
};

class TextTableWriter {
 public:
  virtual ~TextTableWriter() = default;
  static Result<std::unique_ptr<TextTableWriter>> Open(ObjectStore& store, const std::string& key,
                                                       TextFormat format, TextOptions options,
                                                       std::shared_ptr<const Schema> schema);
  // Writes through `out` (a file's writer, or standard output).
  static Result<std::unique_ptr<TextTableWriter>> Open(std::unique_ptr<ObjectWriter> out,
                                                       TextFormat format, TextOptions options,
                                                       std::shared_ptr<const Schema> schema);
  virtual Status Write(const ColumnBatch& batch) = 0;
  // Publishes the file (atomically).
  virtual Status Close() = 0;
};

}  // namespace tarn
