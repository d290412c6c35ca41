// Files named on the command line: a local path or an s3://bucket/key URI, opened as an
// ObjectStore plus the key inside it (S3 settings from the AWS_* environment).
#pragma once

#include <memory>
#include <string>

#include "store/object_store.h"

namespace tarn {

struct FileLocation {
  std::unique_ptr<ObjectStore> store;
  std::string key;
  std::string shown;  // as the user wrote it, for messages
};

// For reading: kNotFound when a local file does not exist. For writing: creates the folder.
Result<FileLocation> OpenFileLocation(const std::string& path, bool for_writing);

// An ObjectWriter onto standard output (Close flushes; Abort does nothing).
std::unique_ptr<ObjectWriter> StdoutWriter();

}  // namespace tarn
