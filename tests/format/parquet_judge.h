// Runs tests/support/parquet_judge.mjs (DuckDB) on a file and returns what it saw.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

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

}  // namespace tarn::testing
