#include "connect/source.h"

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
