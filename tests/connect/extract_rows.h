// Reading a Source's extraction back as text rows, for the source tests.
#pragma once

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "batch_text.h"
#include "connect/source.h"

namespace tarn::testing {

// Every row of an extraction as "v1|v2|...", NULL as "-".
inline Result<std::vector<std::string>> ReadAll(Source& source, ExtractRequest request) {
  std::vector<Field> fields;
  for (const SourceColumn& c : request.columns) {
    fields.push_back({static_cast<int32_t>(fields.size() + 1), c.name, *c.lake_type, false});
  }
  auto schema = std::make_shared<const Schema>(std::move(fields));
  TARN_ASSIGN_OR_RETURN(std::unique_ptr<BatchReader> reader, source.Extract(request));
  ColumnBatch batch(schema);
  std::vector<std::string> rows;
  while (true) {
    TARN_ASSIGN_OR_RETURN(bool more, reader->Next(&batch));
    if (!more) break;
    AppendRowsAsText(batch, "-", &rows);
  }
  return rows;
}

// The mapped columns of `table`, all of them or those named.
inline Result<ExtractRequest> RequestFor(Source& source, const SourceRelation& relation,
                                         const std::vector<std::string>& names = {}) {
  TARN_ASSIGN_OR_RETURN(SourceTable t, source.DescribeRelation(relation));
  ExtractRequest request;
  request.relation = relation;
  for (const SourceColumn& c : t.columns) {
    if (!c.lake_type) continue;
    if (!names.empty() && std::find(names.begin(), names.end(), c.name) == names.end()) continue;
    request.columns.push_back(c);
  }
  return request;
}

inline Result<ExtractRequest> RequestFor(Source& source, const std::string& table,
                                         const std::vector<std::string>& names = {}) {
  return RequestFor(source, SourceRelation::Table(table), names);
}

}  // namespace tarn::testing
