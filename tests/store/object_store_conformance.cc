#include "object_store_conformance.h"

#include <set>

#include "status_matchers.h"

namespace tarn::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::vector<std::string> Keys(const ListPage& page) {
  std::vector<std::string> keys;
  for (const ObjectInfo& info : page.objects) keys.push_back(info.key);
  return keys;
}

std::vector<std::string> AllKeys(ObjectStore& store, std::string_view prefix) {
  std::vector<std::string> keys;
  EXPECT_THAT(store.ListAll(prefix,
                            [&](const ObjectInfo& info) {
                              keys.push_back(info.key);
                              return Status::OK();
                            }),
              IsOk());
  return keys;
}

TEST_P(ObjectStoreConformance, PutThenGetReturnsTheSameBytes) {
  std::string binary("a\0b\xff\n", 5);
  TARN_ASSERT_OK(store_->Put("dir/binary.bin", binary));
  TARN_ASSERT_OK(store_->Put("empty", ""));
  EXPECT_EQ(store_->Get("dir/binary.bin").value_or("?"), binary);
  EXPECT_EQ(store_->Get("empty").value_or("?"), "");
}

TEST_P(ObjectStoreConformance, LargeObjectsRoundTrip) {
  std::string big(3 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 7919) >> 3);
  TARN_ASSERT_OK(store_->Put("big.bin", big));
  TARN_ASSERT_OK_AND_ASSIGN(std::string back, store_->Get("big.bin"));
  EXPECT_TRUE(back == big) << "sizes " << back.size() << " vs " << big.size();
  TARN_ASSERT_OK_AND_ASSIGN(ObjectInfo info, store_->Stat("big.bin"));
  EXPECT_EQ(info.size, big.size());
}

