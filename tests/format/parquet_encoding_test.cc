// The byte-level pieces of the Parquet writer, checked against the specifications' examples.
#include <cstring>

#include "base/hash.h"
#include "format/compression.h"
#include "format/parquet/decoding.h"
#include "format/parquet/encoders.h"
#include "format/parquet/schema_mapping.h"
#include "format/parquet/statistics.h"
#include "format/parquet/thrift_compact.h"
#include "status_matchers.h"

namespace tarn::testing {
namespace {

using namespace tarn::parquet;  // NOLINT(google-build-using-namespace)

TEST(ThriftCompactTest, FieldHeadersUseDeltasAndZigZag) {
  std::string out;
  ThriftCompactWriter w(&out);
  w.BeginStruct();
  w.FieldI32(1, 5);       // delta 1, type i32: 0x15, zigzag(5) = 10
  w.FieldI64(20, -1);     // delta 19 > 15: long form 0x06, zigzag(20) = 40, zigzag(-1) = 1
  w.FieldBool(21, true);  // delta 1, type true: 0x11
  w.FieldBinary(22, "ab");
  w.FieldList(23, ThriftType::kI32, 2);
  w.ElementI32(1);
  w.ElementI32(-2);
  w.EndStruct();
  EXPECT_EQ(HexEncode(out),
            "150a"
            "062801"
            "11"
            "18026162"
            "19"
            "25"
            "0203"
            "00");
}

TEST(ThriftCompactTest, NestedStructsRestartFieldIds) {
  std::string out;
  ThriftCompactWriter w(&out);
  w.BeginStruct();
  w.FieldStruct(5);
  w.BeginStruct();
  w.FieldI32(1, 1);
  w.EndStruct();
  w.FieldI32(6, 0);  // delta from 5, not from the inner 1
  w.EndStruct();
  EXPECT_EQ(HexEncode(out),
            "5c"
            "1502"
            "00"
            "1500"
            "00");
}

TEST(RleEncoderTest, LongRunsBecomeRleAndTheRestIsBitPacked) {
  std::string rle;
  EncodeRleBitPacked(std::vector<uint32_t>(10, 1), 1, &rle);
  EXPECT_EQ(HexEncode(rle), "1401");  // header 10 << 1, value 1

  std::string packed;
  EncodeRleBitPacked({0, 1, 0, 1, 0, 1, 0, 1}, 1, &packed);
  EXPECT_EQ(HexEncode(packed), "03aa");  // one group of 8, LSB first

  std::string mixed;  // 2 literals, then a run of 14 ones: 6 fill the group, 8 go as RLE
  std::vector<uint32_t> values = {1, 0, 1};
  values.insert(values.end(), 13, 1);
  EncodeRleBitPacked(values, 1, &mixed);
  EXPECT_EQ(HexEncode(mixed),
            "03fd"
            "1001");

  std::string padded;  // 3 values: one group, zero padded
  EncodeRleBitPacked({1, 1, 0}, 1, &padded);
  EXPECT_EQ(HexEncode(padded), "0303");
  EXPECT_EQ(BitWidth(0), 0);
  EXPECT_EQ(BitWidth(1), 1);
  EXPECT_EQ(BitWidth(255), 8);
}

// Encodings.md's two DELTA_BINARY_PACKED examples, then round trips through our decoder of
// sequences that wrap, jump to the extremes, and end anywhere in a block.
TEST(DeltaEncoderTest, SpecExamplesAndRoundTrips) {
  std::string ones;  // 1, 2, 3, 4, 5: every delta is 1, so every width is 0
  EncodeDeltaBinaryPacked({1, 2, 3, 4, 5}, false, &ones);
  EXPECT_EQ(HexEncode(ones),
            "8001040502"  // block 128, 4 miniblocks, 5 values, first zigzag(1)
            "02"          // min delta zigzag(1)
            "00000000");  // widths; no bodies
  std::string mixed;      // 7, 5, 3, 1, 2, 3, 4, 5: deltas -2 -2 -2 1 1 1 1, min -2
  EncodeDeltaBinaryPacked({7, 5, 3, 1, 2, 3, 4, 5}, false, &mixed);
  EXPECT_EQ(HexEncode(mixed),
            "800104080e"  // header, first zigzag(7)
            "03"          // min delta zigzag(-2)
            "02000000"    // the first miniblock is 2 bits wide
            // relative deltas 0 0 0 3 3 3 3, then zero padding to 32 values of 2 bits
            "c03f" +
                std::string(2 * 6, '0'));

  std::vector<std::vector<int64_t>> cases = {{}, {42}, {INT64_MIN, INT64_MAX, INT64_MIN, 0}};
  for (size_t n : {2, 31, 32, 33, 127, 128, 129, 1000}) {
    std::vector<int64_t> v;
    for (size_t i = 0; i < n; ++i) {
      v.push_back(static_cast<int64_t>(i * i * 1000003) * (i % 7 == 3 ? -1 : 1));
    }
    cases.push_back(v);
  }
  for (const std::vector<int64_t>& values : cases) {
    SCOPED_TRACE(std::to_string(values.size()) + " values");
    std::string encoded;
    EncodeDeltaBinaryPacked(values, false, &encoded);
    std::vector<int64_t> decoded;
    Result<size_t> used = DecodeDeltaBinaryPacked(encoded, values.size(), &decoded);
    ASSERT_THAT(used, IsOk());
    EXPECT_EQ(*used, encoded.size());
    EXPECT_EQ(decoded, values);
  }
  // INT32: deltas wrap at 32 bits, so no miniblock is wider than 32 even across the extremes.
  std::vector<int64_t> ints = {INT32_MAX, INT32_MIN, INT32_MAX, -1, 0, INT32_MIN};
  std::string encoded;
  EncodeDeltaBinaryPacked(ints, true, &encoded);
  // After the header and min delta: the widths, then one miniblock of 32 values of 32 bits.
  EXPECT_EQ(HexEncode(encoded.substr(encoded.size() - 32 * 4 - 4, 4)), "20000000");
  std::vector<int64_t> decoded;
  ASSERT_THAT(DecodeDeltaBinaryPacked(encoded, ints.size(), &decoded), IsOk());
  ASSERT_EQ(decoded.size(), ints.size());
  for (size_t i = 0; i < ints.size(); ++i) EXPECT_EQ(static_cast<int32_t>(decoded[i]), ints[i]);
}

TEST(StatisticsTest, TruncatedBoundsStayBoundsAndValidUtf8) {
  EXPECT_EQ(TruncateLowerBound("abcdef", 3, false), "abc");
  EXPECT_EQ(TruncateUpperBound("abcdef", 3, false).value_or("?"), "abd");
  EXPECT_EQ(TruncateUpperBound("ab\xff\xff"
                               "z",
                               4, false)
                .value_or("?"),
            "ac");
  EXPECT_FALSE(TruncateUpperBound("\xff\xff\xff", 2, false).has_value());
  // "é" is two bytes: never cut in half, and bump whole characters.
  EXPECT_EQ(TruncateLowerBound("aé", 2, true), "a");
  EXPECT_EQ(TruncateUpperBound("aéz", 3, true).value_or("?"), "aê");
  EXPECT_EQ(TruncateUpperBound("a\xf4\x8f\xbf\xbfz", 5, true).value_or("?"), "b");  // U+10FFFF
  EXPECT_EQ(TruncateUpperBound("short", 64, true).value_or("?"), "short");
}

TEST(StatisticsTest, FloatBoundsIgnoreNanAndWidenZeros) {
  StatisticsBuilder stats(ValueOrder::kDouble, false);
  double zero = 0.0;
  double one = 1.0;
  std::string z(reinterpret_cast<char*>(&zero), 8);
  std::string o(reinterpret_cast<char*>(&one), 8);
  stats.Update(z, z);
  stats.AddNans(2);
  Statistics thrift = stats.ToThrift(64);
  ASSERT_TRUE(thrift.min_value && thrift.max_value);
  EXPECT_EQ(HexEncode(*thrift.min_value), "0000000000000080");  // -0.0
  EXPECT_EQ(HexEncode(*thrift.max_value), "0000000000000000");  // +0.0
  stats.Update(o, o);
  EXPECT_EQ(HexEncode(*stats.ToThrift(64).max_value), HexEncode(o));
}

TEST(SchemaMappingTest, DecimalsUseTheSmallestPhysicalType) {
  EXPECT_EQ(DecimalFixedLength(19), 9);
  EXPECT_EQ(DecimalFixedLength(38), 16);
  EXPECT_EQ(*LeafFor({1, "a", DataType::Decimal(9, 2), true}).type, PhysicalType::kInt32);
  EXPECT_EQ(*LeafFor({1, "a", DataType::Decimal(18, 2), true}).type, PhysicalType::kInt64);
  SchemaElement wide = LeafFor({7, "a", DataType::Decimal(38, 10), false});
  EXPECT_EQ(*wide.type, PhysicalType::kFixedLenByteArray);
  EXPECT_EQ(*wide.type_length, 16);
  EXPECT_EQ(*wide.field_id, 7);
}

TEST(CompressionTest, EveryCodecRoundTripsAndRejectsGarbage) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "row " + std::to_string(i % 17) + ";";
  for (CompressionCodec codec : {CompressionCodec::kNone, CompressionCodec::kSnappy,
                                 CompressionCodec::kGzip, CompressionCodec::kZstd}) {
    SCOPED_TRACE(std::string(CodecName(codec)));
    TARN_ASSERT_OK_AND_ASSIGN(std::string packed, Compress(codec, text));
    if (codec != CompressionCodec::kNone) {
      EXPECT_LT(packed.size(), text.size() / 4);
    }
    EXPECT_EQ(Decompress(codec, packed, text.size()).value_or(""), text);
    if (codec != CompressionCodec::kNone) {
      EXPECT_THAT(Decompress(codec, "not compressed at all", 100),
                  StatusIs(StatusCode::kCorruption));
    }
  }
  EXPECT_THAT(ParseCodec("lz4"),
              StatusIs(StatusCode::kInvalidArgument,
                       "compression 'lz4' is not one of zstd, snappy, gzip, none"));
}

}  // namespace
}  // namespace tarn::testing

