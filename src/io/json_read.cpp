#include "json_read.hpp"

#include <cstdlib>
#include <stdexcept>
#include <string_view>

namespace repot {

namespace {

class Parser {
public:
    explicit Parser(const std::string& s) : s_(s) {}

    JsonValue document() {
        JsonValue v = value(0);
        ws();
        if (i_ != s_.size()) fail("text after the value");
        return v;
    }

private:
    static constexpr int max_depth = 64;  // run.json nests 4 deep; deeper is not ours

    [[noreturn]] void fail(const char* why) const {
        throw std::runtime_error("not valid JSON (" + std::string(why) + " at byte " + std::to_string(i_) + ")");
    }
    void ws() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) ++i_;
    }
    bool eat(char c) {
        ws();
        if (i_ < s_.size() && s_[i_] == c) return ++i_, true;
        return false;
    }
    void expect(char c) {
        if (!eat(c)) fail("unexpected character");
    }
    bool literal(const char* word) {
        const std::string w(word);
        if (s_.compare(i_, w.size(), w) != 0) return false;
        i_ += w.size();
        return true;
    }
    unsigned hex4() {
        if (i_ + 4 > s_.size()) fail("short \\u escape");
        unsigned v = 0;
        for (int k = 0; k < 4; ++k) {
            const char c = s_[i_++];
            v <<= 4;
            if (c >= '0' && c <= '9') v |= unsigned(c - '0');
            else if (c >= 'a' && c <= 'f') v |= unsigned(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') v |= unsigned(c - 'A' + 10);
            else fail("bad \\u escape");
        }
        return v;
    }
    static void utf8(std::string& out, unsigned cp) {
        if (cp < 0x80) out += char(cp);
        else if (cp < 0x800) out += char(0xC0 | (cp >> 6)), out += char(0x80 | (cp & 0x3F));
        else if (cp < 0x10000)
            out += char(0xE0 | (cp >> 12)), out += char(0x80 | ((cp >> 6) & 0x3F)), out += char(0x80 | (cp & 0x3F));
        else
            out += char(0xF0 | (cp >> 18)), out += char(0x80 | ((cp >> 12) & 0x3F)),
                out += char(0x80 | ((cp >> 6) & 0x3F)), out += char(0x80 | (cp & 0x3F));
    }
    std::string string_body() {
        expect('"');
        std::string out;
        for (;;) {
            if (i_ >= s_.size()) fail("unterminated string");
            const unsigned char c = static_cast<unsigned char>(s_[i_++]);
            if (c == '"') return out;
            if (c < 0x20) fail("control character in a string");
            if (c != '\\') {
                out += char(c);
                continue;
            }
            if (i_ >= s_.size()) fail("unterminated escape");
            switch (s_[i_++]) {
                case '"': out += '"'; break;
                case '\\': out += '\\'; break;
                case '/': out += '/'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'n': out += '\n'; break;
                case 'r': out += '\r'; break;
                case 't': out += '\t'; break;
                case 'u': {
                    unsigned cp = hex4();
                    if (cp >= 0xD800 && cp < 0xDC00) {  // a surrogate pair encodes one code point
                        if (!literal("\\u")) fail("lone surrogate");
                        const unsigned low = hex4();
                        if (low < 0xDC00 || low >= 0xE000) fail("lone surrogate");
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    } else if (cp >= 0xDC00 && cp < 0xE000) {
                        fail("lone surrogate");
                    }
                    utf8(out, cp);
                    break;
                }
                default: fail("bad escape");
            }
        }
    }
    JsonValue value(int depth) {
        if (depth > max_depth) fail("nested too deep");
        ws();
        if (i_ >= s_.size()) fail("unexpected end");
        JsonValue v;
        const char c = s_[i_];
        if (c == '{') {
            ++i_;
            v.kind = JsonValue::object;
            if (eat('}')) return v;
            do {
                ws();
                std::string key = string_body();
                expect(':');
                v.members.emplace_back(std::move(key), value(depth + 1));
            } while (eat(','));
            expect('}');
        } else if (c == '[') {
            ++i_;
            v.kind = JsonValue::array;
            if (eat(']')) return v;
            do v.items.push_back(value(depth + 1));
            while (eat(','));
            expect(']');
        } else if (c == '"') {
            v.kind = JsonValue::string;
            v.str = string_body();
        } else if (literal("true")) {
            v.kind = JsonValue::boolean, v.b = true;
        } else if (literal("false")) {
            v.kind = JsonValue::boolean;
        } else if (literal("null")) {
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            const size_t start = i_;
            while (i_ < s_.size() && std::string_view("+-0123456789.eE").find(s_[i_]) != std::string_view::npos) ++i_;
            const std::string text = s_.substr(start, i_ - start);
            char* end = nullptr;
            v.kind = JsonValue::number;
            v.num = std::strtod(text.c_str(), &end);
            if (end != text.c_str() + text.size()) fail("bad number");
        } else {
            fail("unexpected character");
        }
        return v;
    }

    const std::string& s_;
    size_t i_ = 0;
};

}  // namespace

const JsonValue* JsonValue::find(const std::string& key) const {
    if (kind != object) return nullptr;
    for (const auto& [k, v] : members)
        if (k == key) return &v;
    return nullptr;
}

JsonValue parse_json(const std::string& text) { return Parser(text).document(); }

std::optional<std::vector<std::string>> json_string_array(const std::string& text, const std::string& key) {
    JsonValue doc;
    try {
        doc = parse_json(text);
    } catch (const std::runtime_error&) {
        return std::nullopt;
    }
    const JsonValue* a = doc.find(key);
    if (!a || a->kind != JsonValue::array) return std::nullopt;
    std::vector<std::string> out;
    for (const auto& item : a->items) {
        if (item.kind != JsonValue::string) return std::nullopt;
        out.push_back(item.str);
    }
    return out;
}

}  // namespace repot
