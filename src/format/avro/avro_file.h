// Avro object container files (Avro 1.11 specification, "Object Container Files"), written and
// read in memory: the metadata files they serve (Iceberg manifests and manifest lists) are
// small, and a file must be complete before it is published anyway.
//
// Codecs: "null" and "deflate" (raw RFC 1951), the two that every Iceberg reader understands.
// The reader trusts nothing in the file: every length and count is checked against the bytes
// that remain, nesting is bounded, and a deflate block may not inflate past a limit, so a
// corrupt or hostile file is a kCorruption naming the file, never a crash or a huge allocation.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "format/avro/avro_schema.h"
#include "format/avro/avro_value.h"

namespace tarn {

enum class AvroCodec { kNull, kDeflate };

// The binary encoding of one datum (exposed for tests and for single-object uses).
Status EncodeAvro(const AvroSchema& schema, const AvroValue& value, std::string* out);

class AvroFileWriter {
 public:
  // `metadata` goes into the header beside avro.schema and avro.codec, in this order.
  AvroFileWriter(AvroSchemaPtr schema, std::vector<std::pair<std::string, std::string>> metadata,
                 AvroCodec codec = AvroCodec::kDeflate);

  // kInvalidArgument when `record` does not match the schema (naming the field).
  Status Append(const AvroValue& record);
  size_t records() const { return records_; }
  // The whole file. The writer must not be used afterwards.
  std::string Finish();

 private:
  void FlushBlock();

  AvroSchemaPtr schema_;
  AvroCodec codec_;
  std::string sync_;
  std::string file_;
  std::string block_;
  size_t block_records_ = 0;
  size_t records_ = 0;
};

class AvroFileReader {
 public:
  // Reads the header of `bytes`; `name` (a URI) names the file in errors.
  static Result<std::unique_ptr<AvroFileReader>> Open(std::string bytes, std::string name);

  const AvroSchemaPtr& schema() const { return schema_; }
  // Every header metadata entry, avro.schema and avro.codec included.
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  // A metadata value, or "" when absent.
  std::string Metadata(const std::string& key) const;
  AvroCodec codec() const { return codec_; }

  // The next record into `value`; false after the last one.
  Result<bool> Next(AvroValue* value);
  // Every remaining record.
  Result<std::vector<AvroValue>> ReadAll();

 private:
  AvroFileReader(std::string bytes, std::string name)
      : bytes_(std::move(bytes)), name_(std::move(name)) {}
  Status Corrupt(const std::string& what) const;
  Status ReadHeader();
  Status NextBlock();

  std::string bytes_;
  std::string name_;
  AvroSchemaPtr schema_;
  std::map<std::string, std::string> metadata_;
  AvroCodec codec_ = AvroCodec::kNull;
  std::string sync_;
  size_t pos_ = 0;          // the next block in bytes_
  std::string inflated_;    // the current block's data, when deflated
  std::string_view block_;  // the current block's data
  size_t block_pos_ = 0;
  int64_t block_left_ = 0;  // records left in the current block
};

}  // namespace tarn
