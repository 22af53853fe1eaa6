// Columns the kernels write with values known in advance from the block's layers alone: ZoneSums adds
// them without reading them (accumulate.hpp, ColumnPlan). Each rule restates what a kernel does; the unit
// test "equal columns" runs the kernels and checks every rule pixel by pixel.
#include <cmath>

#include "repot/kernels.hpp"

namespace repot {

void plan_equal_columns(const Block& b, bool classes, CompleteLayers complete, ColumnPlan& plan) {
    plan.copies.clear(), plan.ones.clear(), plan.zeros.clear();
    auto copy = [&](Q q, Q same) { plan.copies.emplace_back(q, same); };
    plan.ones.push_back(q_pixels);  // coverage_kernel: every pixel
    // coverage_kernel: a complete layer has a value at every pixel.
    const bool roof = b.roof.size() > 0, ghi = b.ghi_year.size() > 0;
    if (roof && complete.roof) plan.ones.push_back(q_roof_valid_px);
    if (ghi && complete.ghi) plan.ones.push_back(q_ghi_valid_px);
    if (roof && ghi) {
        // solar_roof_kernel: a pixel is in the theoretical tier where roof and GHI have values; with a
        // complete GHI, wherever the roof has one, and its eligible roof is its roof unless slope or shade
        // layers screen faces.
        const bool screened = b.slope.size() || b.shade.size();
        if (complete.ghi && complete.roof) plan.ones.push_back(q_roof_pv_px);
        else if (complete.ghi) copy(q_roof_pv_px, q_roof_valid_px);
        if (complete.ghi && !screened) copy(q_eligible_roof_m2, q_roof_area_m2);
        // Without slope and shade layers every roof pixel is a face with all its layers; without
        // inclusion layers nothing is left out of the usable tier.
        if (!screened) copy(q_roof_face_px, q_roof_px);
        if (!b.inclusion.size()) copy(q_roof_plane_included_kwh, q_roof_plane_kwh);
    }
    // solar_land_kernel: the usable tier is the technical one without inclusion and terrain-slope layers.
    if (classes && b.landuse.size() && b.ghi_year.size() && !b.inclusion.size() && !b.terrain_slope.size())
        copy(q_land_plane_usable_kwh, q_land_plane_kwh);
    // ground_heat_kernel: with classes a pixel is ground where it has a class; without, every pixel is
    // ground and its field is all its open ground.
    if (classes) {
        // The columns that are 1 where a pixel has a class: all 1 where every pixel has one.
        auto has_class = [&](Q q) {
            if (complete.landuse) plan.ones.push_back(q);
            else copy(q, q_landuse_valid_px);
        };
        if (complete.landuse) plan.ones.push_back(q_landuse_valid_px);  // coverage_kernel
        has_class(q_ground_px);
        // solar_land_kernel: with a complete GHI a pixel is in land PV's theoretical tier where it has a class.
        if (b.ghi_year.size() && complete.ghi) has_class(q_land_pv_px);
        // ground_heat_kernel: open ground comes from the class built share where the roof has no value:
        // nowhere when the roof is complete, wherever a class is without a roof layer.
        if (b.roof.size() && complete.roof) plan.zeros.push_back(q_roof_missing_built_px);
        else if (!b.roof.size()) has_class(q_roof_missing_built_px);
    } else {
        plan.ones.push_back(q_ground_px);
        copy(q_ground_field_m2, q_ground_open_m2);
    }
}

void plan_columns(const Block& b, bool classes, CompleteLayers complete, const Columns& values, ColumnPlan& plan,
                  ColumnMask& skip) {
    auto written = [&](int q) { return !std::isnan(values(0, q)); };
    plan_equal_columns(b, classes, complete, plan);
    std::erase_if(plan.copies, [&](const auto& c) { return !written(c.first) || !written(c.second); });
    std::erase_if(plan.ones, [&](int q) { return !written(q); });
    std::vector<bool> derived(q_count, false);
    for (const auto& c : plan.copies) derived[size_t(c.first)] = true;
    for (int q : plan.ones) derived[size_t(q)] = true;
    for (int q : plan.zeros) derived[size_t(q)] = true;
    plan.summed.clear();
    for (int q = 0; q < q_count; ++q)
        if (written(q) && !derived[size_t(q)]) plan.summed.push_back(q);
    // Only columns derived whatever the span's complete layers: the mask holds for every later span.
    ColumnPlan always;
    plan_equal_columns(b, classes, CompleteLayers{}, always);
    skip.reset();
    for (const auto& c : always.copies) skip.set(size_t(c.first));
    for (int q : always.ones) skip.set(size_t(q));
}

}  // namespace repot
