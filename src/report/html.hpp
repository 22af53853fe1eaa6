#pragma once
// Small pieces of the report pages: escaping, number formats, embedded images, the page frame with its
// screen and A4 print styles. Pages are self-contained: no file or script from elsewhere.
#include <optional>
#include <string>

namespace repot::html {

std::string escape(const std::string& s);
// 12345.678 -> "12,346" (decimals chosen from the magnitude: 3 significant digits at least); "–" for nullopt.
std::string number(std::optional<double> v);
std::string number(std::optional<double> v, int decimals);
std::string base64(const std::string& bytes);
// <img> with the bytes of a PNG inline (data: URL).
std::string png_img(const std::string& png_bytes, const std::string& alt, const std::string& css_class = "");

// A bilingual label: Japanese first with English beside it, or English only (--lang en).
struct Lang {
    bool english_only = false;
    std::string operator()(const std::string& ja, const std::string& en) const;
    std::string lang_attr() const { return english_only ? "en" : "ja"; }
};

// The whole page: <!DOCTYPE html>, title, the shared style sheet (screen and A4 print), `body`, and an
// optional inline script (the index's table sorting).
std::string page(const Lang& lang, const std::string& title, const std::string& body, const std::string& script = "");

}  // namespace repot::html
