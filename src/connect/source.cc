#include "connect/source.h"

#include <cctype>
#include <set>

#include "columnar/value_text.h"
#include "connect/postgres_source.h"
#include "connect/sqlite_source.h"

namespace tarn {

Result<std::unique_ptr<Source>> Source::Open(const SourceConfig& config) {
  switch (config.kind) {
    case SourceKind::kPostgres:
      return PostgresSource::Open(config);
    case SourceKind::kSqlite:
      return SqliteSource::Open(config);
  }
  return Status::InvalidArgument("source '" + config.name + "' has an unknown kind");
}

bool IsOrderable(const DataType& type) {
  switch (type.id) {
    case TypeId::kInt:
    case TypeId::kLong:
    case TypeId::kDate:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      return true;
    default:
      return false;
  }
}

Result<int64_t> ParseOrderable(const DataType& type, std::string_view text) {
  if (!IsOrderable(type)) {
    return Status::InvalidArgument("a " + type.ToString() +
                                   " column cannot bound a window or a range; use an integer, "
                                   "date or timestamp column");
  }
  Column column(type.id == TypeId::kInt ? MakeType(TypeId::kLong) : type);
  TARN_RETURN_IF_ERROR(AppendText(text, column.type(), &column));
  return type.id == TypeId::kDate ? column.GetInt32(0) : column.GetInt64(0);
}

std::string OrderableValueText(const DataType& type, int64_t value) {
  if (type.id == TypeId::kInt || type.id == TypeId::kLong) return std::to_string(value);
  Column column(type);
  if (type.id == TypeId::kDate) {
    column.AppendInt32(static_cast<int32_t>(value));
  } else {
    column.AppendInt64(value);
  }
  std::string text;
  FormatValue(column, 0, &text);
  return text;
}

std::string FormatOrderable(const DataType& type, int64_t value) {
  std::string text = OrderableValueText(type, value);
  // SQLite compares text: '2026-11-21 10:00:00' is how it is usually stored.
  if (size_t t = text.find('T'); t != std::string::npos) text[t] = ' ';
  if (!text.empty() && text.back() == 'Z') text.replace(text.size() - 1, 1, "+00:00");
  return text;
}

Result<std::string> RangeCondition(const std::vector<ExtractRange>& ranges) {
  std::string where;
  for (const ExtractRange& range : ranges) {
    if (!IsOrderable(range.type)) {
      return Status::InvalidArgument("column '" + range.column + "' is " + range.type.ToString() +
                                     ", which cannot bound a range; use an integer, date or "
                                     "timestamp column");
    }
    TARN_ASSIGN_OR_RETURN(std::string column, QuoteIdentifier(range.column));
    auto literal = [&](int64_t value) {
      std::string text = FormatOrderable(range.type, value);
      return range.type.id == TypeId::kInt || range.type.id == TypeId::kLong ? text
                                                                             : "'" + text + "'";
    };
    std::string condition;
    if (range.lower) condition = column + " >= " + literal(*range.lower);
    if (range.upper) {
      condition += (condition.empty() ? "" : " AND ") + column + " < " + literal(*range.upper);
    }
    if (range.with_nulls) {
      condition = condition.empty() ? "" : "(" + condition + ") OR " + column + " IS NULL";
    }
    if (condition.empty()) continue;
    where += (where.empty() ? " WHERE (" : " AND (") + condition + ")";
  }
  return where;
}

Result<std::string> QuotedTableName(const std::string& table, const std::string& default_schema) {
  TARN_ASSIGN_OR_RETURN(SourceTableName name, ParseSourceTableName(table, default_schema));
  TARN_ASSIGN_OR_RETURN(std::string schema, QuoteIdentifier(name.schema));
  TARN_ASSIGN_OR_RETURN(std::string relation, QuoteIdentifier(name.name));
  return schema + "." + relation;
}

std::string_view TrimQuery(std::string_view query) {
  while (!query.empty() &&
         (std::isspace(static_cast<unsigned char>(query.back())) || query.back() == ';')) {
    query.remove_suffix(1);
  }
  return query;
}

Status CheckDistinctNames(const std::vector<std::string>& names, const std::string& what) {
  std::set<std::string_view> seen;
  for (const std::string& name : names) {
    if (!seen.insert(name).second) {
      return Status::InvalidArgument(what + ": two columns are named '" + name +
                                     "'; give them distinct aliases (AS name)");
    }
  }
  return Status::OK();
}

Result<std::string> FromClause(const SourceRelation& relation, const std::string& default_schema) {
  if (relation.query.empty()) return QuotedTableName(relation.table, default_schema);
  const std::string_view query = TrimQuery(relation.query);
  if (query.empty()) return Status::InvalidArgument("the query is empty");
  return "(\n" + std::string(query) + "\n) AS tarn_query";
}

Result<SourceTableName> ParseSourceTableName(const std::string& text,
                                             const std::string& default_schema) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("table name '" + text + "' " + why);
  };
  std::vector<std::string> parts;
  size_t i = 0;
  while (true) {
    std::string part;
    if (i < text.size() && text[i] == '"') {
      // A quoted part: up to the closing quote, "" standing for one quote.
      ++i;
      bool closed = false;
      while (i < text.size()) {
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            part += '"';
            i += 2;
            continue;
          }
          closed = true;
          ++i;
          break;
        }
        part += text[i++];
      }
      if (!closed) return bad("has an unclosed quote");
    } else {
      while (i < text.size() && text[i] != '.') {
        if (text[i] == '"') return bad("has a quote inside an unquoted part");
        part += text[i++];
      }
    }
    if (part.empty()) return bad("has an empty part");
    parts.push_back(std::move(part));
    if (i == text.size()) break;
    if (text[i] != '.') return bad("has text after a quoted part");
    ++i;
  }
  if (parts.size() > 2) return bad("has more than two parts (expected schema.table)");
  SourceTableName name;
  name.schema = parts.size() == 2 ? parts[0] : default_schema;
  name.name = parts.back();
  return name;
}

Result<std::string> QuoteIdentifier(const std::string& name) {
  if (name.find('\0') != std::string::npos) {
    return Status::InvalidArgument("an identifier cannot contain a NUL byte");
  }
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace tarn
