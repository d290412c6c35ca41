#include "format/avro/avro_file.h"

#include <zlib.h>

#include <cstring>

#include "base/random.h"

namespace tarn {
namespace {

constexpr std::string_view kMagic("Obj\x01", 4);
constexpr size_t kSyncSize = 16;
constexpr size_t kBlockTarget = 256 << 10;           // the writer starts a new block past this
constexpr size_t kMaxBlockBytes = size_t{64} << 20;  // a block may not inflate past this
constexpr int kMaxDepth = 128;
constexpr int64_t kMaxZeroSizeItems = int64_t{1} << 20;  // items of 0 bytes (nulls) per array

// ---- Encoding -----------------------------------------------------------------------------

void PutLong(int64_t v, std::string* out) {
  uint64_t z = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  while (z >= 0x80) {
    out->push_back(static_cast<char>((z & 0x7F) | 0x80));
    z >>= 7;
  }
  out->push_back(static_cast<char>(z));
}

void PutBytes(std::string_view v, std::string* out) {
  PutLong(static_cast<int64_t>(v.size()), out);
  out->append(v);
}

template <typename T>
void PutLE(T v, std::string* out) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &v, sizeof(T));  // Avro is little-endian, as this machine is
  out->append(bytes, sizeof(T));
}

// Whether a value of type `have` may be written as `want` (ints widen to long, floats to double,
// strings and bytes are both byte strings).
bool Fits(AvroType want, AvroType have) {
  if (want == have) return true;
  switch (want) {
    case AvroType::kLong:
      return have == AvroType::kInt;
    case AvroType::kDouble:
      return have == AvroType::kFloat;
    case AvroType::kFloat:
      return have == AvroType::kDouble;
    case AvroType::kString:
      return have == AvroType::kBytes;
    case AvroType::kBytes:
      return have == AvroType::kString;
    default:
      return false;
  }
}

Status Mismatch(const AvroSchema& schema, const AvroValue& value) {
  return Status::InvalidArgument("expected " + std::string(AvroTypeName(schema.type)) + ", got " +
                                 std::string(AvroTypeName(value.type)));
}

