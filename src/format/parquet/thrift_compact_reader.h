// The Thrift compact protocol, reading side, for untrusted bytes: every length and count is
// checked against the bytes that remain before anything is allocated, varints stop at 10 bytes,
// nesting stops at 64 levels, and unknown fields are skipped. Errors are kCorruption.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "format/parquet/thrift_compact.h"

namespace tarn::parquet {

class ThriftCompactReader {
 public:
  explicit ThriftCompactReader(std::string_view data) : data_(data) {}

  size_t position() const { return pos_; }

  // Struct traversal: BeginStruct, then NextField until it returns false (the stop byte).
  Status BeginStruct();
  Result<bool> NextField(int16_t* id, ThriftType* type);
  void EndStruct() {
    if (!last_ids_.empty()) last_ids_.pop_back();
  }

  // Values of the field just announced by NextField (`type` is the announced type).
  Result<bool> ReadBool(ThriftType type);
  Result<int32_t> ReadI32(ThriftType type);
  Result<int64_t> ReadI64(ThriftType type);
  Result<std::string> ReadBinary(ThriftType type);
  // A list header: element type and count (count checked against the bytes left).
  Status ReadListHeader(ThriftType type, ThriftType* element, uint32_t* size);
  // Skips one value of `type`, nested containers included.
  Status Skip(ThriftType type);

  // List elements.
  Result<int32_t> ReadElementI32();
  Result<std::string> ReadElementBinary();

 private:
  Result<uint64_t> Varint();
  Result<int64_t> ZigZag();
  Status Expect(ThriftType got, ThriftType want);
  Status Error(const std::string& what) const;

  std::string_view data_;
  size_t pos_ = 0;
  std::vector<int16_t> last_ids_;
  int skip_depth_ = 0;
};

}  // namespace tarn::parquet
