#include "csv_bom.hpp"

namespace repot {

std::string with_bom(const std::string& csv) {
    static const std::string bom = "\xEF\xBB\xBF";
    return csv.starts_with(bom) ? csv : bom + csv;
}

}  // namespace repot