TEST_P(ObjectStoreConformance, StatReportsSizeAndTime) {
  TARN_ASSERT_OK(store_->Put("a/b.txt", "hello"));
  TARN_ASSERT_OK_AND_ASSIGN(ObjectInfo info, store_->Stat("a/b.txt"));
  EXPECT_EQ(info.key, "a/b.txt");
  EXPECT_EQ(info.size, 5u);
  EXPECT_GT(info.modified_micros, int64_t{1'600'000'000} * 1'000'000);  // after 2020
}

TEST_P(ObjectStoreConformance, MissingKeysAreNotFound) {
  EXPECT_THAT(store_->Stat("nope"), StatusIs(StatusCode::kNotFound, HasSubstr("nope")));
  EXPECT_THAT(store_->Get("nope"), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(store_->ReadRange("dir/nope", 3, 10), StatusIs(StatusCode::kNotFound));
  // A "folder" that only exists as a prefix of other keys is not an object.
  TARN_ASSERT_OK(store_->Put("folder/child", "x"));
  EXPECT_THAT(store_->Stat("folder"), StatusIs(StatusCode::kNotFound));
}

TEST_P(ObjectStoreConformance, ReadRangeClipsAtTheEnd) {
  TARN_ASSERT_OK(store_->Put("r", "0123456789"));
  EXPECT_EQ(store_->ReadRange("r", 2, 3).value_or("?"), "234");
  EXPECT_EQ(store_->ReadRange("r", 7, 100).value_or("?"), "789");
  EXPECT_EQ(store_->ReadRange("r", 0, ObjectStore::kToEnd).value_or("?"), "0123456789");
  EXPECT_EQ(store_->ReadRange("r", 9, 1).value_or("?"), "9");
  EXPECT_EQ(store_->ReadRange("r", 10, 5).value_or("?"), "");
  EXPECT_EQ(store_->ReadRange("r", 50, 5).value_or("?"), "");
  EXPECT_EQ(store_->ReadRange("r", 4, 0).value_or("?"), "");
}

TEST_P(ObjectStoreConformance, PutReplacesTheWholeObject) {
  TARN_ASSERT_OK(store_->Put("k", "a long first version"));
  TARN_ASSERT_OK(store_->Put("k", "v2"));
  EXPECT_EQ(store_->Get("k").value_or("?"), "v2");
}

TEST_P(ObjectStoreConformance, PutIfAbsentRefusesAnExistingKey) {
  TARN_ASSERT_OK(store_->PutIfAbsent("once", "first"));
  EXPECT_THAT(store_->PutIfAbsent("once", "second"),
              StatusIs(StatusCode::kAlreadyExists, HasSubstr("once")));
  EXPECT_EQ(store_->Get("once").value_or("?"), "first");
}

TEST_P(ObjectStoreConformance, DeleteIsIdempotent) {
  TARN_ASSERT_OK(store_->Put("d/x", "1"));
  TARN_ASSERT_OK(store_->Delete("d/x"));
  TARN_ASSERT_OK(store_->Delete("d/x"));
  TARN_ASSERT_OK(store_->Delete("never/was"));
  EXPECT_THAT(store_->Stat("d/x"), StatusIs(StatusCode::kNotFound));
}

TEST_P(ObjectStoreConformance, DeleteManyRemovesEveryKey) {
  std::vector<std::string> keys;
  for (int i = 0; i < 12; ++i) keys.push_back("many/" + std::to_string(i));
  for (const std::string& key : keys) TARN_ASSERT_OK(store_->Put(key, key));
  TARN_ASSERT_OK(store_->Put("many-keep", "k"));
  keys.push_back("many/missing");
  TARN_ASSERT_OK(store_->DeleteMany(keys));
  EXPECT_THAT(AllKeys(*store_, "many"), ElementsAre("many-keep"));
  TARN_EXPECT_OK(store_->DeleteMany({}));
}

TEST_P(ObjectStoreConformance, ListMatchesPrefixesInByteOrder) {
  for (const char* key : {"a/b/c", "a/bc", "a/b/a", "a/a", "b", "a/b/c2/d"}) {
    TARN_ASSERT_OK(store_->Put(key, "x"));
  }
  EXPECT_THAT(AllKeys(*store_, ""), ElementsAre("a/a", "a/b/a", "a/b/c", "a/b/c2/d", "a/bc", "b"));
  EXPECT_THAT(AllKeys(*store_, "a/b"), ElementsAre("a/b/a", "a/b/c", "a/b/c2/d", "a/bc"));
  EXPECT_THAT(AllKeys(*store_, "a/b/"), ElementsAre("a/b/a", "a/b/c", "a/b/c2/d"));
  EXPECT_THAT(AllKeys(*store_, "a/b/c"), ElementsAre("a/b/c", "a/b/c2/d"));
  EXPECT_THAT(AllKeys(*store_, "zzz/"), IsEmpty());
  TARN_ASSERT_OK_AND_ASSIGN(ListPage page, store_->List("a/", "", 1000));
  ASSERT_EQ(page.objects.size(), 5u);
  EXPECT_EQ(page.objects[0].size, 1u);
  EXPECT_TRUE(page.next_page_token.empty());
}

TEST_P(ObjectStoreConformance, ListPagesWithoutGapsOrRepeats) {
  std::set<std::string> expected;
  for (int i = 0; i < 25; ++i) {
    std::string key = "p/" + std::to_string(1000 + i);
    expected.insert(key);
    TARN_ASSERT_OK(store_->Put(key, ""));
  }
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    TARN_ASSERT_OK_AND_ASSIGN(ListPage page, store_->List("p/", token, 10));
    EXPECT_LE(page.objects.size(), 10u);
    for (const std::string& key : Keys(page)) seen.push_back(key);
    token = page.next_page_token;
    ASSERT_LT(++pages, 10);
  } while (!token.empty());
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), expected);
  EXPECT_EQ(seen.size(), expected.size());
}

TEST_P(ObjectStoreConformance, KeysMayHoldSpacesUnicodeAndPunctuation) {
  // No '&' or '\'' here: s3rver 4.0.4 XML-escapes those twice in listings and ignores
  // encoding-type=url (shared/TESTING.md), which would fail the test for the server's sake.
  const std::string key = "dir with space/ünï cødé+%#?=~!(x).txt";
  TARN_ASSERT_OK(store_->Put(key, "odd"));
  EXPECT_EQ(store_->Get(key).value_or("?"), "odd");
  EXPECT_THAT(AllKeys(*store_, "dir with space/"), ElementsAre(key));
  TARN_ASSERT_OK(store_->Delete(key));
  EXPECT_THAT(store_->Stat(key), StatusIs(StatusCode::kNotFound));
}

