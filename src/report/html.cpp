#include "html.hpp"

#include <fmt/format.h>

#include <cmath>

#include "repot/results.hpp"

namespace repot::html {

std::string escape(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string number(std::optional<double> v, int decimals) {
    return v ? format_grouped(*v, decimals) : "–";
}

std::string number(std::optional<double> v) {
    if (!v) return "–";
    const double a = std::abs(*v);
    const int decimals = a == 0 || a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
    return number(v, decimals);
}

std::string base64(const std::string& bytes) {
    static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    for (size_t i = 0; i < bytes.size(); i += 3) {
        const uint32_t n = uint32_t(uint8_t(bytes[i])) << 16 |
                           (i + 1 < bytes.size() ? uint32_t(uint8_t(bytes[i + 1])) << 8 : 0) |
                           (i + 2 < bytes.size() ? uint32_t(uint8_t(bytes[i + 2])) : 0);
        out += k[n >> 18 & 63];
        out += k[n >> 12 & 63];
        out += i + 1 < bytes.size() ? k[n >> 6 & 63] : '=';
        out += i + 2 < bytes.size() ? k[n & 63] : '=';
    }
    return out;
}

std::string png_img(const std::string& png_bytes, const std::string& alt, const std::string& css_class) {
    return fmt::format("<img{} alt=\"{}\" src=\"data:image/png;base64,{}\">",
                       css_class.empty() ? "" : " class=\"" + css_class + "\"", escape(alt), base64(png_bytes));
}

std::string Lang::operator()(const std::string& ja, const std::string& en) const {
    if (english_only || ja.empty() || ja == en) return escape(en);
    return fmt::format("{} <span class=\"en\">{}</span>", escape(ja), escape(en));
}

namespace {
// One style sheet for every page: readable on screen, clean A4 pages in print (no navigation, no
// table split across a page where it can be avoided).
constexpr const char* kStyle = R"(
:root { --ink: #1d2433; --muted: #5b6475; --line: #d8dce5; --accent: #6a2c91; --warn: #fff4d6; --warn-line: #e0b44c; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK JP", "Noto Sans JP", "DejaVu Sans", sans-serif; color: var(--ink);
       margin: 0 auto; max-width: 1100px; padding: 24px; line-height: 1.45; font-size: 14px; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
.en { color: var(--muted); font-size: 0.85em; font-weight: normal; }
.sub { color: var(--muted); margin: 0 0 16px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; } td.num { white-space: nowrap; }
th { background: #f3f4f8; font-weight: 600; }
table.potential { font-size: 13px; } table.potential tbody th { background: none; min-width: 10em; }
.unit { color: var(--muted); font-size: 0.85em; }
.notes { background: var(--warn); border: 1px solid var(--warn-line); border-radius: 6px; padding: 10px 14px; margin: 12px 0; }
.notes h2 { border: none; margin-top: 0; }
.notes li { margin: 4px 0; } .code { font-family: "DejaVu Sans Mono", monospace; font-size: 0.8em; color: var(--muted); }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 12px; break-inside: avoid; }
.map { max-width: 100%; border: 1px solid var(--line); }
.muted { color: var(--muted); }
nav { margin-bottom: 12px; } a { color: var(--accent); }
th.sortable { cursor: pointer; } th.sortable:after { content: " ⇅"; color: var(--muted); }
svg text { font-family: inherit; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  nav, .screen-only { display: none; }
  h2 { break-after: avoid; } table, .card, figure, svg, img { break-inside: avoid; }
  .grid2 { grid-template-columns: 1fr 1fr; }
}
)";
}  // namespace

std::string page(const Lang& lang, const std::string& title, const std::string& body, const std::string& script) {
    return fmt::format("<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n"
                       "<style>{}</style>\n</head>\n<body>\n{}\n{}</body>\n</html>\n",
                       lang.lang_attr(), escape(title), kStyle, body,
                       script.empty() ? "" : "<script>\n" + script + "\n</script>\n");
}

}  // namespace repot::html
