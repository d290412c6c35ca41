// ObjectStore: the seam between tarn and the bytes of a lake, shaped for object stores (flat
// keys, no rename, no append), in the spirit of LevelDB's Env and Arrow's FileSystem.
//
// Keys are relative to the store's root ("warehouse/ns/t/data/x.parquet"). Every backend applies
// the same key rules (ValidateKey): non-empty, at most 1024 bytes, no NUL or control characters,
// no leading '/', no empty, '.' or '..' segments, no segment starting with ".tarn-tmp-". A key
// that breaks them is kInvalidArgument before any I/O, so no key can escape the root.
//
// All methods are thread-safe. Writes are atomic: a reader sees the whole old object or the
// whole new one, never part of either.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace tarn {

struct ObjectInfo {
  std::string key;
  uint64_t size = 0;
  int64_t modified_micros = 0;  // last modification, microseconds since the epoch
  std::string etag;             // backend-specific; may be empty
};

struct ListPage {
  std::vector<ObjectInfo> objects;  // ascending by key (byte order)
  std::string next_page_token;      // empty when this is the last page
};

// A streaming upload. Nothing is visible under the key until Close() returns OK.
// Destroying an unclosed writer aborts it. Not thread-safe.
class ObjectWriter {
 public:
  virtual ~ObjectWriter() = default;
  virtual Status Append(std::string_view data) = 0;
  // Publishes the object atomically. After any call to Close the writer is finished.
  virtual Status Close() = 0;
  // Discards what was written (aborts a multipart upload). Idempotent.
  virtual void Abort() = 0;
  virtual uint64_t bytes_written() const = 0;
};

class ObjectStore {
 public:
  static constexpr uint64_t kToEnd = UINT64_MAX;

  virtual ~ObjectStore() = default;

  // The full URI of `key` as other engines see it: "file:///lake/k", "s3://bucket/prefix/k".
  virtual std::string Uri(std::string_view key) const = 0;

  // Size and modification time. kNotFound for a missing key.
  virtual Result<ObjectInfo> Stat(std::string_view key) = 0;

  // Bytes [offset, offset + length) clipped to the object's end; empty when offset is at or past
  // the end. kNotFound for a missing key.
  virtual Result<std::string> ReadRange(std::string_view key, uint64_t offset, uint64_t length) = 0;
  Result<std::string> Get(std::string_view key) { return ReadRange(key, 0, kToEnd); }

  // Creates or replaces the object, atomically.
  virtual Status Put(std::string_view key, std::string_view data) = 0;
  // Creates the object only if the key is free, else kAlreadyExists. Atomic on local and memory
  // stores; on S3 it relies on the server honouring If-None-Match (see docs/object-store.md).
  virtual Status PutIfAbsent(std::string_view key, std::string_view data) = 0;
  // Starts a streaming upload (multipart on S3). Memory use is bounded by the part size.
  virtual Result<std::unique_ptr<ObjectWriter>> OpenWriter(std::string_view key) = 0;

  // One page of the keys that start with `prefix` (which need not end in '/'). Pass the previous
  // page's next_page_token to continue; `max_keys` is at most 1000.
  virtual Result<ListPage> List(std::string_view prefix, std::string_view page_token,
                                int max_keys) = 0;
  // Every key under `prefix`, page by page, in order; stops at the first error `fn` returns.
  Status ListAll(std::string_view prefix, const std::function<Status(const ObjectInfo&)>& fn);

  // Removes the object. A missing key is OK (deletes are idempotent, as on S3).
  virtual Status Delete(std::string_view key) = 0;
  // Removes every key; missing keys are OK. Every key is validated before any is removed, but
  // the removal is not atomic as a whole: on error, some may be gone. The default deletes one
  // by one; backends with a batch call override it.
  virtual Status DeleteMany(const std::vector<std::string>& keys);

  // A URL that lets anyone holding it GET the object until it expires (1 s to 7 days).
  // kNotImplemented where the backend has no such thing (local, memory).
  virtual Result<std::string> PresignGet(std::string_view key, int64_t expires_seconds);
};

// OK when `key` obeys the key rules above; otherwise kInvalidArgument naming the key.
Status ValidateKey(std::string_view key);
// The rules for a List prefix: empty, or a key's rules except that it may end with '/'.
Status ValidatePrefix(std::string_view prefix);
// `key` for messages, with control characters escaped ("a\x00b").
std::string PrintableKey(std::string_view key);

}  // namespace tarn
