// One conformance suite for both metadata engines. A binary instantiates it with a function
// that returns the URI of a fresh, empty database each time it is called.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "meta/database.h"

namespace tarn::testing {

struct DatabaseFactory {
  std::string name;
  std::function<std::string()> fresh_uri;
};

inline std::string DatabaseFactoryName(const ::testing::TestParamInfo<DatabaseFactory>& info) {
  return info.param.name;
}

class DatabaseConformance : public ::testing::TestWithParam<DatabaseFactory> {
 protected:
  void SetUp() override;
  std::string uri_;
  std::unique_ptr<Database> db_;
};

}  // namespace tarn::testing
