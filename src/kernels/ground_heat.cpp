// Ground-source heat (地中熱), method.md §6: closed vertical loops under open ground.
#include <algorithm>

#include "repot/kernels.hpp"

namespace repot {

double borehole_heat_gj(const GroundHeatParams& p) {
    // Extraction L·q over t full-load hours, plus the heat pump's electricity: × COP/(COP−1).
    const double extracted_wh = p.borehole_length_m * p.extraction_w_per_m * p.full_load_hours;
    return extracted_wh * p.cop / (p.cop - 1) * 3.6e-6;
}

double ground_heat_gj_per_m2(const GroundHeatParams& p) {
    return borehole_heat_gj(p) / (p.borehole_spacing_m * p.borehole_spacing_m);
}

double ground_field_gj_per_m2(const GroundHeatParams& p, bool classes) {
    return classes ? ground_heat_gj_per_m2(p) : ground_heat_gj_per_m2(p) * p.default_open_ground_fraction;
}

namespace {
// Open ground on land per pixel, in one vectorised loop per run of one class (kernels.hpp): land is a
// class not excluded, the borehole field its gsh_fraction of the open ground, and pixels whose open ground
// came from the class built share are counted (a note says how many). kRoof: a roof layer is given.
template <bool kRoof>
void ground_run(const ClassAttributes& c, const double* __restrict roof, double area, double* __restrict ground_px,
                double* __restrict open_m2, double* __restrict field_m2, double* __restrict missing_built_px,
                Eigen::Index n) {
    const bool has_class = c.known;  // pixels without a class have the attributes of none (landuse.hpp)
    const double built = c.built_share * area, land = c.excluded ? 0.0 : 1.0, px = has_class ? 1.0 : 0.0;
    for (Eigen::Index i = 0; i < n; ++i) {
        const double r = kRoof ? roof[i] : NAN;
        const double land_open = land_open_m2(area, built, r, kRoof, land);
        ground_px[i] = px;
        open_m2[i] = land_open;
        field_m2[i] = land_open * c.gsh_fraction;
        missing_built_px[i] = has_class & !(r == r) ? 1.0 : 0.0;
    }
}
// Without classes every pixel is land; the scenario's default fraction applies per zone
// (ground_field_gj_per_m2). kCopies: write ground_px (1) and field_m2 (= open_m2) too.
template <bool kRoof, bool kCopies>
void ground_all(const double* __restrict roof, double area, double* __restrict ground_px, double* __restrict open_m2,
                double* __restrict field_m2, Eigen::Index n) {
    for (Eigen::Index i = 0; i < n; ++i) {
        open_m2[i] = open_ground(area, 0.0, kRoof ? roof[i] : NAN, kRoof);
        if (kCopies) ground_px[i] = 1.0, field_m2[i] = open_m2[i];
    }
}
}  // namespace

void ground_heat_kernel(const Block& b, Span s, const GroundHeatParams& p, const LandUseTable* classes, Columns& out,
                        const ColumnMask& skip) {
    const Eigen::Index n = s.count;
    const bool roof = b.roof.size() > 0;
    const double* r = roof ? b.roof.data() + s.offset : nullptr;
    double *px = out.col(q_ground_px).data(), *open = out.col(q_ground_open_m2).data(),
           *field = out.col(q_ground_field_m2).data();
    if (!classes) {
        // The copies are needed by the heat-demand cap below, or when the caller wants them.
        const bool copies = b.heat_demand.size() || !skip[q_ground_px] || !skip[q_ground_field_m2];
        (roof ? (copies ? ground_all<true, true> : ground_all<true, false>)
              : (copies ? ground_all<false, true> : ground_all<false, false>))(r, b.pixel_area, px, open, field, n);
    } else {
        const int* cls = b.landuse.data() + s.offset;
        double* missing_built = out.col(q_roof_missing_built_px).data();
        for_each_class_run(cls, n, *classes, [&](const ClassAttributes& a, Eigen::Index i, Eigen::Index len) {
            (roof ? ground_run<true> : ground_run<false>)(a, r ? r + i : nullptr, b.pixel_area, px + i, open + i,
                                                          field + i, missing_built + i, len);
        });
    }
    if (b.heat_demand.size()) {
        // Demand caps per cell; a cell without demand data adds nothing (heat_demand_coverage shows it).
        auto demand = b.heat_demand.segment(s.offset, n);
        const Eigen::ArrayXd technical = out.col(q_ground_field_m2) * ground_field_gj_per_m2(p, classes != nullptr);
        out.col(q_ground_heat_capped_gj) = demand.isNaN().select(0.0, technical.min(demand));
    }
}

HeatTiers ground_heat_zone(double open_m2, double field_m2, bool classes, std::optional<double> households,
                           std::optional<double> capped_gj, const GroundHeatParams& p) {
    const double technical_gj = field_m2 * ground_field_gj_per_m2(p, classes);
    HeatTiers t{open_m2 * ground_heat_gj_per_m2(p), technical_gj, std::nullopt};
    if (capped_gj) t.usable_gj = std::min(*capped_gj, technical_gj);
    else if (households)
        t.usable_gj = std::min(technical_gj, *households * (p.heating_gj_per_household + p.cooling_gj_per_household));
    return t;
}

}  // namespace repot
