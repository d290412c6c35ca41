// Reading Parquet's thrift metadata (the footer and page headers) from untrusted bytes.
#include <functional>

#include "format/parquet/parquet_types.h"
#include "format/parquet/thrift_compact_reader.h"

namespace tarn::parquet {
namespace {

using FieldFn = std::function<Status(int16_t id, ThriftType type)>;

Status ReadStruct(ThriftCompactReader& r, const FieldFn& field) {
  TARN_RETURN_IF_ERROR(r.BeginStruct());
  while (true) {
    int16_t id = 0;
    ThriftType type = ThriftType::kStop;
    TARN_ASSIGN_OR_RETURN(bool more, r.NextField(&id, &type));
    if (!more) break;
    TARN_RETURN_IF_ERROR(field(id, type));
  }
  r.EndStruct();
  return Status::OK();
}

Status ReadList(ThriftCompactReader& r, ThriftType type, ThriftType want,
                const std::function<Status()>& element) {
  ThriftType got;
  uint32_t size = 0;
  TARN_RETURN_IF_ERROR(r.ReadListHeader(type, &got, &size));
  if (got != want && size > 0) {
    return Status::Corruption("thrift metadata: list elements have type " +
                              std::to_string(static_cast<int>(got)));
  }
  for (uint32_t i = 0; i < size; ++i) TARN_RETURN_IF_ERROR(element());
  return Status::OK();
}

template <typename E>
Status ReadEnum(ThriftCompactReader& r, ThriftType type, E* out) {
  TARN_ASSIGN_OR_RETURN(int32_t v, r.ReadI32(type));
  *out = static_cast<E>(v);
  return Status::OK();
}

template <typename E>
Status ReadEnum(ThriftCompactReader& r, ThriftType type, std::optional<E>* out) {
  TARN_ASSIGN_OR_RETURN(int32_t v, r.ReadI32(type));
  *out = static_cast<E>(v);
  return Status::OK();
}

Status ReadI32(ThriftCompactReader& r, ThriftType type, int32_t* out) {
  TARN_ASSIGN_OR_RETURN(*out, r.ReadI32(type));
  return Status::OK();
}

Status ReadI32(ThriftCompactReader& r, ThriftType type, std::optional<int32_t>* out) {
  TARN_ASSIGN_OR_RETURN(int32_t v, r.ReadI32(type));
  *out = v;
  return Status::OK();
}

Status ReadI64(ThriftCompactReader& r, ThriftType type, int64_t* out) {
  TARN_ASSIGN_OR_RETURN(*out, r.ReadI64(type));
  return Status::OK();
}

Status ReadBinary(ThriftCompactReader& r, ThriftType type, std::optional<std::string>* out) {
  TARN_ASSIGN_OR_RETURN(std::string v, r.ReadBinary(type));
  *out = std::move(v);
  return Status::OK();
}

Status ReadStatistics(ThriftCompactReader& r, Statistics* s) {
  return ReadStruct(r, [&](int16_t id, ThriftType t) -> Status {
    switch (id) {
      case 1:
        return ReadBinary(r, t, &s->max);
      case 2:
        return ReadBinary(r, t, &s->min);
      case 3: {
        TARN_ASSIGN_OR_RETURN(int64_t v, r.ReadI64(t));
        s->null_count = v;
        return Status::OK();
      }
      case 5:
        return ReadBinary(r, t, &s->max_value);
      case 6:
        return ReadBinary(r, t, &s->min_value);
      case 9: {
        TARN_ASSIGN_OR_RETURN(int64_t v, r.ReadI64(t));
        s->nan_count = v;
        return Status::OK();
      }
      default:
        return r.Skip(t);
    }
  });
}

Status ReadTimeUnit(ThriftCompactReader& r, TimeUnit* unit) {
  return ReadStruct(r, [&](int16_t id, ThriftType t) -> Status {
    if (id >= 1 && id <= 3) *unit = static_cast<TimeUnit>(id);
    return r.Skip(t);
  });
}

Status ReadLogicalType(ThriftCompactReader& r, LogicalType* logical) {
  return ReadStruct(r, [&](int16_t member, ThriftType t) -> Status {
    if (t != ThriftType::kStruct) return r.Skip(t);
    switch (member) {
      case 5:
        logical->kind = LogicalKind::kDecimal;
        return ReadStruct(r, [&](int16_t id, ThriftType ft) -> Status {
          if (id == 1) return ReadI32(r, ft, &logical->scale);
          if (id == 2) return ReadI32(r, ft, &logical->precision);
          return r.Skip(ft);
        });
      case 7:
      case 8:
        logical->kind = member == 7 ? LogicalKind::kTime : LogicalKind::kTimestamp;
        return ReadStruct(r, [&](int16_t id, ThriftType ft) -> Status {
          if (id == 1) {
            TARN_ASSIGN_OR_RETURN(logical->adjusted_to_utc, r.ReadBool(ft));
            return Status::OK();
          }
          if (id == 2 && ft == ThriftType::kStruct) return ReadTimeUnit(r, &logical->unit);
          return r.Skip(ft);
        });
      case 10:
        logical->kind = LogicalKind::kInteger;
        return ReadStruct(r, [&](int16_t id, ThriftType ft) -> Status {
          if (id == 1) {
            TARN_ASSIGN_OR_RETURN(int32_t width, r.ReadI32(ft));
            logical->bit_width = static_cast<int8_t>(width);
            return Status::OK();
          }
          if (id == 2) {
            TARN_ASSIGN_OR_RETURN(logical->is_signed, r.ReadBool(ft));
            return Status::OK();
          }
          return r.Skip(ft);
        });
      case 1:
      case 2:
      case 3:
      case 4:
      case 6:
      case 11:
      case 12:
      case 13:
      case 14:
      case 15:
        logical->kind = static_cast<LogicalKind>(member);
        return r.Skip(t);
      default:
        logical->kind = LogicalKind::kOther;
        return r.Skip(t);
    }
  });
}

Status ReadSchemaElement(ThriftCompactReader& r, SchemaElement* e) {
  bool has_name = false;
  TARN_RETURN_IF_ERROR(ReadStruct(r, [&](int16_t id, ThriftType t) -> Status {
    switch (id) {
      case 1:
        return ReadEnum(r, t, &e->type);
      case 2:
        return ReadI32(r, t, &e->type_length);
      case 3:
        return ReadEnum(r, t, &e->repetition);
      case 4: {
        has_name = true;
        TARN_ASSIGN_OR_RETURN(e->name, r.ReadBinary(t));
        return Status::OK();
      }
      case 5:
        return ReadI32(r, t, &e->num_children);
      case 6:
        return ReadEnum(r, t, &e->converted_type);
      case 7:
        return ReadI32(r, t, &e->scale);
      case 8:
        return ReadI32(r, t, &e->precision);
      case 9:
        return ReadI32(r, t, &e->field_id);
      case 10:
        if (t != ThriftType::kStruct) return r.Skip(t);
        return ReadLogicalType(r, &e->logical_type);
      default:
        return r.Skip(t);
    }
  }));
  if (!has_name) return Status::Corruption("thrift metadata: a schema element has no name");
  return Status::OK();
}

Status ReadColumnMetaData(ThriftCompactReader& r, ColumnMetaData* m) {
  return ReadStruct(r, [&](int16_t id, ThriftType t) -> Status {
    switch (id) {
      case 1:
        return ReadEnum(r, t, &m->type);
      case 2:
        return ReadList(r, t, ThriftType::kI32, [&]() -> Status {
          TARN_ASSIGN_OR_RETURN(int32_t v, r.ReadElementI32());
          m->encodings.push_back(static_cast<Encoding>(v));
          return Status::OK();
        });
      case 3:
        return ReadList(r, t, ThriftType::kBinary, [&]() -> Status {
          TARN_ASSIGN_OR_RETURN(std::string v, r.ReadElementBinary());
          m->path_in_schema.push_back(std::move(v));
          return Status::OK();
        });
      case 4:
        return ReadEnum(r, t, &m->codec);
      case 5:
        return ReadI64(r, t, &m->num_values);
      case 6:
        return ReadI64(r, t, &m->total_uncompressed_size);
      case 7:
        return ReadI64(r, t, &m->total_compressed_size);
      case 9:
        return ReadI64(r, t, &m->data_page_offset);
      case 11: {
        TARN_ASSIGN_OR_RETURN(int64_t v, r.ReadI64(t));
        m->dictionary_page_offset = v;
        return Status::OK();
      }
      case 12:
        if (t != ThriftType::kStruct) return r.Skip(t);
        return ReadStatistics(r, &m->statistics);
      default:
        return r.Skip(t);
    }
  });
}

Status ReadRowGroup(ThriftCompactReader& r, RowGroup* g) {
  return ReadStruct(r, [&](int16_t id, ThriftType t) -> Status {
    switch (id) {
      case 1:
        return ReadList(r, t, ThriftType::kStruct, [&]() -> Status {
          ColumnChunk chunk;
          bool has_meta = false;
          TARN_RETURN_IF_ERROR(ReadStruct(r, [&](int16_t cid, ThriftType ct) -> Status {
            if (cid == 2) return ReadI64(r, ct, &chunk.file_offset);
            if (cid == 3 && ct == ThriftType::kStruct) {
              has_meta = true;
              return ReadColumnMetaData(r, &chunk.meta_data);
            }
            return r.Skip(ct);
          }));
          if (!has_meta)
            return Status::Corruption("thrift metadata: a column chunk has no metadata");
          g->columns.push_back(std::move(chunk));
          return Status::OK();
        });
      case 2:
        return ReadI64(r, t, &g->total_byte_size);
      case 3:
        return ReadI64(r, t, &g->num_rows);
      case 5:
        return ReadI64(r, t, &g->file_offset);
      case 6:
        return ReadI64(r, t, &g->total_compressed_size);
      default:
        return r.Skip(t);
    }
  });
}

}  // namespace

Status Deserialize(std::string_view bytes, FileMetaData* m) {
  ThriftCompactReader r(bytes);
  return ReadStruct(r, [&](int16_t id, ThriftType t) -> Status {
    switch (id) {
      case 1:
        return ReadI32(r, t, &m->version);
      case 2:
        return ReadList(r, t, ThriftType::kStruct, [&]() -> Status {
          SchemaElement e;
          TARN_RETURN_IF_ERROR(ReadSchemaElement(r, &e));
          m->schema.push_back(std::move(e));
          return Status::OK();
        });
      case 3:
        return ReadI64(r, t, &m->num_rows);
      case 4:
        return ReadList(r, t, ThriftType::kStruct, [&]() -> Status {
          RowGroup g;
          TARN_RETURN_IF_ERROR(ReadRowGroup(r, &g));
          m->row_groups.push_back(std::move(g));
          return Status::OK();
        });
      case 5:
        return ReadList(r, t, ThriftType::kStruct, [&]() -> Status {
          KeyValue kv;
          TARN_RETURN_IF_ERROR(ReadStruct(r, [&](int16_t kid, ThriftType kt) -> Status {
            if (kid == 1) {
              TARN_ASSIGN_OR_RETURN(kv.key, r.ReadBinary(kt));
              return Status::OK();
            }
            if (kid == 2) {
              TARN_ASSIGN_OR_RETURN(kv.value, r.ReadBinary(kt));
              return Status::OK();
            }
            return r.Skip(kt);
          }));
          m->key_value_metadata.push_back(std::move(kv));
          return Status::OK();
        });
      case 6: {
        TARN_ASSIGN_OR_RETURN(m->created_by, r.ReadBinary(t));
        return Status::OK();
      }
      default:
        return r.Skip(t);
    }
  });
}

Result<size_t> Deserialize(std::string_view bytes, PageHeader* h) {
  ThriftCompactReader r(bytes);
  TARN_RETURN_IF_ERROR(ReadStruct(r, [&](int16_t id, ThriftType t) -> Status {
    switch (id) {
      case 1:
        return ReadEnum(r, t, &h->type);
      case 2:
        return ReadI32(r, t, &h->uncompressed_page_size);
      case 3:
        return ReadI32(r, t, &h->compressed_page_size);
      case 5: {
        if (t != ThriftType::kStruct) return r.Skip(t);
        DataPageHeader d;
        TARN_RETURN_IF_ERROR(ReadStruct(r, [&](int16_t did, ThriftType dt) -> Status {
          switch (did) {
            case 1:
              return ReadI32(r, dt, &d.num_values);
            case 2:
              return ReadEnum(r, dt, &d.encoding);
            case 3:
              return ReadEnum(r, dt, &d.definition_level_encoding);
            case 4:
              return ReadEnum(r, dt, &d.repetition_level_encoding);
            default:
              return r.Skip(dt);
          }
        }));
        h->data_page_header = d;
        return Status::OK();
      }
      case 7: {
        if (t != ThriftType::kStruct) return r.Skip(t);
        DictionaryPageHeader d;
        TARN_RETURN_IF_ERROR(ReadStruct(r, [&](int16_t did, ThriftType dt) -> Status {
          if (did == 1) return ReadI32(r, dt, &d.num_values);
          if (did == 2) return ReadEnum(r, dt, &d.encoding);
          return r.Skip(dt);
        }));
        h->dictionary_page_header = d;
        return Status::OK();
      }
      case 8: {
        if (t != ThriftType::kStruct) return r.Skip(t);
        DataPageHeaderV2 d;
        TARN_RETURN_IF_ERROR(ReadStruct(r, [&](int16_t did, ThriftType dt) -> Status {
          switch (did) {
            case 1:
              return ReadI32(r, dt, &d.num_values);
            case 2:
              return ReadI32(r, dt, &d.num_nulls);
            case 3:
              return ReadI32(r, dt, &d.num_rows);
            case 4:
              return ReadEnum(r, dt, &d.encoding);
            case 5:
              return ReadI32(r, dt, &d.definition_levels_byte_length);
            case 6:
              return ReadI32(r, dt, &d.repetition_levels_byte_length);
            case 7: {
              TARN_ASSIGN_OR_RETURN(d.is_compressed, r.ReadBool(dt));
              return Status::OK();
            }
            default:
              return r.Skip(dt);
          }
        }));
        h->data_page_header_v2 = d;
        return Status::OK();
      }
      default:
        return r.Skip(t);
    }
  }));
  return r.position();
}

}  // namespace tarn::parquet
