#pragma once
// Land-use class table: code,name,pv_fraction,gsh_fraction,excluded[,existing_pv][,built_share].
// Two tables are built in: the MLIT L03-b class list of method.md §4 (the default) and JAXA's
// high-resolution land cover ver. 21.11; their fractions are our assumptions (docs/method.md,
// "Land-use class tables"; the same text as datasets/landuse/*.csv).
#include <cstdint>
#include <string>
#include <vector>

namespace repot {

struct LandUseClass {
    int code = 0;
    std::string name;
    double pv_fraction = 0;   // share of open ground that can carry new ground-mounted PV
    double gsh_fraction = 0;  // share of open ground usable for borehole fields
    bool excluded = false;    // water and other classes with no land potential at all
    bool existing_pv = false; // already-built ground-mounted PV: land, but no new PV potential
    double built_share = 0;   // assumed share of the class's area under buildings, where roof data is missing
};

// A class's attributes as the kernels use them, constants of a run of pixels of one class (kernels.hpp,
// for_each_class_run). A pixel without a class is unknown, excluded, with nothing on it.
struct ClassAttributes {
    bool known = false, excluded = true, existing_pv = false;
    double pv_fraction = 0, gsh_fraction = 0, built_share = 0;
};

class LandUseTable {
public:
    // Parses the CSV text; `origin` names the file in error messages. Lines starting with '#' before
    // the header are comments (the built-in tables open with one saying their values are assumptions).
    static LandUseTable parse(const std::string& csv_text, const std::string& origin);
    static LandUseTable load(const std::string& path);
    // "builtin:l03b", "builtin:jaxa", or a file path. Throws UsageError for an unknown "builtin:" name.
    static LandUseTable select(const std::string& spec);
    static LandUseTable l03b_default();
    static const char* l03b_default_csv();
    static const char* jaxa_csv();
    // The CSV text of a built-in table ("builtin:l03b" or "builtin:jaxa"), nullptr for anything else.
    static const char* builtin_csv(const std::string& spec);
    static constexpr const char* default_id = "builtin:l03b";

    const std::vector<LandUseClass>& classes() const { return classes_; }
    // Index into classes() for a code, or -1 if the table does not know it.
    int index_of(int64_t code) const;
    // The attributes of class index k (-1: a pixel without a class).
    const ClassAttributes& attributes(int k) const { return attributes_[size_t(k + 1)]; }
    const std::string& origin() const { return origin_; }
    // What selected the table: "builtin:l03b", "builtin:jaxa" or the file path (for run.json).
    const std::string& id() const { return id_; }
    bool is_builtin() const { return id_.rfind("builtin:", 0) == 0; }

private:
    std::vector<LandUseClass> classes_;
    std::vector<int> index_;  // dense code -> class index (-1 unknown), codes are small integers
    std::vector<ClassAttributes> attributes_;  // class index + 1; entry 0: no class
    std::string origin_, id_;
};

}  // namespace repot