Status Encode(const AvroSchema& schema, const AvroValue& value, std::string* out) {
  if (schema.type == AvroType::kUnion) {
    size_t branch = value.branch;
    const AvroValue* inner = &value;
    if (value.type == AvroType::kUnion) {
      if (value.items.size() != 1 || branch >= schema.branches.size()) {
        return Status::InvalidArgument("union branch " + std::to_string(branch) +
                                       " does not exist");
      }
      inner = &value.items[0];
    } else {
      // The first branch the value fits, exact types first.
      branch = schema.branches.size();
      for (int pass = 0; pass < 2 && branch == schema.branches.size(); ++pass) {
        for (size_t b = 0; b < schema.branches.size(); ++b) {
          AvroType t = schema.branches[b]->type;
          if (pass == 0 ? t == value.type : Fits(t, value.type)) {
            branch = b;
            break;
          }
        }
      }
      if (branch == schema.branches.size()) {
        return Status::InvalidArgument("no branch of the union takes a " +
                                       std::string(AvroTypeName(value.type)));
      }
    }
    PutLong(static_cast<int64_t>(branch), out);
    return Encode(*schema.branches[branch], *inner, out);
  }
  if (!Fits(schema.type, value.type)) return Mismatch(schema, value);
  switch (schema.type) {
    case AvroType::kNull:
      return Status::OK();
    case AvroType::kBoolean:
      out->push_back(value.boolean ? 1 : 0);
      return Status::OK();
    case AvroType::kInt:
      if (value.integer < INT32_MIN || value.integer > INT32_MAX) {
        return Status::InvalidArgument(std::to_string(value.integer) + " does not fit an int");
      }
      PutLong(value.integer, out);
      return Status::OK();
    case AvroType::kLong:
      PutLong(value.integer, out);
      return Status::OK();
    case AvroType::kFloat:
      PutLE(static_cast<float>(value.real), out);
      return Status::OK();
    case AvroType::kDouble:
      PutLE(value.real, out);
      return Status::OK();
    case AvroType::kBytes:
    case AvroType::kString:
      PutBytes(value.bytes, out);
      return Status::OK();
    case AvroType::kFixed:
      if (static_cast<int64_t>(value.bytes.size()) != schema.size) {
        return Status::InvalidArgument("fixed " + schema.name + " takes " +
                                       std::to_string(schema.size) + " bytes, got " +
                                       std::to_string(value.bytes.size()));
      }
      out->append(value.bytes);
      return Status::OK();
    case AvroType::kEnum:
      if (value.integer < 0 || value.integer >= static_cast<int64_t>(schema.symbols.size())) {
        return Status::InvalidArgument("enum " + schema.name + " has no symbol " +
                                       std::to_string(value.integer));
      }
      PutLong(value.integer, out);
      return Status::OK();
    case AvroType::kRecord:
      if (value.items.size() != schema.fields.size()) {
        return Status::InvalidArgument("record " + schema.name + " has " +
                                       std::to_string(schema.fields.size()) + " fields, got " +
                                       std::to_string(value.items.size()));
      }
      for (size_t i = 0; i < schema.fields.size(); ++i) {
        Status status = Encode(*schema.fields[i].schema, value.items[i], out);
        if (!status.ok()) return status.WithContext("field '" + schema.fields[i].name + "'");
      }
      return Status::OK();
    case AvroType::kArray:
    case AvroType::kMap: {
      bool map = schema.type == AvroType::kMap;
      if (map && value.keys.size() != value.items.size()) {
        return Status::InvalidArgument("map has " + std::to_string(value.keys.size()) +
                                       " keys for " + std::to_string(value.items.size()) +
                                       " values");
      }
      if (!value.items.empty()) {
        PutLong(static_cast<int64_t>(value.items.size()), out);
        for (size_t i = 0; i < value.items.size(); ++i) {
          if (map) PutBytes(value.keys[i], out);
          TARN_RETURN_IF_ERROR(Encode(*schema.items, value.items[i], out));
        }
      }
      PutLong(0, out);
      return Status::OK();
    }
    case AvroType::kUnion:
      break;  // handled above
  }
  return Status::Internal("unhandled Avro type");
}

// ---- Decoding -----------------------------------------------------------------------------

// The fewest bytes a value of `schema` takes, to bound counts against the bytes that remain.
size_t MinSize(const AvroSchema& schema, int depth = 0) {
  if (depth > kMaxDepth) return 0;
  switch (schema.type) {
    case AvroType::kNull:
      return 0;
    case AvroType::kFloat:
      return 4;
    case AvroType::kDouble:
      return 8;
    case AvroType::kFixed:
      return static_cast<size_t>(schema.size);
    case AvroType::kRecord: {
      size_t total = 0;
      for (const AvroField& f : schema.fields) total += MinSize(*f.schema, depth + 1);
      return total;
    }
    default:
      return 1;
  }
}

class Decoder {
 public:
  explicit Decoder(std::string_view data) : data_(data) {}
  size_t pos() const { return pos_; }
  size_t left() const { return data_.size() - pos_; }

