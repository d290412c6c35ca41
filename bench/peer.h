// The peers of the benchmarks run as Node scripts beside them (DuckDB from npm); each prints one
// line of JSON. RunPeer runs one and parses that line, or ends the benchmark saying why.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

inline nlohmann::json RunPeer(const std::string& command) {
  FILE* pipe = popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  while (pipe != nullptr && std::fgets(buffer, sizeof(buffer), pipe) != nullptr) output += buffer;
  nlohmann::json parsed = nlohmann::json::parse(output, nullptr, /*allow_exceptions=*/false);
  if (pipe == nullptr || pclose(pipe) != 0 || parsed.is_discarded()) {
    std::fprintf(stderr, "the DuckDB peer failed (%s): %s\n", command.c_str(), output.c_str());
    std::exit(1);
  }
  return parsed;
}
