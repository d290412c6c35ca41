#include "expr/predicate.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "columnar/value_text.h"

namespace tarn {

enum class Op { kEq, kNe, kLt, kLe, kGt, kGe };

struct Predicate::Node {
  enum class Kind { kAnd, kOr, kNot, kCompare, kIn, kNotIn, kIsNull, kIsNotNull };
  Kind kind = Kind::kAnd;
  std::vector<std::shared_ptr<const Node>> children;
  std::string column;
  Op op = Op::kEq;
  std::shared_ptr<Column> literals;  // typed as the column
  bool sorted = false;  // IN lists: literals sorted and distinct, so rows binary-search them
  size_t position = 0;  // of `column` in the predicate's columns()
  // IN lists of integer columns (int, long, date, time, timestamps): the sorted values, for
  // a search without the general comparison.
  std::vector<int64_t> integers;
  bool integer_list = false;
  // A 2^16-bit filter of `integers` (by a multiplicative hash): most rows of a long list miss
  // it and skip the search.
  std::vector<uint64_t> filter;
  static size_t FilterBit(int64_t v) {
    return static_cast<size_t>((static_cast<uint64_t>(v) * 0x9E3779B97F4A7C15ULL) >> 48);
  }
};

namespace {

using Node = Predicate::Node;
using Kind = Node::Kind;
constexpr int8_t kFalse = 0, kTrue = 1, kUnknown = 2;

int Compare(const Column& a, size_t i, const Column& b, size_t j, bool* unordered);

// Sorts and dedups an IN list so that rows can binary-search it; a list with a value that does
// not order (NaN) stays as it is, searched linearly.
bool SortLiterals(Column* literals) {
  bool unordered = false;
  std::vector<size_t> order(literals->size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return Compare(*literals, a, *literals, b, &unordered) < 0;
  });
  for (size_t i = 0; i < literals->size(); ++i) {
    Compare(*literals, i, *literals, i, &unordered);
  }
  if (unordered) return false;
  Column sorted(literals->type());
  for (size_t k = 0; k < order.size(); ++k) {
    bool u = false;
    if (k > 0 && Compare(*literals, order[k - 1], *literals, order[k], &u) == 0) continue;
    sorted.AppendFrom(*literals, order[k]);
  }
  *literals = std::move(sorted);
  return true;
}

struct Token {
  enum Type { kEnd, kIdent, kQuotedIdent, kString, kNumber, kSymbol } type = kEnd;
  std::string text;
  size_t pos = 0;
};

class Parser {
 public:
  Parser(std::string_view text, const Schema& schema) : text_(text), schema_(schema) {}

  Result<std::shared_ptr<const Node>> ParseAll(std::vector<std::string>* columns) {
    columns_ = columns;
    TARN_RETURN_IF_ERROR(Advance());
    TARN_ASSIGN_OR_RETURN(auto node, ParseOr());
    if (token_.type != Token::kEnd) return Error("unexpected '" + token_.text + "'");
    return node;
  }

 private:
  Status Error(const std::string& what) const {
    return Status::InvalidArgument("predicate '" + std::string(text_) + "' at position " +
                                   std::to_string(token_.pos + 1) + ": " + what);
  }

  static bool IsKeyword(const Token& t, std::string_view word) {
    if (t.type != Token::kIdent || t.text.size() != word.size()) return false;
    for (size_t i = 0; i < word.size(); ++i) {
      if (std::toupper(static_cast<unsigned char>(t.text[i])) != word[i]) return false;
    }
    return true;
  }

