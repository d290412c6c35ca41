// JSON lines reading and writing for text_table.h.
#include <nlohmann/json.hpp>

#include "columnar/value_text.h"
#include "format/text_table_internal.h"

namespace tarn {
namespace {

using Json = nlohmann::json;

// The text a JSON value gives a column: strings as they are, other scalars as JSON text.
std::string CellText(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

class JsonLinesReader final : public TextTableReader {
 public:
  JsonLinesReader(ObjectStore& store, std::string key, TextOptions options, RejectSink rejects)
      : store_(store),
        key_(std::move(key)),
        options_(std::move(options)),
        rejects_(std::move(rejects)),
        in_(store_, key_) {}

  Status Init(std::shared_ptr<const Schema> schema) {
    if (!schema) {
      TARN_ASSIGN_OR_RETURN(schema, Infer());
    }
    schema_ = std::move(schema);
    return Status::OK();
  }

  Result<bool> Next(size_t max_rows, ColumnBatch* batch) override {
    batch->Clear();
    std::vector<TextCell> cells(schema_->num_fields());
    std::string line;
    while (batch->num_rows() < max_rows) {
      TARN_ASSIGN_OR_RETURN(bool any, Wrap(in_.Line(&line)));
      if (!any) return batch->num_rows() > 0;
      ++line_;
      if (line.find_first_not_of(" \t") == std::string::npos) continue;
      Json row = Json::parse(line, nullptr, /*allow_exceptions=*/false);
      std::string column;
      Status status;
      if (!row.is_object()) {
        status = Status::InvalidArgument("not a JSON object");
      } else {
        for (size_t f = 0; f < cells.size(); ++f) {
          auto it = row.find(schema_->field(f).name);
          cells[f].null = it == row.end() || it->is_null();
          cells[f].text = cells[f].null ? "" : CellText(*it);
        }
        status = AppendRow(cells, batch, &column);
      }
      if (!status.ok()) {
        TARN_RETURN_IF_ERROR(RejectRow(
            rejects_, store_.Uri(key_), line_, column, status, [&] { return line; }, &rejected_));
      }
    }
    return true;
  }

 private:
  Result<std::shared_ptr<const Schema>> Infer() {
    ByteInput sample(store_, key_);
    std::vector<std::string> names;
    std::vector<std::vector<std::string>> strings;
    std::vector<int> kinds;  // bit 1 bool, 2 integer, 4 float, 8 string, 16 other
    std::string line;
    int64_t number = 0;
    for (size_t rows = 0; rows < options_.sample_rows;) {
      TARN_ASSIGN_OR_RETURN(bool any, Wrap(sample.Line(&line)));
      if (!any) break;
      ++number;
      if (line.find_first_not_of(" \t") == std::string::npos) continue;
      ++rows;
      // Ordered, so inferred columns keep the order keys first appear in.
      nlohmann::ordered_json row = nlohmann::ordered_json::parse(line, nullptr, false);
      if (!row.is_object()) {
        return Status::InvalidArgument("'" + store_.Uri(key_) + "' line " + std::to_string(number) +
                                       ": not a JSON object");
      }
      for (auto it = row.begin(); it != row.end(); ++it) {
        auto pos = std::find(names.begin(), names.end(), it.key());
        size_t i = static_cast<size_t>(pos - names.begin());
        if (pos == names.end()) {
          names.push_back(it.key());
          strings.emplace_back();
          kinds.push_back(0);
        }
        const nlohmann::ordered_json& v = it.value();
        if (v.is_null()) continue;
        kinds[i] |= v.is_boolean()          ? 1
                    : v.is_number_integer() ? 2
                    : v.is_number()         ? 4
                    : v.is_string()         ? 8
                                            : 16;
        if (v.is_string()) strings[i].push_back(v.get<std::string>());
      }
    }
    std::vector<Field> fields;
    for (size_t i = 0; i < names.size(); ++i) {
      DataType type = MakeType(TypeId::kString);
      if (kinds[i] == 1) type = MakeType(TypeId::kBoolean);
      if (kinds[i] == 2) type = MakeType(TypeId::kLong);
      if (kinds[i] == 4 || kinds[i] == 6) type = MakeType(TypeId::kDouble);
      if (kinds[i] == 8) {
        type = InferType(strings[i]);
        if (type.id == TypeId::kBoolean || type.id == TypeId::kLong || type.id == TypeId::kDouble) {
          type = MakeType(TypeId::kString);  // quoted numbers stay text
        }
      }
      fields.push_back({static_cast<int32_t>(i + 1), names[i], type, false});
    }
    if (fields.empty()) {
      return Status::InvalidArgument("'" + store_.Uri(key_) + "': no keys to infer a schema from");
    }
    return std::make_shared<const Schema>(std::move(fields));
  }

  template <typename T>
  Result<T> Wrap(Result<T> result) const {
    if (result.ok()) return result;
    return result.status().WithContext("'" + store_.Uri(key_) + "'");
  }

  ObjectStore& store_;
  std::string key_;
  TextOptions options_;
  RejectSink rejects_;
  ByteInput in_;
  int64_t line_ = 0;
};

class JsonLinesWriter final : public TextTableWriter {
 public:
  JsonLinesWriter(std::unique_ptr<ObjectWriter> out, std::shared_ptr<const Schema> schema)
      : out_(std::move(out)), schema_(std::move(schema)) {}

  Status Write(const ColumnBatch& batch) override {
    std::string text;
    std::string value;
    for (size_t r = 0; r < batch.num_rows(); ++r) {
      nlohmann::ordered_json row = nlohmann::ordered_json::object();
      for (size_t c = 0; c < batch.num_columns(); ++c) {
        const Column& column = batch.column(c);
        const std::string& name = schema_->field(c).name;
        if (!column.IsValid(r)) {
          row[name] = nullptr;
          continue;
        }
        switch (column.type().id) {
          case TypeId::kBoolean:
            row[name] = column.GetBool(r);
            break;
          case TypeId::kInt:
            row[name] = column.GetInt32(r);
            break;
          case TypeId::kLong:
            row[name] = column.GetInt64(r);
            break;
          case TypeId::kFloat:
          case TypeId::kDouble: {
            double v =
                column.type().id == TypeId::kFloat ? column.GetFloat(r) : column.GetDouble(r);
            if (std::isfinite(v)) {
              row[name] = v;
              break;
            }
            [[fallthrough]];  // JSON has no NaN or infinity: written as text
          }
          default:
            value.clear();
            FormatValue(column, r, &value);
            row[name] = value;
        }
      }
      try {
        text += row.dump() + "\n";
      } catch (const nlohmann::json::exception&) {
        return Status::InvalidArgument(
            "row " + std::to_string(r) +
            " holds text that is not valid UTF-8, which JSON cannot carry");
      }
    }
    return out_->Append(text);
  }

  Status Close() override { return out_->Close(); }

 private:
  std::unique_ptr<ObjectWriter> out_;
  std::shared_ptr<const Schema> schema_;
};

}  // namespace

Result<std::unique_ptr<TextTableReader>> OpenJsonLinesReader(ObjectStore& store, std::string key,
                                                             TextOptions options,
                                                             std::shared_ptr<const Schema> schema,
                                                             RejectSink rejects) {
  TARN_RETURN_IF_ERROR(store.Stat(key).status());
  auto reader = std::make_unique<JsonLinesReader>(store, std::move(key), std::move(options),
                                                  std::move(rejects));
  TARN_RETURN_IF_ERROR(reader->Init(std::move(schema)));
  return std::unique_ptr<TextTableReader>(std::move(reader));
}

Result<std::unique_ptr<TextTableWriter>> OpenJsonLinesWriter(std::unique_ptr<ObjectWriter> out,
                                                             std::shared_ptr<const Schema> schema) {
  return std::unique_ptr<TextTableWriter>(
      std::make_unique<JsonLinesWriter>(std::move(out), std::move(schema)));
}

}  // namespace tarn
