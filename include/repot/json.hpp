#pragma once
// A minimal JSON writer for the run manifest: objects and arrays in the order written.
#include <string>
#include <vector>

namespace repot {

std::string json_string(const std::string& s);  // quoted and escaped

class JsonWriter {
public:
    JsonWriter& begin_object(const std::string& key = "");
    JsonWriter& end_object();
    JsonWriter& begin_array(const std::string& key = "");
    JsonWriter& end_array();
    JsonWriter& value(const std::string& key, const std::string& v);
    JsonWriter& value(const std::string& key, const char* v) { return value(key, std::string(v)); }
    JsonWriter& value(const std::string& key, double v);
    JsonWriter& value(const std::string& key, long long v);
    JsonWriter& value(const std::string& key, int v) { return value(key, (long long)v); }
    JsonWriter& value(const std::string& key, bool v);
    JsonWriter& null(const std::string& key);
    std::string str() const { return out_ + "\n"; }

private:
    void item(const std::string& key);
    void newline();  // and indent to the current depth
    std::string out_;
    std::vector<bool> first_;  // per open container: nothing written yet
};

}  // namespace repot