  Status Advance() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    token_ = Token{};
    token_.pos = pos_;
    if (pos_ >= text_.size()) return Status::OK();
    char c = text_[pos_];
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      size_t start = pos_;
      while (pos_ < text_.size() &&
             (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_'))
        ++pos_;
      token_ = {Token::kIdent, std::string(text_.substr(start, pos_ - start)), start};
    } else if (c == '\'' || c == '"') {
      size_t start = pos_++;
      std::string value;
      while (true) {
        if (pos_ >= text_.size())
          return Error(c == '\'' ? "a string never ends" : "a quoted name never ends");
        if (text_[pos_] == c) {
          if (pos_ + 1 < text_.size() && text_[pos_ + 1] == c) {
            value.push_back(c);
            pos_ += 2;
            continue;
          }
          ++pos_;
          break;
        }
        value.push_back(text_[pos_++]);
      }
      token_ = {c == '\'' ? Token::kString : Token::kQuotedIdent, value, start};
    } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+' || c == '.') {
      size_t start = pos_++;
      while (pos_ < text_.size() &&
             (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '.' ||
              ((text_[pos_] == '-' || text_[pos_] == '+') &&
               (text_[pos_ - 1] == 'e' || text_[pos_ - 1] == 'E')))) {
        ++pos_;
      }
      token_ = {Token::kNumber, std::string(text_.substr(start, pos_ - start)), start};
    } else {
      static constexpr std::string_view kTwo[] = {"<=", ">=", "!=", "<>"};
      for (std::string_view two : kTwo) {
        if (text_.substr(pos_, 2) == two) {
          token_ = {Token::kSymbol, std::string(two), pos_};
          pos_ += 2;
          return Status::OK();
        }
      }
      if (std::string_view("=<>(),").find(c) == std::string_view::npos) {
        return Error(std::string("unexpected character '") + c + "'");
      }
      token_ = {Token::kSymbol, std::string(1, c), pos_++};
    }
    return Status::OK();
  }

  Result<std::shared_ptr<const Node>> Combine(
      Kind kind, bool (*is_op)(const Token&),
      Result<std::shared_ptr<const Node>> (Parser::*next)()) {
    TARN_ASSIGN_OR_RETURN(auto left, (this->*next)());
    if (!is_op(token_)) return left;
    auto node = std::make_shared<Node>();
    node->kind = kind;
    node->children.push_back(left);
    while (is_op(token_)) {
      TARN_RETURN_IF_ERROR(Advance());
      TARN_ASSIGN_OR_RETURN(auto right, (this->*next)());
      node->children.push_back(right);
    }
    return std::shared_ptr<const Node>(node);
  }

  Result<std::shared_ptr<const Node>> ParseOr() {
    return Combine(
        Kind::kOr, [](const Token& t) { return IsKeyword(t, "OR"); }, &Parser::ParseAnd);
  }
  Result<std::shared_ptr<const Node>> ParseAnd() {
    return Combine(
        Kind::kAnd, [](const Token& t) { return IsKeyword(t, "AND"); }, &Parser::ParseNot);
  }
  Result<std::shared_ptr<const Node>> ParseNot() {
    if (!IsKeyword(token_, "NOT")) return ParsePrimary();
    TARN_RETURN_IF_ERROR(Advance());
    TARN_ASSIGN_OR_RETURN(auto inner, ParseNot());
    auto node = std::make_shared<Node>();
    node->kind = Kind::kNot;
    node->children.push_back(inner);
    return std::shared_ptr<const Node>(node);
  }

