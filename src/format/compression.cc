#include "format/compression.h"

#include <brotli/decode.h>
#include <lz4.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

namespace tarn {
namespace {

Result<std::string> GzipCompress(std::string_view input, int level) {
  z_stream stream{};
  // windowBits 15 + 16: a gzip wrapper (RFC 1952), as Parquet's GZIP codec requires.
  if (deflateInit2(&stream, level == 0 ? Z_DEFAULT_COMPRESSION : level, Z_DEFLATED, 15 + 16, 8,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    return Status::Internal("gzip: cannot initialize the compressor");
  }
  std::string out(deflateBound(&stream, input.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  stream.avail_in = static_cast<uInt>(input.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  if (rc != Z_STREAM_END) return Status::Internal("gzip: compression did not finish");
  return out;
}

Status GzipDecompress(std::string_view input, size_t size, std::string* out) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 32) != Z_OK) {  // +32: accept gzip or zlib headers
    return Status::Internal("gzip: cannot initialize the decompressor");
  }
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  stream.avail_in = static_cast<uInt>(input.size());
  stream.next_out = reinterpret_cast<Bytef*>(out->data());
  stream.avail_out = static_cast<uInt>(out->size());
  int rc = inflate(&stream, Z_FINISH);
  size_t produced = stream.total_out;
  inflateEnd(&stream);
  if (rc != Z_STREAM_END || produced != size) {
    return Status::Corruption("gzip data is corrupt or not " + std::to_string(size) + " bytes");
  }
  return Status::OK();
}

// One decompression context per thread: ZSTD_decompress would allocate a fresh one per call.
ZSTD_DCtx* ThreadZstdContext() {
  struct Holder {
    ZSTD_DCtx* context = ZSTD_createDCtx();
    ~Holder() { ZSTD_freeDCtx(context); }
  };
  thread_local Holder holder;
  return holder.context;
}

}  // namespace

std::string_view CodecName(CompressionCodec codec) {
  switch (codec) {
    case CompressionCodec::kNone:
      return "none";
    case CompressionCodec::kSnappy:
      return "snappy";
    case CompressionCodec::kGzip:
      return "gzip";
    case CompressionCodec::kZstd:
      return "zstd";
    case CompressionCodec::kLz4Raw:
      return "lz4_raw";
    case CompressionCodec::kBrotli:
      return "brotli";
  }
  return "unknown";
}

Result<CompressionCodec> ParseCodec(std::string_view name) {
  // Only the codecs tarn writes can be chosen.
  for (CompressionCodec c : {CompressionCodec::kNone, CompressionCodec::kSnappy,
                             CompressionCodec::kGzip, CompressionCodec::kZstd}) {
    if (CodecName(c) == name) return c;
  }
  return Status::InvalidArgument("compression '" + std::string(name) +
                                 "' is not one of zstd, snappy, gzip, none");
}

Result<std::string> Compress(CompressionCodec codec, std::string_view input, int level) {
  switch (codec) {
    case CompressionCodec::kNone:
      return std::string(input);
    case CompressionCodec::kSnappy: {
      size_t length = snappy_max_compressed_length(input.size());
      std::string out(length, '\0');
      if (snappy_compress(input.data(), input.size(), out.data(), &length) != SNAPPY_OK) {
        return Status::Internal("snappy: compression failed");
      }
      out.resize(length);
      return out;
    }
    case CompressionCodec::kGzip:
      return GzipCompress(input, level);
    case CompressionCodec::kZstd: {
      std::string out(ZSTD_compressBound(input.size()), '\0');
      size_t n = ZSTD_compress(out.data(), out.size(), input.data(), input.size(),
                               level == 0 ? ZSTD_CLEVEL_DEFAULT : level);
      if (ZSTD_isError(n)) return Status::Internal(std::string("zstd: ") + ZSTD_getErrorName(n));
      out.resize(n);
      return out;
    }
    case CompressionCodec::kLz4Raw:
    case CompressionCodec::kBrotli:
      break;
  }
  return Status::NotImplemented("tarn reads " + std::string(CodecName(codec)) +
                                " but does not write it");
}

Result<std::string> Decompress(CompressionCodec codec, std::string_view input,
                               size_t uncompressed_size) {
  std::string out;
  TARN_RETURN_IF_ERROR(DecompressInto(codec, input, uncompressed_size, &out));
  return out;
}

Status DecompressInto(CompressionCodec codec, std::string_view input, size_t uncompressed_size,
                      std::string* out) {
  // resize() keeps the buffer's capacity, so a caller that passes the same string for every
  // page allocates once.
  out->resize(uncompressed_size);
  switch (codec) {
    case CompressionCodec::kNone:
      if (input.size() != uncompressed_size) {
        return Status::Corruption("uncompressed data is " + std::to_string(input.size()) +
                                  " bytes, expected " + std::to_string(uncompressed_size));
      }
      out->assign(input);
      return Status::OK();
    case CompressionCodec::kSnappy: {
      size_t length = 0;
      if (snappy_uncompressed_length(input.data(), input.size(), &length) != SNAPPY_OK ||
          length != uncompressed_size) {
        return Status::Corruption("snappy data is corrupt or not " +
                                  std::to_string(uncompressed_size) + " bytes");
      }
      if (snappy_uncompress(input.data(), input.size(), out->data(), &length) != SNAPPY_OK) {
        return Status::Corruption("snappy data is corrupt");
      }
      return Status::OK();
    }
    case CompressionCodec::kGzip:
      return GzipDecompress(input, uncompressed_size, out);
    case CompressionCodec::kZstd: {
      ZSTD_DCtx* context = ThreadZstdContext();
      if (context == nullptr) return Status::Internal("zstd: cannot create a decompressor");
      size_t n = ZSTD_decompressDCtx(context, out->data(), out->size(), input.data(), input.size());
      if (ZSTD_isError(n) || n != uncompressed_size) {
        return Status::Corruption("zstd data is corrupt or not " +
                                  std::to_string(uncompressed_size) + " bytes");
      }
      return Status::OK();
    }
    case CompressionCodec::kLz4Raw: {
      int n = LZ4_decompress_safe(input.data(), out->data(), static_cast<int>(input.size()),
                                  static_cast<int>(out->size()));
      if (n < 0 || static_cast<size_t>(n) != uncompressed_size || input.size() > INT32_MAX) {
        return Status::Corruption("lz4 data is corrupt or not " +
                                  std::to_string(uncompressed_size) + " bytes");
      }
      return Status::OK();
    }
    case CompressionCodec::kBrotli: {
      size_t n = out->size();
      if (BrotliDecoderDecompress(input.size(), reinterpret_cast<const uint8_t*>(input.data()), &n,
                                  reinterpret_cast<uint8_t*>(out->data())) !=
              BROTLI_DECODER_RESULT_SUCCESS ||
          n != uncompressed_size) {
        return Status::Corruption("brotli data is corrupt or not " +
                                  std::to_string(uncompressed_size) + " bytes");
      }
      return Status::OK();
    }
  }
  return Status::InvalidArgument("unknown compression codec");
}

}  // namespace tarn
