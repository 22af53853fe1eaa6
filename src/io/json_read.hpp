#pragma once
// A small JSON reader for the files repot reads back itself: an earlier run's run.json (its
// "outputs" list) and the commit journal of an output folder. Full JSON grammar, strict: a file
// that does not parse is reported, never half-read.
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace repot {

struct JsonValue {
    enum Kind { null, boolean, number, string, array, object } kind = null;
    bool b = false;
    double num = 0;
    std::string str;
    std::vector<JsonValue> items;                          // array
    std::vector<std::pair<std::string, JsonValue>> members;  // object, in file order

    const JsonValue* find(const std::string& key) const;  // object member, nullptr if absent or not an object
};

// Throws std::runtime_error saying where the text stops being JSON.
JsonValue parse_json(const std::string& text);

// The strings of array `key` of a top-level object; nullopt when the text is not JSON, has no such
// array, or the array holds anything but strings.
std::optional<std::vector<std::string>> json_string_array(const std::string& text, const std::string& key);

}  // namespace repot
