#include "charts.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "html.hpp"

namespace repot::charts {

namespace {
constexpr const char* kAccent = "#6a2c91";
constexpr const char* kBarFill[] = {"#c9b6dd", "#9b73bd", "#6a2c91"};  // theoretical, technical, usable

// Scales down with its box (a card of half the page), never up.
std::string svg_open(int w, int h) {
    return fmt::format("<svg width=\"100%\" style=\"max-width:{0}px\" viewBox=\"0 0 {0} {1}\" role=\"img\">", w, h);
}
}  // namespace

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string bars(const std::vector<Bar>& bars, const std::string& unit) {
    const int label_w = 120, bar_w = 230, row_h = 22, w = label_w + bar_w + 130;
    double top = 0;
    for (const auto& b : bars)
        if (b.value) top = std::max(top, *b.value);
    std::string svg = svg_open(w, row_h * int(bars.size()) + 4);
    for (size_t k = 0; k < bars.size(); ++k) {
        const int y = int(k) * row_h + 2;
        svg += fmt::format("<text x=\"0\" y=\"{}\" font-size=\"12\">{}</text>", y + 14, bars[k].label);
        const double v = bars[k].value.value_or(0);
        const int len = top > 0 ? int(v / top * bar_w + 0.5) : 0;
        svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>", label_w, y + 2,
                           std::max(len, bars[k].value && v > 0 ? 1 : 0), row_h - 6, kBarFill[std::min<size_t>(k, 2)]);
        svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"12\">{} {}</text>", label_w + len + 6, y + 14,
                           html::number(bars[k].value), bars[k].value ? html::escape(unit) : "");
    }
    return svg + "</svg>";
}

std::string dot_strip(const std::vector<double>& values, double value, const std::string& unit) {
    const int w = 460, x0 = 10, x1 = 330, h = 34;
    double lo = std::min(0.0, value), hi = value;
    for (double v : values) lo = std::min(lo, v), hi = std::max(hi, v);
    if (hi <= lo) hi = lo + 1;
    auto x = [&](double v) { return x0 + (v - lo) / (hi - lo) * (x1 - x0); };
    const double med = median(values);
    std::string svg = svg_open(w, h);
    svg += fmt::format("<line x1=\"{}\" y1=\"17\" x2=\"{}\" y2=\"17\" stroke=\"#d8dce5\"/>", x0, x1);
    for (double v : values)
        svg += fmt::format("<circle cx=\"{:.1f}\" cy=\"17\" r=\"3\" fill=\"#9aa1b1\" fill-opacity=\"0.6\"/>", x(v));
    svg += fmt::format("<line x1=\"{0:.1f}\" y1=\"6\" x2=\"{0:.1f}\" y2=\"28\" stroke=\"#1d2433\" stroke-dasharray=\"3 2\"/>", x(med));
    svg += fmt::format("<circle cx=\"{:.1f}\" cy=\"17\" r=\"6\" fill=\"{}\"/>", x(value), kAccent);
    svg += fmt::format("<text x=\"{}\" y=\"14\" font-size=\"11\">median {}</text>", x1 + 10, html::number(med));
    svg += fmt::format("<text x=\"{}\" y=\"28\" font-size=\"11\" fill=\"#5b6475\">{}</text>", x1 + 10, html::escape(unit));
    return svg + "</svg>";
}

std::string monthly(const std::vector<double>& months, const std::string& unit, bool english_only) {
    const int w = 460, h = 150, x0 = 44, base = 120, col_w = 30;
    double top = 0;
    for (double v : months) top = std::max(top, v);
    std::string svg = svg_open(w, h);
    svg += fmt::format("<text x=\"0\" y=\"12\" font-size=\"11\" fill=\"#5b6475\">{}</text>", html::escape(unit));
    svg += fmt::format("<text x=\"0\" y=\"{}\" font-size=\"11\">{}</text>", base - 96, html::number(top));
    for (size_t m = 0; m < months.size(); ++m) {
        const int len = top > 0 ? int(months[m] / top * 100 + 0.5) : 0;
        const int x = x0 + int(m) * (col_w + 4);
        svg += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{}</title></rect>", x,
                           base - len, col_w, len, kAccent, html::number(months[m]));
        svg += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{}{}</text>", x + col_w / 2,
                           base + 14, m + 1, english_only ? "" : "月");
    }
    svg += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#1d2433\"/>", x0 - 2, base,
                       x0 + 12 * (col_w + 4), base);
    return svg + "</svg>";
}

}  // namespace repot::charts