  Result<std::shared_ptr<const Node>> ParsePrimary() {
    if (token_.type == Token::kSymbol && token_.text == "(") {
      TARN_RETURN_IF_ERROR(Advance());
      TARN_ASSIGN_OR_RETURN(auto inner, ParseOr());
      if (!(token_.type == Token::kSymbol && token_.text == ")")) return Error("expected ')'");
      TARN_RETURN_IF_ERROR(Advance());
      return inner;
    }
    if (token_.type != Token::kIdent && token_.type != Token::kQuotedIdent) {
      return Error("expected a column name");
    }
    auto node = std::make_shared<Node>();
    node->column = token_.text;
    int index = schema_.FindField(node->column);
    if (index < 0)
      return Error("no column named '" + node->column + "' (columns: " + schema_.ToString() + ")");
    const Field& field = schema_.field(static_cast<size_t>(index));
    auto known = std::find(columns_->begin(), columns_->end(), field.name);
    node->position = static_cast<size_t>(known - columns_->begin());
    if (known == columns_->end()) columns_->push_back(field.name);
    node->literals = std::make_shared<Column>(field.type);
    TARN_RETURN_IF_ERROR(Advance());
    if (IsKeyword(token_, "IS")) {
      TARN_RETURN_IF_ERROR(Advance());
      node->kind = Kind::kIsNull;
      if (IsKeyword(token_, "NOT")) {
        node->kind = Kind::kIsNotNull;
        TARN_RETURN_IF_ERROR(Advance());
      }
      if (!IsKeyword(token_, "NULL")) return Error("expected NULL");
      TARN_RETURN_IF_ERROR(Advance());
      return std::shared_ptr<const Node>(node);
    }
    bool negated = false;
    if (IsKeyword(token_, "NOT")) {
      negated = true;
      TARN_RETURN_IF_ERROR(Advance());
      if (!IsKeyword(token_, "IN")) return Error("expected IN after NOT");
    }
    if (IsKeyword(token_, "IN")) {
      node->kind = negated ? Kind::kNotIn : Kind::kIn;
      TARN_RETURN_IF_ERROR(Advance());
      if (!(token_.type == Token::kSymbol && token_.text == "("))
        return Error("expected '(' after IN");
      do {
        TARN_RETURN_IF_ERROR(Advance());
        TARN_RETURN_IF_ERROR(Literal(field, node->literals.get()));
      } while (token_.type == Token::kSymbol && token_.text == ",");
      if (!(token_.type == Token::kSymbol && token_.text == ")"))
        return Error("expected ',' or ')'");
      TARN_RETURN_IF_ERROR(Advance());
      node->sorted = SortLiterals(node->literals.get());
      StorageKind storage = StorageOf(field.type.id);
      if (node->sorted && (storage == StorageKind::kInt64 || storage == StorageKind::kInt32)) {
        node->integer_list = true;
        node->filter.assign(1024, 0);
        for (size_t l = 0; l < node->literals->size(); ++l) {
          node->integers.push_back(storage == StorageKind::kInt64 ? node->literals->GetInt64(l)
                                                                  : node->literals->GetInt32(l));
          size_t bit = Node::FilterBit(node->integers.back());
          node->filter[bit / 64] |= uint64_t{1} << (bit % 64);
        }
      }
      return std::shared_ptr<const Node>(node);
    }
    static const std::pair<std::string_view, Op> kOps[] = {
        {"=", Op::kEq},  {"!=", Op::kNe}, {"<>", Op::kNe}, {"<", Op::kLt},
        {"<=", Op::kLe}, {">", Op::kGt},  {">=", Op::kGe}};
    bool found = false;
    for (const auto& [symbol, op] : kOps) {
      if (token_.type == Token::kSymbol && token_.text == symbol) {
        node->op = op;
        found = true;
      }
    }
    if (!found) return Error("expected a comparison, IN or IS after '" + node->column + "'");
    node->kind = Kind::kCompare;
    TARN_RETURN_IF_ERROR(Advance());
    TARN_RETURN_IF_ERROR(Literal(field, node->literals.get()));
    return std::shared_ptr<const Node>(node);
  }

  // Reads one literal at the current token and appends it, converted, to `out`.
  Status Literal(const Field& field, Column* out) {
    static constexpr std::string_view kTyped[] = {"DATE", "TIME", "TIMESTAMP", "TIMESTAMPTZ",
                                                  "UUID"};
    Token literal = token_;
    for (std::string_view word : kTyped) {
      if (IsKeyword(token_, word)) {
        TARN_RETURN_IF_ERROR(Advance());
        if (token_.type != Token::kString)
          return Error("expected a quoted value after " + std::string(word));
        literal = token_;
      }
    }
    if (IsKeyword(literal, "TRUE") || IsKeyword(literal, "FALSE")) {
      literal.type = Token::kString;
    }
    if (literal.type != Token::kString && literal.type != Token::kNumber)
      return Error("expected a value");
    Status status = AppendText(literal.text, field.type, out);
    if (!status.ok())
      return Error("column '" + field.name + "' is " + field.type.ToString() + ": " +
                   status.message());
    return Advance();
  }

  std::string_view text_;
  const Schema& schema_;
  size_t pos_ = 0;
  Token token_;
  std::vector<std::string>* columns_ = nullptr;
};

