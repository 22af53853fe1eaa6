#pragma once
// Inline SVG charts of the report pages (no script, print as vectors).
#include <optional>
#include <string>
#include <vector>

namespace repot::charts {

struct Bar {
    std::string label;  // already escaped HTML-safe text
    std::optional<double> value;
};

// Horizontal bars on one scale (the largest value), each with its label and formatted value + unit.
std::string bars(const std::vector<Bar>& bars, const std::string& unit);

// Every zone's value as a grey dot on one axis, the median as a line, `value` highlighted: where a
// zone stands among the others. `values` holds the zones that have the quantity.
std::string dot_strip(const std::vector<double>& values, double value, const std::string& unit);

// 12 monthly columns (January first).
std::string monthly(const std::vector<double>& months, const std::string& unit, bool english_only);

double median(std::vector<double> v);

}  // namespace repot::charts
