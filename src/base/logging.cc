#include "base/logging.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>

#include "base/time_util.h"

namespace tarn {
namespace {

// One JSON object per line: {"ts":"...","level":"info","msg":"..."}.
class JsonStderrSink final : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    int64_t micros =
        std::chrono::duration_cast<std::chrono::microseconds>(msg.time.time_since_epoch()).count();
    nlohmann::json line = {
        {"ts", FormatIso8601(micros)},
        {"level", std::string(spdlog::level::to_string_view(msg.level).data(),
                              spdlog::level::to_string_view(msg.level).size())},
        {"msg", std::string(msg.payload.data(), msg.payload.size())},
    };
    std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    std::fwrite(text.data(), 1, text.size(), stderr);
  }
  void flush_() override { std::fflush(stderr); }
};

}  // namespace

Status ConfigureLogging(std::string_view level, std::string_view format) {
  static constexpr std::string_view kLevels[] = {"trace", "debug", "info", "warn", "error", "off"};
  bool known = false;
  for (std::string_view l : kLevels) known = known || l == level;
  if (!known) {
    return Status::InvalidArgument("log level '" + std::string(level) +
                                   "' is not one of trace, debug, info, warn, error, off");
  }
  std::shared_ptr<spdlog::logger> logger;
  if (format == "json") {
    logger = std::make_shared<spdlog::logger>("tarn", std::make_shared<JsonStderrSink>());
  } else if (format == "text") {
    logger = std::make_shared<spdlog::logger>(
        "tarn", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  } else {
    return Status::InvalidArgument("log format '" + std::string(format) +
                                   "' is not one of text, json");
  }
  logger->set_level(spdlog::level::from_str(std::string(level)));
  spdlog::set_default_logger(std::move(logger));
  return Status::OK();
}

}  // namespace tarn
