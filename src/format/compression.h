// Block compression for file formats: Parquet pages (snappy, gzip, zstd; LZ4_RAW and Brotli
// for reading only) and, later, Avro blocks (deflate). Compress never fails on valid input;
// Decompress reports corrupt input.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace tarn {

enum class CompressionCodec { kNone, kSnappy, kGzip, kZstd, kLz4Raw, kBrotli };

// "none", "snappy", "gzip", "zstd".
std::string_view CodecName(CompressionCodec codec);
Result<CompressionCodec> ParseCodec(std::string_view name);

// `level` applies to gzip (1..9) and zstd (1..22); 0 means the codec's default.
Result<std::string> Compress(CompressionCodec codec, std::string_view input, int level = 0);
// `uncompressed_size` is what the container promised; a mismatch is kCorruption.
Result<std::string> Decompress(CompressionCodec codec, std::string_view input,
                               size_t uncompressed_size);
// The same into `out` (resized; its capacity is reused), for callers that decode many blocks.
Status DecompressInto(CompressionCodec codec, std::string_view input, size_t uncompressed_size,
                      std::string* out);

}  // namespace tarn
