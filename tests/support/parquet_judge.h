// Runs tests/support/parquet_judge.mjs (DuckDB) on a file and returns what it saw.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "base/hash.h"
#include "columnar/column.h"
#include "subprocess.h"

namespace tarn::testing {

// The judge's JSON, or a JSON object {"error": ...} when it failed.
inline nlohmann::json JudgeParquet(const std::string& path) {
  ProcessResult result =
      RunProcess({"node", std::string(TARN_SOURCE_DIR) + "/tests/support/parquet_judge.mjs", path});
  if (result.exit_code != 0) return {{"error", result.err}};
  return nlohmann::json::parse(result.out, nullptr, /*allow_exceptions=*/false);
}

// Runs one SQL query in DuckDB; its rows as JSON arrays (BIGINTs as text), or {"error": ...}.
inline nlohmann::json DuckDbQuery(const std::string& sql) {
  std::string script =
      "import('@duckdb/node-api').then(async ({DuckDBInstance}) => {"
      " const c = await (await DuckDBInstance.create(':memory:')).connect();"
      " const r = await c.runAndReadAll(process.argv[1]);"
      " console.log(JSON.stringify(r.getRowsJson())); })";
  ProcessResult result = RunProcess({"node", "-e", script, sql}, TARN_SOURCE_DIR);
  if (result.exit_code != 0) return {{"error", result.err}};
  return nlohmann::json::parse(result.out, nullptr, /*allow_exceptions=*/false);
}

// The same from hyparquet, a second reader: {"schema": [...], "num_rows": N, "rows": [{...}]}.
inline nlohmann::json JudgeParquetWithHyparquet(const std::string& path) {
  ProcessResult result = RunProcess(
      {"node", std::string(TARN_SOURCE_DIR) + "/tests/support/parquet_judge_hyparquet.mjs", path});
  if (result.exit_code != 0) return {{"error", result.err}};
  return nlohmann::json::parse(result.out, nullptr, /*allow_exceptions=*/false);
}

inline std::string UuidText(std::string_view b) {
  std::string h = HexEncode(b);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

// Checks DuckDB's exact rendering of one cell against the column's value.
inline void ExpectCell(const Column& column, size_t row, const nlohmann::json& actual,
                       const std::string& where) {
  SCOPED_TRACE(where + " row " + std::to_string(row));
  if (!column.IsValid(row)) {
    EXPECT_TRUE(actual.is_null()) << actual.dump();
    return;
  }
  ASSERT_FALSE(actual.is_null());
  auto floating = [&](double expected) {
    std::string text = actual.get<std::string>();
    if (std::isnan(expected)) {
      EXPECT_EQ(text, "NaN");
    } else if (std::isinf(expected)) {
      EXPECT_EQ(text, expected > 0 ? "Infinity" : "-Infinity");
    } else if (expected == 0 && std::signbit(expected)) {
      EXPECT_EQ(text, "-0");
    } else {
      EXPECT_EQ(std::strtod(text.c_str(), nullptr), expected) << text;
    }
  };
  switch (column.type().id) {
    case TypeId::kBoolean:
      EXPECT_EQ(actual.get<bool>(), column.GetBool(row));
      break;
    case TypeId::kInt:
    case TypeId::kDate:
      EXPECT_EQ(actual.get<std::string>(), std::to_string(column.GetInt32(row)));
      break;
    case TypeId::kLong:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      EXPECT_EQ(actual.get<std::string>(), std::to_string(column.GetInt64(row)));
      break;
    case TypeId::kFloat:
      floating(column.GetFloat(row));
      break;
    case TypeId::kDouble:
      floating(column.GetDouble(row));
      break;
    case TypeId::kDecimal:
      EXPECT_EQ(actual.get<std::string>(), Int128ToString(column.GetDecimal(row)));
      break;
    case TypeId::kString:
      EXPECT_EQ(actual.get<std::string>(), column.GetBytes(row));
      break;
    case TypeId::kBinary:
    case TypeId::kFixed:
      EXPECT_EQ(actual.get<std::string>(), HexEncode(column.GetBytes(row)));
      break;
    case TypeId::kUuid:
      EXPECT_EQ(actual.get<std::string>(), UuidText(column.GetBytes(row)));
      break;
  }
}

}  // namespace tarn::testing
