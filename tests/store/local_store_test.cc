#include "store/local_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "object_store_conformance.h"
#include "status_matchers.h"
#include "store/memory_store.h"
#include "subprocess.h"

namespace tarn::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// Each store gets its own folder, kept alive with the store.
std::shared_ptr<ObjectStore> MakeLocal() {
  auto dir = std::make_shared<TempDir>();
  std::shared_ptr<LocalStore> store = std::move(LocalStore::Open(dir->path() + "/root")).value();
  return std::shared_ptr<ObjectStore>(store.get(), [store, dir](ObjectStore*) mutable {
    store.reset();
    dir.reset();
  });
}

INSTANTIATE_TEST_SUITE_P(
    Backends, ObjectStoreConformance,
    ::testing::Values(StoreFactory{"Memory", [] { return std::make_shared<MemoryStore>(); }},
                      StoreFactory{"Local", MakeLocal}),
    FactoryName);

class LocalStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { store_ = std::move(LocalStore::Open(dir_.path() + "/lake")).value(); }
  std::string Path(const std::string& key) { return dir_.path() + "/lake/" + key; }
  TempDir dir_;
  std::unique_ptr<LocalStore> store_;
};

TEST_F(LocalStoreTest, KeysAreFilesBelowTheRoot) {
  TARN_ASSERT_OK(store_->Put("warehouse/ns/t/x.parquet", "abc"));
  std::ifstream in(Path("warehouse/ns/t/x.parquet"));
  std::string text;
  in >> text;
  EXPECT_EQ(text, "abc");
  EXPECT_EQ(store_->Uri("a/b"), "file://" + dir_.path() + "/lake/a/b");
}

TEST_F(LocalStoreTest, EscapingKeysNeverTouchTheDiskOutsideTheRoot) {
  EXPECT_THAT(store_->Put("../escaped", "x"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(store_->Put("a/../../escaped", "x"), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_FALSE(fs::exists(dir_.path() + "/escaped"));
}

TEST_F(LocalStoreTest, WritesLeaveNoTemporaryFiles) {
  TARN_ASSERT_OK(store_->Put("d/a", "1"));
  TARN_ASSERT_OK(store_->Put("d/a", "2"));
  TARN_ASSERT_OK(store_->PutIfAbsent("d/b", "3"));
  EXPECT_THAT(store_->PutIfAbsent("d/b", "4"), StatusIs(StatusCode::kAlreadyExists));
  TARN_ASSERT_OK_AND_ASSIGN(auto writer, store_->OpenWriter("d/c"));
  TARN_ASSERT_OK(writer->Append("5"));
  TARN_ASSERT_OK(writer->Close());
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(Path("d"))) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b", "c"}));
}

TEST_F(LocalStoreTest, ListHidesTemporaryFilesOfUnfinishedWriters) {
  TARN_ASSERT_OK_AND_ASSIGN(auto writer, store_->OpenWriter("d/pending"));
  TARN_ASSERT_OK(writer->Append("partial"));
  TARN_ASSERT_OK_AND_ASSIGN(ListPage page, store_->List("d/", "", 100));
  EXPECT_TRUE(page.objects.empty());
  bool temp_on_disk = false;
  for (const auto& entry : fs::directory_iterator(Path("d"))) {
    temp_on_disk |= entry.path().filename().string().starts_with(".tarn-tmp-");
  }
  EXPECT_TRUE(temp_on_disk);
}

TEST_F(LocalStoreTest, RootThatIsAFileIsRefused) {
  std::ofstream(dir_.path() + "/file") << "x";
  EXPECT_THAT(LocalStore::Open(dir_.path() + "/file"),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("is not a folder")));
}

TEST_F(LocalStoreTest, ReadOnlyFolderIsPermissionDenied) {
  if (geteuid() == 0) GTEST_SKIP() << "root ignores folder permissions";
  fs::create_directories(Path("ro"));
  chmod(Path("ro").c_str(), 0555);
  EXPECT_THAT(store_->Put("ro/x", "1"), StatusIs(StatusCode::kPermissionDenied, HasSubstr("ro")));
  chmod(Path("ro").c_str(), 0755);
}

TEST_F(LocalStoreTest, SymlinkedObjectIsNotFollowed) {
  std::ofstream(dir_.path() + "/secret") << "outside";
  fs::create_symlink(dir_.path() + "/secret", Path("link"));
  EXPECT_THAT(store_->Get("link"), StatusIs(StatusCode::kNotFound));
  TARN_ASSERT_OK_AND_ASSIGN(ListPage page, store_->List("", "", 100));
  EXPECT_TRUE(page.objects.empty());
}

}  // namespace
}  // namespace tarn::testing
