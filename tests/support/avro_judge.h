// The Avro judge: Debian's python3-avro (tests/support/avro_judge.py) reads the files tarn
// writes and writes files for tarn to read. Values cross as JSON the way python-avro sees them:
// records as objects, unions as their inner value, maps as objects, enums as their symbol, and
// byte strings as {"$bytes": "<hex>"}.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "base/hash.h"
#include "format/avro/avro_value.h"
#include "subprocess.h"

namespace tarn::testing {

inline nlohmann::json RunAvroJudge(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/usr/bin/python3",
                                   std::string(TARN_SOURCE_DIR) + "/tests/support/avro_judge.py"};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessResult result = RunProcess(argv);
  nlohmann::json out = nlohmann::json::parse(result.out, nullptr, /*allow_exceptions=*/false);
  if (out.is_discarded()) return {{"error", result.out + result.err}};
  return out;
}

// {"schema", "meta", "records"} of an Avro file as python-avro reads it, or {"error": ...}.
inline nlohmann::json JudgeAvro(const std::string& path) { return RunAvroJudge({"read", path}); }

// A value of `schema` as the judge prints it.
inline nlohmann::json AvroToJudgeJson(const AvroSchema& schema, const AvroValue& value) {
  switch (schema.type) {
    case AvroType::kNull:
      return nullptr;
    case AvroType::kBoolean:
      return value.boolean;
    case AvroType::kInt:
    case AvroType::kLong:
      return value.integer;
    case AvroType::kFloat:
    case AvroType::kDouble:
      return value.real;
    case AvroType::kString:
      return value.bytes;
    case AvroType::kBytes:
    case AvroType::kFixed:
      return {{"$bytes", HexEncode(value.bytes)}};
    case AvroType::kEnum:
      return schema.symbols[static_cast<size_t>(value.integer)];
    case AvroType::kUnion:
      if (value.type == AvroType::kUnion) {
        return AvroToJudgeJson(*schema.branches[value.branch], value.items[0]);
      }
      // A plain value, as writers may pass: the branch of its type.
      for (const AvroSchemaPtr& branch : schema.branches) {
        if (branch->type == value.type) return AvroToJudgeJson(*branch, value);
      }
      return {{"$no-branch-for", std::string(AvroTypeName(value.type))}};
    case AvroType::kRecord: {
      nlohmann::json out = nlohmann::json::object();
      for (size_t i = 0; i < schema.fields.size(); ++i) {
        out[schema.fields[i].name] = AvroToJudgeJson(*schema.fields[i].schema, value.items[i]);
      }
      return out;
    }
    case AvroType::kArray: {
      nlohmann::json out = nlohmann::json::array();
      for (const AvroValue& item : value.items) out.push_back(AvroToJudgeJson(*schema.items, item));
      return out;
    }
    case AvroType::kMap: {
      nlohmann::json out = nlohmann::json::object();
      for (size_t i = 0; i < value.items.size(); ++i) {
        out[value.keys[i]] = AvroToJudgeJson(*schema.items, value.items[i]);
      }
      return out;
    }
  }
  return nullptr;
}

}  // namespace tarn::testing
