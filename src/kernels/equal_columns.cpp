// Columns the kernels write with values known in advance from the block's layers alone: ZoneSums adds
// them without reading them (accumulate.hpp, ColumnPlan). Each rule restates what a kernel does; the unit
// test "equal columns" runs the kernels and checks every rule pixel by pixel.
#include "repot/kernels.hpp"

namespace repot {

void plan_equal_columns(const Block& b, bool classes, ColumnPlan& plan) {
    plan.copies.clear(), plan.ones.clear();
    auto copy = [&](Q q, Q same) { plan.copies.emplace_back(q, same); };
    plan.ones.push_back(q_pixels);  // coverage_kernel: every pixel
    if (b.roof.size() && b.ghi_year.size()) {
        // solar_roof_kernel: without slope and shade layers every roof pixel is a face with all its layers;
        // without inclusion layers nothing is left out of the usable tier.
        if (!b.slope.size() && !b.shade.size()) copy(q_roof_face_px, q_roof_px);
        if (!b.inclusion.size()) copy(q_roof_plane_included_kwh, q_roof_plane_kwh);
    }
    // solar_land_kernel: the usable tier is the technical one without inclusion and terrain-slope layers.
    if (classes && b.landuse.size() && b.ghi_year.size() && !b.inclusion.size() && !b.terrain_slope.size())
        copy(q_land_plane_usable_kwh, q_land_plane_kwh);
    // ground_heat_kernel: with classes a pixel is ground where it has a class; without, every pixel is
    // ground and its field is all its open ground.
    if (classes) {
        copy(q_ground_px, q_landuse_valid_px);
    } else {
        plan.ones.push_back(q_ground_px);
        copy(q_ground_field_m2, q_ground_open_m2);
    }
}

}  // namespace repot
