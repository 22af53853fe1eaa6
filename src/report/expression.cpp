#include "expression.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <initializer_list>

#include "repot/error.hpp"
#include "repot/message_text.hpp"

namespace repot {

enum class Op { add, sub, mul, div, lt, le, gt, ge, eq, ne, and_, or_ };

struct Expression::Node {
    enum class Kind { number, name, negate, binary } kind;
    double number = 0;
    std::string name;
    Op op = Op::add;
    std::shared_ptr<const Node> left, right;
};

namespace {

using Node = Expression::Node;
using NodePtr = std::shared_ptr<const Node>;

// Parsing and evaluation recurse: bounding the text and the nesting bounds the stack, whatever a
// rules file holds.
constexpr size_t kMaxLength = 2000;
constexpr int kMaxNesting = 64;

struct Token {
    enum class Kind { number, name, op, open, close, end } kind;
    std::string text;
    double number = 0;
    size_t column = 0;
};

[[noreturn]] void fail(size_t column, const std::string& what) {
    throw UsageError(fmt::format("column {}: {}", column, what));
}

// 1-based character position of byte `byte`: UTF-8 continuation bytes do not start a character.
size_t column_of(const std::string& s, size_t byte) {
    size_t column = 1;
    for (size_t i = 0; i < byte && i < s.size(); ++i)
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++column;
    return column;
}

// ASCII only, independent of the C locale.
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_name_char(char c) { return is_name_start(c) || is_digit(c); }

size_t scan_number(const std::string& s, size_t i) {
    const size_t start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i < s.size() && s[i] == '.')
        for (++i; i < s.size() && is_digit(s[i]);) ++i;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        size_t j = i + 1;
        if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
        if (j < s.size() && is_digit(s[j])) {
            while (j < s.size() && is_digit(s[j])) ++j;
            i = j;
        }
    }
    if (i < s.size() && (is_name_char(s[i]) || s[i] == '.')) {  // "1e", "1.2.3", "2x": no operator between
        while (i < s.size() && (is_name_char(s[i]) || s[i] == '.')) ++i;
        fail(column_of(s, start), fmt::format("malformed number {}", quote_for_message(s.substr(start, i - start))));
    }
    return i;
}

// A hint for the characters people type from other languages.
std::string hint_for(char c) {
    switch (c) {
        case '=': return " (equality is '==')";
        case '!': return " (inequality is '!=')";
        case '&': case '|': return " (use 'and' / 'or')";
        default: return "";
    }
}

std::vector<Token> tokenize(const std::string& s) {
    std::vector<Token> out;
    size_t i = 0;
    while (i < s.size()) {
        const char c = s[i];
        const size_t column = column_of(s, i);
        if (c == ' ' || c == '\t') {
            ++i;
        } else if (is_digit(c) || (c == '.' && i + 1 < s.size() && is_digit(s[i + 1]))) {
            const size_t end = scan_number(s, i);
            double v = 0;
            const auto r = std::from_chars(s.data() + i, s.data() + end, v);
            if (r.ec != std::errc() || r.ptr != s.data() + end || !std::isfinite(v))
                fail(column, fmt::format("number {} is out of range", quote_for_message(s.substr(i, end - i))));
            out.push_back({Token::Kind::number, s.substr(i, end - i), v, column});
            i = end;
        } else if (is_name_start(c)) {
            size_t j = i;
            for (;;) {  // dotted names: facilities.station
                while (j < s.size() && is_name_char(s[j])) ++j;
                if (j >= s.size() || s[j] != '.') break;
                if (j + 1 >= s.size() || !is_name_start(s[j + 1])) fail(column_of(s, j + 1), "expected a name after '.'");
                ++j;
            }
            std::string word = s.substr(i, j - i);
            const bool keyword = word == "and" || word == "or";
            out.push_back({keyword ? Token::Kind::op : Token::Kind::name, std::move(word), 0, column});
            i = j;
        } else if (c == '(' || c == ')') {
            out.push_back({c == '(' ? Token::Kind::open : Token::Kind::close, std::string(1, c), 0, column});
            ++i;
        } else {
            size_t len = 0;
            for (const char* op : {"<=", ">=", "==", "!=", "<", ">", "+", "-", "*", "/"})
                if (s.compare(i, std::char_traits<char>::length(op), op) == 0) {
                    len = std::char_traits<char>::length(op);
                    break;
                }
            if (len == 0) {
                size_t end = i + 1;  // the whole UTF-8 character, for the message
                while (end < s.size() && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) ++end;
                fail(column, fmt::format("unexpected character {}{}", quote_for_message(s.substr(i, end - i)), hint_for(c)));
            }
            out.push_back({Token::Kind::op, s.substr(i, len), 0, column});
            i += len;
        }
    }
    out.push_back({Token::Kind::end, "", 0, column_of(s, s.size())});
    return out;
}

