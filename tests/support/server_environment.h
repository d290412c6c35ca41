// Starts one real server (PostgresServer, S3Server) for a whole test binary:
//   const auto* const kEnv = ::testing::AddGlobalTestEnvironment(new ServerEnvironment<S3Server>);
//   S3Server* s3 = ServerEnvironment<S3Server>::server();
#pragma once

#include <gtest/gtest.h>

#include <memory>

namespace tarn::testing {

template <typename Server>
class ServerEnvironment : public ::testing::Environment {
 public:
  // The running server; valid inside tests.
  static Server* server() { return server_; }

  void SetUp() override {
    auto started = Server::Start();
    ASSERT_TRUE(started.ok()) << started.status().ToString();
    owned_ = std::move(started).value();
    server_ = owned_.get();
  }
  void TearDown() override {
    server_ = nullptr;
    owned_.reset();
  }

 private:
  inline static Server* server_ = nullptr;
  std::unique_ptr<Server> owned_;
};

}  // namespace tarn::testing
