// One conformance suite for every ObjectStore backend (memory, local, S3). A backend's test
// binary instantiates it with a factory that returns an empty store each time:
//   INSTANTIATE_TEST_SUITE_P(Local, ObjectStoreConformance, ::testing::Values(StoreFactory{...}));
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "store/object_store.h"

namespace tarn::testing {

struct StoreFactory {
  std::string name;
  std::function<std::shared_ptr<ObjectStore>()> make;
};

inline std::string FactoryName(const ::testing::TestParamInfo<StoreFactory>& info) {
  return info.param.name;
}

class ObjectStoreConformance : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override { store_ = GetParam().make(); }
  std::shared_ptr<ObjectStore> store_;
};

}  // namespace tarn::testing