// Recursive descent, loosest binding first: or, and, one comparison, + -, * /, unary minus, primary.
class Parser {
public:
    Parser(std::vector<Token> tokens, std::vector<std::string>& names) : toks_(std::move(tokens)), names_(names) {}

    NodePtr parse() {
        NodePtr n = parse_or();
        if (peek().kind != Token::Kind::end)
            fail(peek().column, fmt::format("expected an operator or the end of the expression, found {}",
                                            quote_for_message(peek().text)));
        return n;
    }

private:
    const Token& peek() const { return toks_[pos_]; }
    // The operator at the cursor, if it is one of `ops` (consumed), else nullptr.
    const char* take(std::initializer_list<const char*> ops) {
        if (peek().kind != Token::Kind::op) return nullptr;
        for (const char* op : ops)
            if (peek().text == op) {
                ++pos_;
                return op;
            }
        return nullptr;
    }
    std::string found() const {
        return peek().kind == Token::Kind::end ? "" : ", found " + quote_for_message(peek().text);
    }
    void nest(size_t column) {
        if (++depth_ > kMaxNesting) fail(column, fmt::format("nested more than {} levels deep", kMaxNesting));
    }

    static NodePtr binary(Op op, NodePtr l, NodePtr r) {
        return std::make_shared<const Node>(Node{Node::Kind::binary, 0, {}, op, std::move(l), std::move(r)});
    }
    static Op op_of(const std::string& t) {
        static const std::pair<const char*, Op> table[] = {
            {"+", Op::add}, {"-", Op::sub}, {"*", Op::mul}, {"/", Op::div}, {"<", Op::lt},     {"<=", Op::le},
            {">", Op::gt},  {">=", Op::ge}, {"==", Op::eq}, {"!=", Op::ne}, {"and", Op::and_}, {"or", Op::or_}};
        for (const auto& [text, op] : table)
            if (t == text) return op;
        throw std::logic_error("unknown operator " + t);
    }

