#pragma once
// A small arithmetic and logic language for report rules (docs/smart_community.md, "Expressions"):
// numbers, names (potential.csv columns, facilities.<category>), + - * /, unary minus, parentheses,
// comparisons and `and`/`or`. Parsed once into a tree and evaluated per zone; the text is never handed
// to a shell or an interpreter, so a rules file can compute but cannot run anything.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace repot {

// The value of a name, or nullopt when there is none (an empty cell, a layer or table not given).
using NameLookup = std::function<std::optional<double>(const std::string& name)>;

class Expression {
public:
    // Throws UsageError "column N: expected ..." (N: 1-based character position in `text`).
    static Expression parse(const std::string& text);

    // nullopt when any operand is nullopt (missing data never becomes 0, not even under `or`), on
    // division by zero and on a non-finite result. Comparisons, `and` and `or` give 1 or 0 (any
    // non-zero operand is true). Every name is looked up, none skipped by short-circuiting, so a
    // caller that records the nullopt names learns every missing input at once.
    std::optional<double> evaluate(const NameLookup& lookup) const;

    // The names the expression reads, each once, in order of first appearance.
    const std::vector<std::string>& names() const { return names_; }
    const std::string& text() const { return text_; }

    struct Node;

private:
    Expression() = default;
    std::shared_ptr<const Node> root_;
    std::vector<std::string> names_;
    std::string text_;
};

}  // namespace repot
