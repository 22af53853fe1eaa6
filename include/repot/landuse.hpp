#pragma once
// Land-use class table: code,name,pv_fraction,gsh_fraction,excluded. The default is the MLIT L03-b
// class list of method.md §4 with fractions that are our assumptions (see datasets/landuse/).
#include <cstdint>
#include <string>
#include <vector>

namespace repot {

struct LandUseClass {
    int code = 0;
    std::string name;
    double pv_fraction = 0;   // share of open ground that can carry ground-mounted PV
    double gsh_fraction = 0;  // share of open ground usable for borehole fields
    bool excluded = false;    // water and other classes with no land potential at all
    bool existing_pv = false; // already-built ground-mounted PV
    double built_share = 0;   // share of the class's area under buildings, used only where roof data is missing
};

class LandUseTable {
public:
    // Parses the CSV text; `origin` names the file in error messages.
    static LandUseTable parse(const std::string& csv_text, const std::string& origin);
    static LandUseTable load(const std::string& path);
    static LandUseTable l03b_default();
    static const char* l03b_default_csv();

    const std::vector<LandUseClass>& classes() const { return classes_; }
    // Index into classes() for a code, or -1 if the table does not know it.
    int index_of(int64_t code) const;
    const std::string& origin() const { return origin_; }

private:
    std::vector<LandUseClass> classes_;
    std::vector<int> index_;  // dense code -> class index (-1 unknown), codes are small integers
    std::string origin_;
};

}  // namespace repot