    NodePtr parse_or() {
        NodePtr l = parse_and();
        while (take({"or"})) l = binary(Op::or_, l, parse_and());
        return l;
    }
    NodePtr parse_and() {
        NodePtr l = parse_comparison();
        while (take({"and"})) l = binary(Op::and_, l, parse_comparison());
        return l;
    }
    // One comparison at most: `a < b < c` would read (a < b) < c in C and a chain in Python.
    NodePtr parse_comparison() {
        NodePtr l = parse_sum();
        if (const char* op = take({"<=", ">=", "==", "!=", "<", ">"})) {
            l = binary(op_of(op), l, parse_sum());
            if (take({"<=", ">=", "==", "!=", "<", ">"}))
                fail(toks_[pos_ - 1].column, "comparisons do not chain: join them with 'and'");
        }
        return l;
    }
    NodePtr parse_sum() {
        NodePtr l = parse_product();
        while (const char* op = take({"+", "-"})) l = binary(op_of(op), l, parse_product());
        return l;
    }
    NodePtr parse_product() {
        NodePtr l = parse_unary();
        while (const char* op = take({"*", "/"})) l = binary(op_of(op), l, parse_unary());
        return l;
    }
    NodePtr parse_unary() {
        const size_t column = peek().column;
        if (!take({"-"})) return parse_primary();
        nest(column);
        NodePtr operand = parse_unary();
        --depth_;
        return std::make_shared<const Node>(Node{Node::Kind::negate, 0, {}, Op::sub, std::move(operand), nullptr});
    }
    NodePtr parse_primary() {
        const Token& t = peek();
        if (t.kind == Token::Kind::number) {
            ++pos_;
            return std::make_shared<const Node>(Node{Node::Kind::number, t.number, {}, Op::add, nullptr, nullptr});
        }
        if (t.kind == Token::Kind::name) {
            ++pos_;
            if (std::find(names_.begin(), names_.end(), t.text) == names_.end()) names_.push_back(t.text);
            return std::make_shared<const Node>(Node{Node::Kind::name, 0, t.text, Op::add, nullptr, nullptr});
        }
        if (t.kind == Token::Kind::open) {
            const size_t open = t.column;
            ++pos_;
            nest(open);
            NodePtr inner = parse_or();
            --depth_;
            if (peek().kind != Token::Kind::close)
                fail(peek().column, fmt::format("expected ')' to close the '(' at column {}{}", open, found()));
            ++pos_;
            return inner;
        }
        const std::string where = pos_ == 0 ? "at the start" : "after " + quote_for_message(toks_[pos_ - 1].text);
        fail(t.column, fmt::format("expected a number, a name or '(' {}{}", where, found()));
    }

    std::vector<Token> toks_;
    std::vector<std::string>& names_;
    size_t pos_ = 0;
    int depth_ = 0;
};

std::optional<double> eval(const Node& n, const NameLookup& lookup) {
    switch (n.kind) {
        case Node::Kind::number: return n.number;
        case Node::Kind::name: {
            const auto v = lookup(n.name);
            if (v && !std::isfinite(*v)) return std::nullopt;
            return v;
        }
        case Node::Kind::negate: {
            const auto v = eval(*n.left, lookup);
            if (!v) return std::nullopt;
            return -*v;
        }
        case Node::Kind::binary: break;
    }
    // Both sides first, always: no short-circuit, so the lookup sees every name (see the header).
    const auto a = eval(*n.left, lookup), b = eval(*n.right, lookup);
    if (!a || !b) return std::nullopt;
    double r = 0;
    switch (n.op) {
        case Op::add: r = *a + *b; break;
        case Op::sub: r = *a - *b; break;
        case Op::mul: r = *a * *b; break;
        case Op::div:
            if (*b == 0) return std::nullopt;
            r = *a / *b;
            break;
        case Op::lt: r = *a < *b; break;
        case Op::le: r = *a <= *b; break;
        case Op::gt: r = *a > *b; break;
        case Op::ge: r = *a >= *b; break;
        case Op::eq: r = *a == *b; break;
        case Op::ne: r = *a != *b; break;
        case Op::and_: r = *a != 0 && *b != 0; break;
        case Op::or_: r = *a != 0 || *b != 0; break;
    }
    if (!std::isfinite(r)) return std::nullopt;
    return r;
}

}  // namespace

Expression Expression::parse(const std::string& text) {
    if (text.size() > kMaxLength)
        fail(column_of(text, kMaxLength), fmt::format("expression longer than {} bytes", kMaxLength));
    Expression e;
    e.text_ = text;
    e.root_ = Parser(tokenize(text), e.names_).parse();
    return e;
}

std::optional<double> Expression::evaluate(const NameLookup& lookup) const {
    auto v = eval(*root_, lookup);
    if (v && *v == 0) v = 0.0;  // -0 (from -0 or 0 * -1) would print as "-0"
    return v;
}

}  // namespace repot