  Status Long(int64_t* v) {
    uint64_t z = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (pos_ >= data_.size()) return Status::Corruption("a number runs past the end");
      uint8_t byte = static_cast<uint8_t>(data_[pos_++]);
      z |= static_cast<uint64_t>(byte & 0x7F) << shift;
      if ((byte & 0x80) == 0) {
        *v = static_cast<int64_t>(z >> 1) ^ -static_cast<int64_t>(z & 1);
        return Status::OK();
      }
    }
    return Status::Corruption("a number is longer than 10 bytes");
  }

  Status Raw(size_t n, std::string_view* v) {
    if (n > left()) {
      return Status::Corruption(std::to_string(n) + " bytes claimed, " + std::to_string(left()) +
                                " remain");
    }
    *v = data_.substr(pos_, n);
    pos_ += n;
    return Status::OK();
  }

  Status Bytes(std::string_view* v) {
    int64_t n;
    TARN_RETURN_IF_ERROR(Long(&n));
    if (n < 0) return Status::Corruption("a negative length " + std::to_string(n));
    return Raw(static_cast<size_t>(n), v);
  }

  Status Value(const AvroSchema& schema, AvroValue* out, int depth) {
    if (depth > kMaxDepth) return Status::Corruption("values nest too deeply");
    *out = AvroValue();
    out->type = schema.type;
    switch (schema.type) {
      case AvroType::kNull:
        return Status::OK();
      case AvroType::kBoolean: {
        std::string_view b;
        TARN_RETURN_IF_ERROR(Raw(1, &b));
        if (b[0] != 0 && b[0] != 1) return Status::Corruption("a boolean byte is not 0 or 1");
        out->boolean = b[0] == 1;
        return Status::OK();
      }
      case AvroType::kInt:
        TARN_RETURN_IF_ERROR(Long(&out->integer));
        if (out->integer < INT32_MIN || out->integer > INT32_MAX) {
          return Status::Corruption("an int out of range");
        }
        return Status::OK();
      case AvroType::kLong:
        return Long(&out->integer);
      case AvroType::kFloat: {
        std::string_view b;
        TARN_RETURN_IF_ERROR(Raw(4, &b));
        float f;
        std::memcpy(&f, b.data(), 4);
        out->real = f;
        return Status::OK();
      }
      case AvroType::kDouble: {
        std::string_view b;
        TARN_RETURN_IF_ERROR(Raw(8, &b));
        std::memcpy(&out->real, b.data(), 8);
        return Status::OK();
      }
      case AvroType::kBytes:
      case AvroType::kString: {
        std::string_view b;
        TARN_RETURN_IF_ERROR(Bytes(&b));
        out->bytes.assign(b);
        return Status::OK();
      }
      case AvroType::kFixed: {
        std::string_view b;
        TARN_RETURN_IF_ERROR(Raw(static_cast<size_t>(schema.size), &b));
        out->bytes.assign(b);
        return Status::OK();
      }
      case AvroType::kEnum:
        TARN_RETURN_IF_ERROR(Long(&out->integer));
        if (out->integer < 0 || out->integer >= static_cast<int64_t>(schema.symbols.size())) {
          return Status::Corruption("enum index " + std::to_string(out->integer) +
                                    " is out of range");
        }
        return Status::OK();
      case AvroType::kUnion: {
        int64_t branch;
        TARN_RETURN_IF_ERROR(Long(&branch));
        if (branch < 0 || branch >= static_cast<int64_t>(schema.branches.size())) {
          return Status::Corruption("union branch " + std::to_string(branch) + " of " +
                                    std::to_string(schema.branches.size()));
        }
        out->branch = static_cast<size_t>(branch);
        out->items.resize(1);
        return Value(*schema.branches[out->branch], &out->items[0], depth + 1);
      }
      case AvroType::kRecord:
        out->items.resize(schema.fields.size());
        for (size_t i = 0; i < schema.fields.size(); ++i) {
          Status status = Value(*schema.fields[i].schema, &out->items[i], depth + 1);
          if (!status.ok()) return status.WithContext("field '" + schema.fields[i].name + "'");
        }
        return Status::OK();
      case AvroType::kArray:
      case AvroType::kMap: {
        const bool map = schema.type == AvroType::kMap;
        const size_t min = MinSize(*schema.items) + (map ? 1 : 0);
        while (true) {
          int64_t count;
          TARN_RETURN_IF_ERROR(Long(&count));
          if (count == 0) return Status::OK();
          if (count < 0) {
            if (count == INT64_MIN) return Status::Corruption("a block count of -2^63");
            count = -count;
            int64_t size;
            TARN_RETURN_IF_ERROR(Long(&size));  // the block's byte size, which we don't need
            if (size < 0) return Status::Corruption("a negative block size");
          }
          bool too_many = min == 0
                              ? static_cast<int64_t>(out->items.size()) + count > kMaxZeroSizeItems
                              : static_cast<uint64_t>(count) > left() / min;
          if (too_many) {
            return Status::Corruption("a block claims " + std::to_string(count) +
                                      " items, more than the data can hold");
          }
          for (int64_t i = 0; i < count; ++i) {
            if (map) {
              std::string_view key;
              TARN_RETURN_IF_ERROR(Bytes(&key));
              out->keys.emplace_back(key);
            }
            out->items.emplace_back();
            TARN_RETURN_IF_ERROR(Value(*schema.items, &out->items.back(), depth + 1));
          }
        }
      }
    }
    return Status::Internal("unhandled Avro type");
  }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