// <0, 0, >0 comparing row `i` of `a` with row `j` of `b` (same type); NaN compares unordered.
int Compare(const Column& a, size_t i, const Column& b, size_t j, bool* unordered) {
  *unordered = false;
  auto cmp = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
  switch (StorageOf(a.type().id)) {
    case StorageKind::kBool:
      return cmp(a.GetBool(i), b.GetBool(j));
    case StorageKind::kInt32:
      return cmp(a.GetInt32(i), b.GetInt32(j));
    case StorageKind::kInt64:
      return cmp(a.GetInt64(i), b.GetInt64(j));
    case StorageKind::kFloat:
    case StorageKind::kDouble: {
      double x = StorageOf(a.type().id) == StorageKind::kFloat ? a.GetFloat(i) : a.GetDouble(i);
      double y = StorageOf(a.type().id) == StorageKind::kFloat ? b.GetFloat(j) : b.GetDouble(j);
      *unordered = std::isnan(x) || std::isnan(y);
      return cmp(x, y);
    }
    case StorageKind::kInt128:
      return cmp(a.GetDecimal(i), b.GetDecimal(j));
    case StorageKind::kBytes:
      return a.GetBytes(i).compare(b.GetBytes(j)) < 0 ? -1
                                                      : (a.GetBytes(i) == b.GetBytes(j) ? 0 : 1);
  }
  return 0;
}

int8_t EvaluateRow(const Node& node, const ColumnBatch& batch, const std::vector<int>& index_of,
                   size_t row) {
  switch (node.kind) {
    case Kind::kAnd: {
      int8_t result = kTrue;
      for (const auto& child : node.children) {
        int8_t v = EvaluateRow(*child, batch, index_of, row);
        if (v == kFalse) return kFalse;
        if (v == kUnknown) result = kUnknown;
      }
      return result;
    }
    case Kind::kOr: {
      int8_t result = kFalse;
      for (const auto& child : node.children) {
        int8_t v = EvaluateRow(*child, batch, index_of, row);
        if (v == kTrue) return kTrue;
        if (v == kUnknown) result = kUnknown;
      }
      return result;
    }
    case Kind::kNot: {
      int8_t v = EvaluateRow(*node.children[0], batch, index_of, row);
      return v == kUnknown ? kUnknown : (v == kTrue ? kFalse : kTrue);
    }
    default:
      break;
  }
  const Column& column = batch.column(static_cast<size_t>(index_of[node.position]));
  bool valid = column.IsValid(row);
  if (node.kind == Kind::kIsNull) return valid ? kFalse : kTrue;
  if (node.kind == Kind::kIsNotNull) return valid ? kTrue : kFalse;
  if (!valid) return kUnknown;
  bool unordered = false;
  if (node.kind == Kind::kIn || node.kind == Kind::kNotIn) {
    bool hit = false;
    if (node.integer_list) {
      int64_t v = StorageOf(column.type().id) == StorageKind::kInt64 ? column.GetInt64(row)
                                                                     : column.GetInt32(row);
      size_t bit = Node::FilterBit(v);
      hit = (node.filter[bit / 64] >> (bit % 64) & 1) != 0 &&
            std::binary_search(node.integers.begin(), node.integers.end(), v);
    } else if (node.sorted) {
      size_t lo = 0, hi = node.literals->size();
      while (lo < hi && !hit) {
        size_t mid = lo + (hi - lo) / 2;
        int c = Compare(column, row, *node.literals, mid, &unordered);
        if (unordered) break;  // a NaN row matches nothing
        if (c == 0) hit = true;
        if (c < 0) hi = mid;
        if (c > 0) lo = mid + 1;
      }
    } else {
      for (size_t l = 0; l < node.literals->size() && !hit; ++l) {
        hit = Compare(column, row, *node.literals, l, &unordered) == 0 && !unordered;
      }
    }
    return (hit == (node.kind == Kind::kIn)) ? kTrue : kFalse;
  }
  int c = Compare(column, row, *node.literals, 0, &unordered);
  if (unordered) return node.op == Op::kNe ? kTrue : kFalse;
  bool result = false;
  switch (node.op) {
    case Op::kEq:
      result = c == 0;
      break;
    case Op::kNe:
      result = c != 0;
      break;
    case Op::kLt:
      result = c < 0;
      break;
    case Op::kLe:
      result = c <= 0;
      break;
    case Op::kGt:
      result = c > 0;
      break;
    case Op::kGe:
      result = c >= 0;
      break;
  }
  return result ? kTrue : kFalse;
}

