#include "repot/json.hpp"

#include <fmt/format.h>

#include <cmath>

namespace repot {

std::string json_string(const std::string& s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20) out += fmt::format("\\u{:04x}", c);
                else out += char(c);
        }
    }
    return out + "\"";
}

void JsonWriter::newline() {
    out_ += '\n';
    out_.append(first_.size() * 2, ' ');
}

void JsonWriter::item(const std::string& key) {
    if (!first_.empty()) {
        if (!first_.back()) out_ += ",";
        first_.back() = false;
        newline();
    }
    if (!key.empty()) out_ += json_string(key) + ": ";
}

JsonWriter& JsonWriter::begin_object(const std::string& key) {
    item(key);
    out_ += "{";
    first_.push_back(true);
    return *this;
}

JsonWriter& JsonWriter::end_object() {
    bool empty = first_.back();
    first_.pop_back();
    if (!empty) newline();
    out_ += "}";
    return *this;
}

JsonWriter& JsonWriter::begin_array(const std::string& key) {
    item(key);
    out_ += "[";
    first_.push_back(true);
    return *this;
}

JsonWriter& JsonWriter::end_array() {
    bool empty = first_.back();
    first_.pop_back();
    if (!empty) newline();
    out_ += "]";
    return *this;
}

JsonWriter& JsonWriter::value(const std::string& key, const std::string& v) {
    item(key);
    out_ += json_string(v);
    return *this;
}

JsonWriter& JsonWriter::value(const std::string& key, double v) {
    item(key);
    out_ += std::isfinite(v) ? fmt::format("{}", v) : "null";
    return *this;
}

JsonWriter& JsonWriter::value(const std::string& key, long long v) {
    item(key);
    out_ += fmt::format("{}", v);
    return *this;
}

JsonWriter& JsonWriter::value(const std::string& key, bool v) {
    item(key);
    out_ += v ? "true" : "false";
    return *this;
}

JsonWriter& JsonWriter::null(const std::string& key) {
    item(key);
    out_ += "null";
    return *this;
}

}  // namespace repot
