// CSV (RFC 4180) reading and writing for text_table.h.
#include <set>

#include "columnar/value_text.h"
#include "format/text_table_internal.h"

namespace tarn {
namespace {

struct CsvField {
  std::string text;
  bool quoted = false;
};

// Splits the input into records, tracking the line each record starts on.
class CsvParser {
 public:
  CsvParser(ObjectStore& store, const std::string& key, char delimiter)
      : in_(store, key), delimiter_(delimiter) {}

  Result<bool> Next(std::vector<CsvField>* fields, int64_t* line) {
    fields->clear();
    TARN_ASSIGN_OR_RETURN(int c, in_.Get());
    while (c == '\n' || c == '\r') {  // blank lines hold no record
      if (c == '\n') ++line_;
      TARN_ASSIGN_OR_RETURN(c, in_.Get());
    }
    if (c < 0) return false;
    *line = line_;
    while (true) {
      CsvField field;
      if (c == '"') {
        field.quoted = true;
        while (true) {
          TARN_ASSIGN_OR_RETURN(c, in_.Get());
          if (c < 0) {
            return Status::InvalidArgument("line " + std::to_string(*line) +
                                           ": a quoted field never ends (broken quote)");
          }
          if (c == '"') {
            TARN_ASSIGN_OR_RETURN(int next, in_.Peek());
            if (next != '"') break;
            TARN_RETURN_IF_ERROR(in_.Get().status());
          } else if (c == '\n') {
            ++line_;
          }
          field.text.push_back(static_cast<char>(c));
        }
        TARN_ASSIGN_OR_RETURN(c, in_.Get());
        if (c >= 0 && c != delimiter_ && c != '\n' && c != '\r') {
          return Status::InvalidArgument("line " + std::to_string(line_) +
                                         ": unexpected text after a closing quote");
        }
      } else {
        while (c >= 0 && c != delimiter_ && c != '\n' && c != '\r') {
          if (c == '"') {
            return Status::InvalidArgument("line " + std::to_string(line_) +
                                           ": a quote inside an unquoted field");
          }
          field.text.push_back(static_cast<char>(c));
          TARN_ASSIGN_OR_RETURN(c, in_.Get());
        }
      }
      fields->push_back(std::move(field));
      if (c == delimiter_) {
        TARN_ASSIGN_OR_RETURN(c, in_.Get());
        continue;
      }
      if (c == '\r') {
        TARN_ASSIGN_OR_RETURN(int next, in_.Peek());
        if (next == '\n') TARN_RETURN_IF_ERROR(in_.Get().status());
      }
      if (c == '\r' || c == '\n') ++line_;
      return true;
    }
  }