TEST_P(ObjectStoreConformance, KeysThatEscapeTheRootAreRejected) {
  TARN_ASSERT_OK(store_->Put("inside", "x"));
  const std::vector<std::string> bad = {"",
                                        "../outside",
                                        "/etc/passwd",
                                        "a/../../b",
                                        "a//b",
                                        "a/./b",
                                        ".",
                                        "..",
                                        "trailing/",
                                        std::string("nul\0byte", 8),
                                        "tab\there",
                                        "x/.tarn-tmp-123"};
  for (const std::string& key : bad) {
    SCOPED_TRACE("key '" + PrintableKey(key) + "'");
    EXPECT_THAT(store_->Put(key, "x"), StatusIs(StatusCode::kInvalidArgument));
    EXPECT_THAT(store_->Get(key), StatusIs(StatusCode::kInvalidArgument));
    EXPECT_THAT(store_->Stat(key), StatusIs(StatusCode::kInvalidArgument));
    EXPECT_THAT(store_->Delete(key), StatusIs(StatusCode::kInvalidArgument));
    EXPECT_THAT(store_->OpenWriter(key), StatusIs(StatusCode::kInvalidArgument));
  }
  EXPECT_THAT(store_->Put("../outside", "x"),
              StatusIs(StatusCode::kInvalidArgument,
                       "object key '../outside': may not contain '.' or '..' segments"));
  EXPECT_THAT(store_->List("../", "", 10), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_THAT(store_->DeleteMany({"inside", "../x"}), StatusIs(StatusCode::kInvalidArgument));
  EXPECT_EQ(store_->Get("inside").value_or("?"), "x");
}

TEST_P(ObjectStoreConformance, WriterPublishesOnlyOnClose) {
  TARN_ASSERT_OK_AND_ASSIGN(std::unique_ptr<ObjectWriter> writer, store_->OpenWriter("w/obj"));
  std::string expected;
  for (int i = 0; i < 100; ++i) {
    std::string chunk(10000 + i, static_cast<char>('a' + i % 26));
    TARN_ASSERT_OK(writer->Append(chunk));
    expected += chunk;
  }
  EXPECT_THAT(store_->Stat("w/obj"), StatusIs(StatusCode::kNotFound));
  EXPECT_THAT(AllKeys(*store_, "w/"), IsEmpty());
  EXPECT_EQ(writer->bytes_written(), expected.size());
  TARN_ASSERT_OK(writer->Close());
  TARN_ASSERT_OK_AND_ASSIGN(std::string back, store_->Get("w/obj"));
  EXPECT_TRUE(back == expected) << back.size() << " vs " << expected.size();
  EXPECT_THAT(writer->Append("more"), StatusIs(StatusCode::kFailedPrecondition));
}

TEST_P(ObjectStoreConformance, AbortedWriterLeavesNothing) {
  TARN_ASSERT_OK(store_->Put("w/keep", "old"));
  {
    TARN_ASSERT_OK_AND_ASSIGN(std::unique_ptr<ObjectWriter> writer, store_->OpenWriter("w/keep"));
    TARN_ASSERT_OK(writer->Append(std::string(3 << 20, 'n')));
    writer->Abort();
  }
  {
    TARN_ASSERT_OK_AND_ASSIGN(std::unique_ptr<ObjectWriter> dropped, store_->OpenWriter("w/gone"));
    TARN_ASSERT_OK(dropped->Append("never closed"));
  }  // destroyed without Close: aborted
  EXPECT_EQ(store_->Get("w/keep").value_or("?"), "old");
  EXPECT_THAT(AllKeys(*store_, "w/"), ElementsAre("w/keep"));
}

TEST_P(ObjectStoreConformance, UriNamesTheKey) {
  std::string uri = store_->Uri("warehouse/ns/t/data/f.parquet");
  EXPECT_TRUE(uri.ends_with("/warehouse/ns/t/data/f.parquet")) << uri;
  EXPECT_NE(uri.find("://"), std::string::npos) << uri;
}

}  // namespace
}  // namespace tarn::testing