std::string RawDeflate(std::string_view input) {
  z_stream stream{};
  deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&stream, static_cast<uLong>(input.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  stream.avail_in = static_cast<uInt>(input.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

Status RawInflate(std::string_view input, std::string* out) {
  z_stream stream{};
  if (inflateInit2(&stream, -15) != Z_OK) return Status::Internal("deflate: cannot initialize");
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  stream.avail_in = static_cast<uInt>(input.size());
  out->clear();
  char buffer[64 << 10];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof(buffer);
    rc = inflate(&stream, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    out->append(buffer, sizeof(buffer) - stream.avail_out);
    if (out->size() > kMaxBlockBytes) {
      inflateEnd(&stream);
      return Status::Corruption("a deflate block inflates past " +
                                std::to_string(kMaxBlockBytes >> 20) + " MiB");
    }
    if (rc == Z_OK && stream.avail_in == 0 && stream.avail_out != 0) break;  // truncated
  }
  inflateEnd(&stream);
  if (rc != Z_STREAM_END) return Status::Corruption("a deflate block is corrupt or truncated");
  return Status::OK();
}

}  // namespace

Status EncodeAvro(const AvroSchema& schema, const AvroValue& value, std::string* out) {
  return Encode(schema, value, out);
}

// ---- Writer -------------------------------------------------------------------------------

AvroFileWriter::AvroFileWriter(AvroSchemaPtr schema,
                               std::vector<std::pair<std::string, std::string>> metadata,
                               AvroCodec codec)
    : schema_(std::move(schema)), codec_(codec) {
  for (int i = 0; i < 2; ++i) PutLE(RandomU64(), &sync_);
  file_.append(kMagic);
  metadata.insert(metadata.begin(),
                  {"avro.codec", codec == AvroCodec::kDeflate ? "deflate" : "null"});
  metadata.insert(metadata.begin(), {"avro.schema", AvroSchemaToJson(*schema_)});
  PutLong(static_cast<int64_t>(metadata.size()), &file_);
  for (const auto& [key, value] : metadata) {
    PutBytes(key, &file_);
    PutBytes(value, &file_);
  }
  PutLong(0, &file_);
  file_.append(sync_);
}

Status AvroFileWriter::Append(const AvroValue& record) {
  size_t before = block_.size();
  Status status = Encode(*schema_, record, &block_);
  if (!status.ok()) {
    block_.resize(before);
    return status.WithContext("Avro record " + std::to_string(records_));
  }
  ++block_records_;
  ++records_;
  if (block_.size() >= kBlockTarget) FlushBlock();
  return Status::OK();
}

void AvroFileWriter::FlushBlock() {
  if (block_records_ == 0) return;
  PutLong(static_cast<int64_t>(block_records_), &file_);
  std::string data = codec_ == AvroCodec::kDeflate ? RawDeflate(block_) : std::move(block_);
  PutBytes(data, &file_);
  file_.append(sync_);
  block_.clear();
  block_records_ = 0;
}

std::string AvroFileWriter::Finish() {
  FlushBlock();
  return std::move(file_);
}

// ---- Reader -------------------------------------------------------------------------------

Status AvroFileReader::Corrupt(const std::string& what) const {
  return Status::Corruption("'" + name_ + "': not a valid Avro file: " + what);
}

Result<std::unique_ptr<AvroFileReader>> AvroFileReader::Open(std::string bytes, std::string name) {
  std::unique_ptr<AvroFileReader> reader(new AvroFileReader(std::move(bytes), std::move(name)));
  TARN_RETURN_IF_ERROR(reader->ReadHeader());
  return reader;
}

Status AvroFileReader::ReadHeader() {
  if (bytes_.size() < kMagic.size() || std::string_view(bytes_).substr(0, 4) != kMagic) {
    return Corrupt("it does not start with Obj\\x01");
  }
  Decoder d(std::string_view(bytes_).substr(kMagic.size()));
  while (true) {
    int64_t count;
    Status status = d.Long(&count);
    if (!status.ok()) return Corrupt("header: " + status.message());
    if (count == 0) break;
    if (count < 0) {
      int64_t size;
      if (count == INT64_MIN || !d.Long(&size).ok()) return Corrupt("header: bad block count");
      count = -count;
    }
    if (static_cast<uint64_t>(count) > d.left() / 2) {
      return Corrupt("header claims " + std::to_string(count) + " metadata entries");
    }
    for (int64_t i = 0; i < count; ++i) {
      std::string_view key, value;
      if (!d.Bytes(&key).ok() || !d.Bytes(&value).ok()) {
        return Corrupt("header metadata runs past the end");
      }
      metadata_[std::string(key)] = std::string(value);
    }
  }
  std::string_view sync;
  if (!d.Raw(kSyncSize, &sync).ok()) return Corrupt("header ends before its sync marker");
  sync_.assign(sync);
  pos_ = kMagic.size() + d.pos();

  std::string codec = Metadata("avro.codec");
  if (codec.empty() || codec == "null") {
    codec_ = AvroCodec::kNull;
  } else if (codec == "deflate") {
    codec_ = AvroCodec::kDeflate;
  } else {
    return Status::NotImplemented("'" + name_ + "': Avro codec '" + codec +
                                  "' (tarn reads null and deflate)");
  }
  auto schema = metadata_.find("avro.schema");
  if (schema == metadata_.end()) return Corrupt("the header has no avro.schema");
  Result<AvroSchemaPtr> parsed = ParseAvroSchema(schema->second);
  if (!parsed.ok()) {
    if (parsed.status().code() == StatusCode::kNotImplemented) {
      return parsed.status().WithContext("'" + name_ + "'");
    }
    return Corrupt(parsed.status().message());
  }
  schema_ = *std::move(parsed);
  return Status::OK();
}

std::string AvroFileReader::Metadata(const std::string& key) const {
  auto it = metadata_.find(key);
  return it == metadata_.end() ? "" : it->second;
}

Status AvroFileReader::NextBlock() {
  Decoder d(std::string_view(bytes_).substr(pos_));
  int64_t count, size;
  if (!d.Long(&count).ok() || !d.Long(&size).ok()) return Corrupt("a block header is truncated");
  if (count < 0 || size < 0) return Corrupt("a block claims a negative count or size");
  std::string_view data, sync;
  if (!d.Raw(static_cast<size_t>(size), &data).ok()) {
    return Corrupt("a block of " + std::to_string(size) + " bytes runs past the end");
  }
  if (!d.Raw(kSyncSize, &sync).ok() || sync != sync_) {
    return Corrupt("a block does not end with the file's sync marker");
  }
  if (codec_ == AvroCodec::kDeflate) {
    Status status = RawInflate(data, &inflated_);
    if (!status.ok()) return Corrupt(status.message());
    data = inflated_;
  }
  size_t min = MinSize(*schema_);
  if (min == 0 ? count > kMaxZeroSizeItems : static_cast<uint64_t>(count) > data.size() / min) {
    return Corrupt("a block claims " + std::to_string(count) + " records in " +
                   std::to_string(data.size()) + " bytes");
  }
  pos_ += d.pos();
  block_ = data;
  block_pos_ = 0;
  block_left_ = count;
  return Status::OK();
}

Result<bool> AvroFileReader::Next(AvroValue* value) {
  while (block_left_ == 0) {
    if (block_pos_ != block_.size()) {
      return Corrupt("a block holds " + std::to_string(block_.size() - block_pos_) +
                     " bytes after its last record");
    }
    if (pos_ == bytes_.size()) return false;
    TARN_RETURN_IF_ERROR(NextBlock());
  }
  Decoder d(block_.substr(block_pos_));
  Status status = d.Value(*schema_, value, 0);
  if (!status.ok()) return Corrupt("record: " + status.message());
  block_pos_ += d.pos();
  --block_left_;
  return true;
}

Result<std::vector<AvroValue>> AvroFileReader::ReadAll() {
  std::vector<AvroValue> records;
  while (true) {
    records.emplace_back();
    TARN_ASSIGN_OR_RETURN(bool more, Next(&records.back()));
    if (!more) break;
  }
  records.pop_back();
  return records;
}

}  // namespace tarn
