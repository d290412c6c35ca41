// Opens the ObjectStore for a lake location, chosen by URI scheme:
//   s3://bucket[/prefix]     S3Store (options from tarn.yaml and the AWS_* environment)
//   file:///abs/dir, /dir    LocalStore (a relative path is resolved against the current folder)
//   mem://name               MemoryStore (tests)
#pragma once

#include <memory>
#include <string_view>

#include "store/object_store.h"
#include "store/s3/s3_store.h"

namespace tarn {

Result<std::unique_ptr<ObjectStore>> OpenObjectStore(std::string_view location,
                                                     const S3Options& s3_options);

}  // namespace tarn