 private:
  ByteInput in_;
  char delimiter_;
  int64_t line_ = 1;
};

bool NeedsQuotes(std::string_view text, char delimiter, const std::string& null_marker) {
  if (text.empty() || text == null_marker) return true;
  if (text.front() == ' ' || text.back() == ' ') return true;
  for (char c : text) {
    if (c == delimiter || c == '"' || c == '\n' || c == '\r') return true;
  }
  return false;
}

void AppendCsvField(std::string_view text, char delimiter, const std::string& null_marker,
                    std::string* out) {
  if (!NeedsQuotes(text, delimiter, null_marker)) {
    out->append(text);
    return;
  }
  out->push_back('"');
  for (char c : text) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

class CsvReader final : public TextTableReader {
 public:
  CsvReader(ObjectStore& store, std::string key, TextOptions options, RejectSink rejects)
      : store_(store),
        key_(std::move(key)),
        options_(std::move(options)),
        rejects_(std::move(rejects)),
        parser_(store_, key_, options_.delimiter) {}

  Status Init(std::shared_ptr<const Schema> schema) {
    std::vector<std::string> names;
    if (options_.header) {
      int64_t line = 0;
      TARN_ASSIGN_OR_RETURN(bool any, Wrap(parser_.Next(&fields_, &line)));
      if (!any) {
        if (!schema) return Error(1, "the file is empty, so there is no header to name columns");
        schema_ = std::move(schema);
        return Status::OK();
      }
      std::set<std::string> seen;
      for (const CsvField& f : fields_) {
        if (f.text.empty() || !seen.insert(f.text).second) {
          return Error(line, "the header has an empty or repeated column name '" + f.text + "'");
        }
        names.push_back(f.text);
      }
    }
    if (!schema) {
      TARN_ASSIGN_OR_RETURN(schema, Infer(names));
    }
    schema_ = std::move(schema);
    // Where each file column goes in the schema.
    if (options_.header) {
      for (const std::string& name : names) {
        int index = schema_->FindField(name);
        if (index < 0)
          return Error(1,
                       "column '" + name + "' is not in the schema (" + schema_->ToString() + ")");
        target_.push_back(index);
      }
      for (size_t f = 0; f < schema_->num_fields(); ++f) {
        bool present =
            std::find(target_.begin(), target_.end(), static_cast<int>(f)) != target_.end();
        if (!present && schema_->field(f).required) {
          return Error(
              1, "required column '" + schema_->field(f).name + "' is missing from the header");
        }
      }
    } else {
      for (size_t f = 0; f < schema_->num_fields(); ++f) target_.push_back(static_cast<int>(f));
    }
    return Status::OK();
  }

  Result<bool> Next(size_t max_rows, ColumnBatch* batch) override {
    batch->Clear();
    std::vector<TextCell> cells(schema_->num_fields());
    while (batch->num_rows() < max_rows) {
      int64_t line = 0;
      TARN_ASSIGN_OR_RETURN(bool any, Wrap(parser_.Next(&fields_, &line)));
      if (!any) return batch->num_rows() > 0;
      for (TextCell& cell : cells) {
        cell.text.clear();
        cell.null = true;
      }
      std::string column;
      Status status;
      if (fields_.size() != target_.size()) {
        status = Status::InvalidArgument("expected " + std::to_string(target_.size()) +
                                         " fields, found " + std::to_string(fields_.size()));
      } else {
        for (size_t i = 0; i < fields_.size(); ++i) {
          TextCell& cell = cells[static_cast<size_t>(target_[i])];
          cell.null = !fields_[i].quoted && fields_[i].text == options_.null_marker;
          cell.text = fields_[i].text;  // kept in fields_ for a rejected row's text
        }
        status = AppendRow(cells, batch, &column);
      }
      if (!status.ok()) TARN_RETURN_IF_ERROR(Reject(line, column, status));
    }
    return true;
  }

 private:
  Result<std::shared_ptr<const Schema>> Infer(std::vector<std::string> names) {
    CsvParser sampler(store_, key_, options_.delimiter);
    std::vector<CsvField> fields;
    int64_t line = 0;
    if (options_.header) TARN_RETURN_IF_ERROR(Wrap(sampler.Next(&fields, &line)).status());
    std::vector<std::vector<std::string>> samples(names.size());
    for (size_t row = 0; row < options_.sample_rows; ++row) {
      TARN_ASSIGN_OR_RETURN(bool any, Wrap(sampler.Next(&fields, &line)));
      if (!any) break;
      if (names.empty()) {
        for (size_t i = 0; i < fields.size(); ++i)
          names.push_back("column" + std::to_string(i + 1));
        samples.resize(names.size());
      }
      for (size_t i = 0; i < fields.size() && i < names.size(); ++i) {
        if (fields[i].quoted || fields[i].text != options_.null_marker) {
          samples[i].push_back(fields[i].text);
        }
      }
    }
    std::vector<Field> out;
    for (size_t i = 0; i < names.size(); ++i) {
      out.push_back({static_cast<int32_t>(i + 1), names[i], InferType(samples[i]), false});
    }
    if (out.empty()) return Error(1, "no columns to infer a schema from");
    return std::make_shared<const Schema>(std::move(out));
  }

  Status Reject(int64_t line, const std::string& column, const Status& status) {
    return RejectRow(
        rejects_, store_.Uri(key_), line, column, status,
        [&] {
          std::string text;  // the row re-encoded as CSV
          for (size_t i = 0; i < fields_.size(); ++i) {
            if (i > 0) text.push_back(options_.delimiter);
            AppendCsvField(fields_[i].text, options_.delimiter, options_.null_marker, &text);
          }
          return text;
        },
        &rejected_);
  }

  template <typename T>
  Result<T> Wrap(Result<T> result) const {
    if (result.ok()) return result;
    return result.status().WithContext("'" + store_.Uri(key_) + "'");
  }

  Status Error(int64_t line, const std::string& what) const {
    return Status::InvalidArgument("'" + store_.Uri(key_) + "' line " + std::to_string(line) +
                                   ": " + what);
  }

  ObjectStore& store_;
  std::string key_;
  TextOptions options_;
  RejectSink rejects_;
  CsvParser parser_;
  std::vector<CsvField> fields_;
  std::vector<int> target_;  // file column -> schema field
};

class CsvWriter final : public TextTableWriter {
 public:
  CsvWriter(std::unique_ptr<ObjectWriter> out, TextOptions options,
            std::shared_ptr<const Schema> schema)
      : out_(std::move(out)), options_(std::move(options)), schema_(std::move(schema)) {}

  Status Init() {
    if (!options_.header) return Status::OK();
    std::string line;
    for (size_t i = 0; i < schema_->num_fields(); ++i) {
      if (i > 0) line.push_back(options_.delimiter);
      AppendCsvField(schema_->field(i).name, options_.delimiter, options_.null_marker, &line);
    }
    line.push_back('\n');
    return out_->Append(line);
  }

  Status Write(const ColumnBatch& batch) override {
    std::string text;
    std::string value;
    for (size_t r = 0; r < batch.num_rows(); ++r) {
      for (size_t c = 0; c < batch.num_columns(); ++c) {
        if (c > 0) text.push_back(options_.delimiter);
        if (!batch.column(c).IsValid(r)) {
          text.append(options_.null_marker);
          continue;
        }
        value.clear();
        FormatValue(batch.column(c), r, &value);
        AppendCsvField(value, options_.delimiter, options_.null_marker, &text);
      }
      text.push_back('\n');
      if (text.size() > (1 << 20)) {
        TARN_RETURN_IF_ERROR(out_->Append(text));
        text.clear();
      }
    }
    return out_->Append(text);
  }

  Status Close() override { return out_->Close(); }

 private:
  std::unique_ptr<ObjectWriter> out_;
  TextOptions options_;
  std::shared_ptr<const Schema> schema_;
};

}  // namespace

Result<std::unique_ptr<TextTableReader>> OpenCsvReader(ObjectStore& store, std::string key,
                                                       TextOptions options,
                                                       std::shared_ptr<const Schema> schema,
                                                       RejectSink rejects) {
  TARN_RETURN_IF_ERROR(store.Stat(key).status());
  auto reader =
      std::make_unique<CsvReader>(store, std::move(key), std::move(options), std::move(rejects));
  TARN_RETURN_IF_ERROR(reader->Init(std::move(schema)));
  return std::unique_ptr<TextTableReader>(std::move(reader));
}

Result<std::unique_ptr<TextTableWriter>> OpenCsvWriter(std::unique_ptr<ObjectWriter> out,
                                                       TextOptions options,
                                                       std::shared_ptr<const Schema> schema) {
  auto writer = std::make_unique<CsvWriter>(std::move(out), std::move(options), std::move(schema));
  TARN_RETURN_IF_ERROR(writer->Init());
  return std::unique_ptr<TextTableWriter>(std::move(writer));
}

}  // namespace tarn
