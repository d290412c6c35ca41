// Schemas in Iceberg's JSON form (spec "Schemas"): {"type":"struct","fields":[{"id":1,
// "name":"id","required":true,"type":"long"},...]}. Flat schemas only for now: a nested field
// type is kNotImplemented naming the field.
#pragma once

#include <string>
#include <string_view>

#include "columnar/schema.h"

namespace tarn {

Result<Schema> SchemaFromIcebergJson(std::string_view json);
// With "schema-id" when `schema_id` >= 0.
std::string SchemaToIcebergJson(const Schema& schema, int schema_id = -1);

}  // namespace tarn
