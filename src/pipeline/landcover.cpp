#include "landcover.hpp"

#include <fmt/format.h>

#include "repot/results.hpp"
#include "repot/text_table.hpp"

namespace repot {

std::string landcover_csv(const Inputs& in, const ZoneSums& sums) {
    if (!in.landuse || sums.class_count() == 0) return "";
    const auto& classes = in.classes->classes();
    const double area = in.grid.pixel_area();
    std::string out = "zone_id,zone_name,class_code,class_name,pixels,area_m2,share\n";
    const auto& zones = in.zones.zones();
    for (size_t k = 0; k < zones.size(); ++k) {
        const int slot = int(k) + 1;
        const double px = sums.get(slot, q_pixels);
        if (px == 0) continue;  // outside the grid: no land cover to tell
        auto row = [&](const std::string& code, const std::string& name, double n) {
            out += fmt::format("{},{},{},{},{},{},{}\n", csv_field(zones[k].id), csv_field(zones[k].name), code,
                               csv_field(name), format_number(n, 0), format_number(n * area, 2),
                               format_number(n / px, 6));
        };
        for (size_t c = 0; c < classes.size(); ++c)
            row(std::to_string(classes[c].code), classes[c].name, sums.class_pixels(slot, int(c)));
        row("", "(no land-use data)", sums.class_pixels(slot, -1));
    }
    return out;
}

}  // namespace repot