#include "format/parquet/column_reader.h"

namespace tarn::testing {
namespace {

using namespace tarn::parquet;  // NOLINT(google-build-using-namespace)

// Reads one physical value through the conversion of `element` and returns it as micros.
int64_t ConvertedMicros(const SchemaElement& element, const PhysicalValues& values) {
  ReadLeaf leaf = std::move(FieldFor(element, 1)).value();
  Column out(leaf.field.type);
  EXPECT_TRUE(AppendPhysicalValue(element, leaf, values, 0, &out).ok());
  return out.GetInt64(0);
}

TEST(ReadConversionTest, LegacyAndCoarseTimeUnitsBecomeMicroseconds) {
  SchemaElement int96;
  int96.name = "t";
  int96.type = PhysicalType::kInt96;
  // 1970-01-02 (Julian day 2440589) plus 1 h and 123456789 ns.
  std::string bytes(12, '\0');
  int64_t nanos = int64_t{3600} * 1000000000 + 123456789;
  int32_t day = 2440589;
  std::memcpy(bytes.data(), &nanos, 8);
  std::memcpy(bytes.data() + 8, &day, 4);
  PhysicalValues v;
  v.bytes.push_back(bytes);
  EXPECT_EQ(ConvertedMicros(int96, v), int64_t{86400 + 3600} * 1000000 + 123456);

  SchemaElement millis;
  millis.name = "t";
  millis.type = PhysicalType::kInt64;
  millis.logical_type = {LogicalKind::kTimestamp, 0, 0, true, TimeUnit::kMillis, 0, true};
  PhysicalValues m;
  m.i64.push_back(-1500);  // 1969-12-31T23:59:58.5
  EXPECT_EQ(ConvertedMicros(millis, m), -1500000);

  SchemaElement nanos_element = millis;
  nanos_element.logical_type.unit = TimeUnit::kNanos;
  PhysicalValues n;
  n.i64.push_back(-1);  // one nanosecond before the epoch floors to -1 µs
  EXPECT_EQ(ConvertedMicros(nanos_element, n), -1);
}

TEST(ReadConversionTest, UnsignedAndByteArrayDecimalsKeepTheirValue) {
  SchemaElement u32;
  u32.name = "u";
  u32.type = PhysicalType::kInt32;
  u32.converted_type = ConvertedType::kUint32;
  ReadLeaf leaf = std::move(FieldFor(u32, 1)).value();
  EXPECT_EQ(leaf.field.type.id, TypeId::kLong);
  PhysicalValues v;
  v.i32.push_back(-1);  // 0xFFFFFFFF
  Column out(leaf.field.type);
  ASSERT_TRUE(AppendPhysicalValue(u32, leaf, v, 0, &out).ok());
  EXPECT_EQ(out.GetInt64(0), 4294967295LL);

  SchemaElement dec;
  dec.name = "d";
  dec.type = PhysicalType::kByteArray;
  dec.logical_type = {LogicalKind::kDecimal, 2, 20, false, TimeUnit::kMicros, 0, true};
  ReadLeaf dec_leaf = std::move(FieldFor(dec, 1)).value();
  PhysicalValues d;
  const std::string minus_123("\xff\x85", 2);  // big-endian two's complement; views need it alive
  const std::string too_wide(17, '\x01');
  d.bytes.push_back(minus_123);
  Column decimal(dec_leaf.field.type);
  ASSERT_TRUE(AppendPhysicalValue(dec, dec_leaf, d, 0, &decimal).ok());
  EXPECT_TRUE(decimal.GetDecimal(0) == -123);
  d.bytes[0] = too_wide;
  EXPECT_THAT(AppendPhysicalValue(dec, dec_leaf, d, 0, &decimal),
              StatusIs(StatusCode::kCorruption));
}

}  // namespace
}  // namespace tarn::testing
