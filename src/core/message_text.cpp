#include "repot/message_text.hpp"

#include <fmt/format.h>

#include <vector>

namespace repot {

namespace {

// Length of the valid UTF-8 sequence starting at text[i], 0 if the byte there starts none (RFC 3629:
// no overlong forms, no surrogates, nothing above U+10FFFF).
std::size_t utf8_length(std::string_view text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char b = byte(i);
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (b >= 0xC2 && b <= 0xDF) n = 2;
    else if (b == 0xE0) n = 3, lo = 0xA0;
    else if (b == 0xED) n = 3, hi = 0x9F;
    else if (b >= 0xE1 && b <= 0xEF) n = 3;
    else if (b == 0xF0) n = 4, lo = 0x90;
    else if (b >= 0xF1 && b <= 0xF3) n = 4;
    else if (b == 0xF4) n = 4, hi = 0x8F;
    else return 0;
    if (i + n > text.size()) return 0;
    if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
    for (std::size_t k = 2; k < n; ++k)
        if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
    return n;
}

// Calls `emit(piece)` for each printed character of `text`: one code point or one escape.
template <class Emit>
void for_each_shown(std::string_view text, Emit emit) {
    for (std::size_t i = 0; i < text.size();) {
        const unsigned char b = static_cast<unsigned char>(text[i]);
        if (b == '\n') emit(std::string("\\n"));
        else if (b == '\r') emit(std::string("\\r"));
        else if (b == '\t') emit(std::string("\\t"));
        else if (b < 0x20 || b == 0x7F) emit(fmt::format("\\x{:02X}", b));
        else if (b < 0x80) emit(std::string(1, char(b)));
        else if (const std::size_t n = utf8_length(text, i)) {
            emit(std::string(text.substr(i, n)));
            i += n;
            continue;
        } else {
            emit(fmt::format("\\x{:02X}", b));
        }
        ++i;
    }
}

}  // namespace

std::string escape_for_message(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for_each_shown(text, [&](const std::string& piece) { out += piece; });
    return out;
}

std::string quote_for_message(std::string_view text, std::size_t max) {
    // Characters are counted as a terminal shows them: an escape "\x1B" is 4, "東" is 1.
    std::vector<std::string> pieces;
    std::size_t total = 0;
    const auto width = [](const std::string& piece) {
        return static_cast<unsigned char>(piece[0]) >= 0x80 ? std::size_t(1) : piece.size();
    };
    for_each_shown(text, [&](std::string piece) {
        total += width(piece);
        pieces.push_back(std::move(piece));
    });
    std::string out = "'";
    // Whole pieces only: a cut never leaves half an escape or half a UTF-8 sequence.
    const std::size_t room = total <= max ? total : (max > 0 ? max - 1 : 0);
    std::size_t used = 0;
    for (const std::string& piece : pieces) {
        if (used + width(piece) > room) break;
        out += piece;
        used += width(piece);
    }
    if (total > max) out += "…";
    return out + "'";
}

}  // namespace repot
