// Predicates: the one small expression language of tarn's scans, deletes and filters.
//
//   amount >= 100.50 AND currency IN ('EUR', 'NOK') AND NOT (note IS NULL)
//   ts < TIMESTAMP '2024-01-01T00:00:00' OR day = DATE '2024-02-29' OR "Odd Name" != 'x'
//
// Comparisons (= != <> < <= > >=) between a column and a literal, IN (...), NOT IN (...),
// IS [NOT] NULL, AND, OR, NOT and parentheses. Literals: numbers, 'strings' ('' for a quote),
// TRUE, FALSE, and typed forms DATE / TIME / TIMESTAMP / TIMESTAMPTZ / UUID 'text'. Column
// names are identifiers or "double-quoted". Keywords are case-insensitive.
//
// Parse binds to a schema: names must exist and literals must convert to their column's type.
// Errors are kInvalidArgument naming the position. Evaluation follows SQL's three-valued logic:
// a comparison with NULL is unknown, and only rows where the predicate is true are kept.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "columnar/column_batch.h"

namespace tarn {

class Predicate {
 public:
  static Result<Predicate> Parse(std::string_view text, const Schema& schema);

  // One flag per row of `batch`: 1 where the predicate is true. The batch must hold every
  // column the predicate names (matched by name); kInvalidArgument otherwise.
  Result<std::vector<uint8_t>> Evaluate(const ColumnBatch& batch) const;

  // What is known of a column over a set of rows (a row group, a data file): bounds as
  // one-row columns of the column's type (a lower and an upper bound, not necessarily values
  // that occur), and counts, -1 when unknown.
  struct ColumnStats {
    const Column* min = nullptr;
    const Column* max = nullptr;
    int64_t null_count = -1;
    int64_t value_count = -1;
  };
  // False only when no row with these statistics can make the predicate true; `stats`
  // returns nullptr for a column it knows nothing about.
  bool MightMatch(const std::function<const ColumnStats*(const std::string& column)>& stats) const;

  // The columns the predicate reads, in order of first use.
  const std::vector<std::string>& columns() const { return columns_; }
  const std::string& text() const { return text_; }

  struct Node;

 private:
  std::shared_ptr<const Node> root_;
  std::vector<std::string> columns_;
  std::string text_;
};

}  // namespace tarn
