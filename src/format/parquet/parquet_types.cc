#include "format/parquet/parquet_types.h"

#include "format/parquet/thrift_compact.h"

namespace tarn::parquet {
namespace {

int32_t I(auto e) { return static_cast<int32_t>(e); }

void WriteStatistics(ThriftCompactWriter& w, const Statistics& s) {
  w.BeginStruct();
  if (s.null_count) w.FieldI64(3, *s.null_count);
  if (s.max_value) w.FieldBinary(5, *s.max_value);
  if (s.min_value) w.FieldBinary(6, *s.min_value);
  if (s.is_max_value_exact) w.FieldBool(7, *s.is_max_value_exact);
  if (s.is_min_value_exact) w.FieldBool(8, *s.is_min_value_exact);
  if (s.nan_count) w.FieldI64(9, *s.nan_count);
  w.EndStruct();
}

void EmptyStruct(ThriftCompactWriter& w, int16_t id) {
  w.FieldStruct(id);
  w.BeginStruct();
  w.EndStruct();
}

void WriteLogicalType(ThriftCompactWriter& w, const LogicalType& t) {
  w.BeginStruct();
  int16_t id = static_cast<int16_t>(t.kind);
  switch (t.kind) {
    case LogicalKind::kDecimal:
      w.FieldStruct(id);
      w.BeginStruct();
      w.FieldI32(1, t.scale);
      w.FieldI32(2, t.precision);
      w.EndStruct();
      break;
    case LogicalKind::kTime:
    case LogicalKind::kTimestamp:
      w.FieldStruct(id);
      w.BeginStruct();
      w.FieldBool(1, t.adjusted_to_utc);
      w.FieldStruct(2);  // TimeUnit union
      w.BeginStruct();
      EmptyStruct(w, 2);  // MICROS
      w.EndStruct();
      w.EndStruct();
      break;
    default:
      EmptyStruct(w, id);
      break;  // STRING, DATE, UUID: empty structs
  }
  w.EndStruct();
}

void WriteSchemaElement(ThriftCompactWriter& w, const SchemaElement& e) {
  w.BeginStruct();
  if (e.type) w.FieldI32(1, I(*e.type));
  if (e.type_length) w.FieldI32(2, *e.type_length);
  if (e.repetition) w.FieldI32(3, I(*e.repetition));
  w.FieldBinary(4, e.name);
  if (e.num_children) w.FieldI32(5, *e.num_children);
  if (e.converted_type) w.FieldI32(6, I(*e.converted_type));
  if (e.scale) w.FieldI32(7, *e.scale);
  if (e.precision) w.FieldI32(8, *e.precision);
  if (e.field_id) w.FieldI32(9, *e.field_id);
  if (e.logical_type.kind != LogicalKind::kNone) {
    w.FieldStruct(10);
    WriteLogicalType(w, e.logical_type);
  }
  w.EndStruct();
}

void WriteColumnMetaData(ThriftCompactWriter& w, const ColumnMetaData& m) {
  w.BeginStruct();
  w.FieldI32(1, I(m.type));
  w.FieldList(2, ThriftType::kI32, m.encodings.size());
  for (Encoding e : m.encodings) w.ElementI32(I(e));
  w.FieldList(3, ThriftType::kBinary, m.path_in_schema.size());
  for (const std::string& p : m.path_in_schema) w.ElementBinary(p);
  w.FieldI32(4, I(m.codec));
  w.FieldI64(5, m.num_values);
  w.FieldI64(6, m.total_uncompressed_size);
  w.FieldI64(7, m.total_compressed_size);
  w.FieldI64(9, m.data_page_offset);
  if (m.dictionary_page_offset) w.FieldI64(11, *m.dictionary_page_offset);
  w.FieldStruct(12);
  WriteStatistics(w, m.statistics);
  w.EndStruct();
}

}  // namespace

void Serialize(const PageHeader& h, std::string* out) {
  ThriftCompactWriter w(out);
  w.BeginStruct();
  w.FieldI32(1, I(h.type));
  w.FieldI32(2, h.uncompressed_page_size);
  w.FieldI32(3, h.compressed_page_size);
  if (h.data_page_header) {
    const DataPageHeader& d = *h.data_page_header;
    w.FieldStruct(5);
    w.BeginStruct();
    w.FieldI32(1, d.num_values);
    w.FieldI32(2, I(d.encoding));
    w.FieldI32(3, I(d.definition_level_encoding));
    w.FieldI32(4, I(d.repetition_level_encoding));
    w.EndStruct();
  }
  if (h.dictionary_page_header) {
    w.FieldStruct(7);
    w.BeginStruct();
    w.FieldI32(1, h.dictionary_page_header->num_values);
    w.FieldI32(2, I(h.dictionary_page_header->encoding));
    w.EndStruct();
  }
  w.EndStruct();
}

void Serialize(const FileMetaData& m, std::string* out) {
  ThriftCompactWriter w(out);
  w.BeginStruct();
  w.FieldI32(1, m.version);
  w.FieldList(2, ThriftType::kStruct, m.schema.size());
  for (const SchemaElement& e : m.schema) WriteSchemaElement(w, e);
  w.FieldI64(3, m.num_rows);
  w.FieldList(4, ThriftType::kStruct, m.row_groups.size());
  for (const RowGroup& g : m.row_groups) {
    w.BeginStruct();
    w.FieldList(1, ThriftType::kStruct, g.columns.size());
    for (const ColumnChunk& c : g.columns) {
      w.BeginStruct();
      w.FieldI64(2, c.file_offset);
      w.FieldStruct(3);
      WriteColumnMetaData(w, c.meta_data);
      w.EndStruct();
    }
    w.FieldI64(2, g.total_byte_size);
    w.FieldI64(3, g.num_rows);
    w.FieldI64(5, g.file_offset);
    w.FieldI64(6, g.total_compressed_size);
    w.FieldI16(7, g.ordinal);
    w.EndStruct();
  }
  if (!m.key_value_metadata.empty()) {
    w.FieldList(5, ThriftType::kStruct, m.key_value_metadata.size());
    for (const KeyValue& kv : m.key_value_metadata) {
      w.BeginStruct();
      w.FieldBinary(1, kv.key);
      w.FieldBinary(2, kv.value);
      w.EndStruct();
    }
  }
  w.FieldBinary(6, m.created_by);
  if (m.column_orders > 0) {
    w.FieldList(7, ThriftType::kStruct, m.column_orders);
    for (size_t i = 0; i < m.column_orders; ++i) {
      w.BeginStruct();    // ColumnOrder union
      EmptyStruct(w, 1);  // TYPE_ORDER
      w.EndStruct();
    }
  }
  w.EndStruct();
}

}  // namespace tarn::parquet
