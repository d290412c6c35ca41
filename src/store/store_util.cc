#include "store/store_util.h"

namespace tarn {

Status BufferedWriter::Append(std::string_view data) {
  if (finished_) return Status::FailedPrecondition("append to a closed or aborted object writer");
  buffer_.append(data);
  bytes_ += data.size();
  return Status::OK();
}

Status BufferedWriter::Close() {
  if (finished_) return Status::FailedPrecondition("close of a closed or aborted object writer");
  finished_ = true;
  Status status = publish_(buffer_);
  buffer_.clear();
  buffer_.shrink_to_fit();
  return status;
}

}  // namespace tarn