bool MightMatchNode(const Node& node,
                    const std::function<const Predicate::ColumnStats*(const std::string&)>& stats) {
  switch (node.kind) {
    case Kind::kAnd:
      for (const auto& child : node.children) {
        if (!MightMatchNode(*child, stats)) return false;
      }
      return true;
    case Kind::kOr:
      for (const auto& child : node.children) {
        if (MightMatchNode(*child, stats)) return true;
      }
      return false;
    case Kind::kNot:
      return true;  // bounds cannot prove a negation false
    default:
      break;
  }
  const Predicate::ColumnStats* s = stats(node.column);
  if (s == nullptr) return true;
  bool counts = s->null_count >= 0 && s->value_count >= 0;
  if (node.kind == Kind::kIsNull) return !counts || s->null_count > 0;
  if (node.kind == Kind::kIsNotNull) return !counts || s->null_count < s->value_count;
  if (counts && s->null_count == s->value_count) return false;  // only nulls: never true
  if (s->min == nullptr || s->max == nullptr || node.kind == Kind::kNotIn) return true;
  bool unordered = false;
  auto inside = [&](size_t l) {  // min <= literal <= max
    bool u1 = false, u2 = false;
    bool in = Compare(*s->min, 0, *node.literals, l, &u1) <= 0 &&
              Compare(*node.literals, l, *s->max, 0, &u2) <= 0;
    return in || u1 || u2;
  };
  if (node.kind == Kind::kIn) {
    for (size_t l = 0; l < node.literals->size(); ++l) {
      if (inside(l)) return true;
    }
    return false;
  }
  switch (node.op) {
    case Op::kEq:
      return inside(0);
    case Op::kNe: {
      bool u1 = false, u2 = false;
      bool single = Compare(*s->min, 0, *s->max, 0, &u1) == 0 &&
                    Compare(*s->min, 0, *node.literals, 0, &u2) == 0;
      return !single || u1 || u2;
    }
    case Op::kLt:
      return Compare(*s->min, 0, *node.literals, 0, &unordered) < 0 || unordered;
    case Op::kLe:
      return Compare(*s->min, 0, *node.literals, 0, &unordered) <= 0 || unordered;
    case Op::kGt:
      return Compare(*s->max, 0, *node.literals, 0, &unordered) > 0 || unordered;
    case Op::kGe:
      return Compare(*s->max, 0, *node.literals, 0, &unordered) >= 0 || unordered;
  }
  return true;
}

}  // namespace

bool Predicate::MightMatch(
    const std::function<const ColumnStats*(const std::string& column)>& stats) const {
  return MightMatchNode(*root_, stats);
}

Result<Predicate> Predicate::Parse(std::string_view text, const Schema& schema) {
  Predicate predicate;
  predicate.text_ = std::string(text);
  Parser parser(text, schema);
  TARN_ASSIGN_OR_RETURN(predicate.root_, parser.ParseAll(&predicate.columns_));
  return predicate;
}

Result<std::vector<uint8_t>> Predicate::Evaluate(const ColumnBatch& batch) const {
  std::vector<int> index_of;
  for (const std::string& name : columns_) {
    int i = batch.schema()->FindField(name);
    if (i < 0)
      return Status::InvalidArgument("predicate needs column '" + name + "', which the rows lack");
    index_of.push_back(i);
  }
  std::vector<uint8_t> keep(batch.num_rows());
  const Node& root = *root_;
  if (root.integer_list) {
    // A long IN list of integers, the shape of deletes by key: one tight loop over the column.
    const Column& column = batch.column(static_cast<size_t>(index_of[root.position]));
    const bool wide = StorageOf(column.type().id) == StorageKind::kInt64;
    const bool in = root.kind == Kind::kIn;
    for (size_t r = 0; r < keep.size(); ++r) {
      if (!column.IsValid(r)) continue;  // unknown: not kept
      int64_t v = wide ? column.GetInt64(r) : column.GetInt32(r);
      size_t bit = Node::FilterBit(v);
      bool hit = (root.filter[bit / 64] >> (bit % 64) & 1) != 0 &&
                 std::binary_search(root.integers.begin(), root.integers.end(), v);
      keep[r] = hit == in ? 1 : 0;
    }
    return keep;
  }
  for (size_t r = 0; r < keep.size(); ++r) {
    keep[r] = EvaluateRow(root, batch, index_of, r) == kTrue ? 1 : 0;
  }
  return keep;
}

}  // namespace tarn
