// Solar PV on roofs, method.md §3: theoretical H·R, eligible roof faces, capacity, in-plane energy.
#include <cmath>

#include "repot/kernels.hpp"

namespace repot {

Eigen::ArrayXd roof_eligible(const Eigen::ArrayXd& slope, const Eigen::ArrayXd& aspect, const Eigen::ArrayXd& shade,
                             const SolarRoofParams& p) {
    // Angular distance of the aspect from north, 0..180°.
    Eigen::ArrayXd a = aspect.unaryExpr([](double v) { return std::fmod(std::fmod(v, 360.0) + 360.0, 360.0); });
    Eigen::ArrayXd from_north = a.min(360.0 - a);
    auto north_steep = (from_north < p.north_sector_deg) && (slope >= p.north_min_tilt_deg);
    return ((slope < p.max_tilt_deg) && !north_steep && (shade >= p.min_shade_factor)).cast<double>();
}

void solar_roof_kernel(const Block& b, Span s, const SolarRoofParams& p, const SkyContext& sky, Columns& out) {
    const Eigen::Index n = s.count;
    Eigen::ArrayXd R = b.roof.segment(s.offset, n);
    const auto H = b.ghi.middleRows(s.offset, n);
    const auto H_year = b.ghi_year.segment(s.offset, n);
    const bool sloped = b.slope.size() > 0;
    Eigen::ArrayXd slope = sloped ? Eigen::ArrayXd(b.slope.segment(s.offset, n)) : Eigen::ArrayXd::Zero(n);
    Eigen::ArrayXd aspect = sloped ? Eigen::ArrayXd(b.aspect.segment(s.offset, n))
                                   : Eigen::ArrayXd::Constant(n, p.flat_panel_aspect_deg);
    Eigen::ArrayXd shade = b.shade.size() ? Eigen::ArrayXd(b.shade.segment(s.offset, n)) : Eigen::ArrayXd::Ones(n);
    // A flat face has no aspect (slope rasters write nodata there): its panels face south anyway.
    aspect = (aspect.isNaN() && slope < p.flat_below_deg).select(p.flat_panel_aspect_deg, aspect);

    // A pixel counts when every layer roof PV uses has a value there.
    auto valid = !R.isNaN() && !H_year.isNaN() && !slope.isNaN() && !aspect.isNaN() && !shade.isNaN();
    out.col(q_roof_pv_px) = valid.cast<double>();
    out.col(q_roof_theoretical_kwh) = valid.select(H_year * R, 0.0);

    // Without slope and shade layers every roof is flat, unshaded and eligible.
    Eigen::ArrayXd eligible_area = valid.select(R, 0.0);
    if (sloped || b.shade.size()) eligible_area *= roof_eligible(slope, aspect, shade, p);
    out.col(q_eligible_roof_m2) = eligible_area;
    Eigen::ArrayXd capacity = eligible_area * p.coverage * p.density_kw_m2;
    out.col(q_roof_capacity_kw) = capacity;

    // Flat roofs carry panels tilted to the south; sloped faces carry them flush.
    Eigen::ArrayXd H_plane;
    if (sloped) {
        auto flat = slope < p.flat_below_deg;
        Eigen::ArrayXd tilt = flat.select(p.flat_panel_tilt_deg, slope.max(0.0).min(90.0));
        Eigen::ArrayXd az = flat.select(p.flat_panel_aspect_deg, aspect);
        H_plane = solar::inplane_per_pixel(valid.replicate(1, 12).select(H, 0.0), sky.sky, *sky.table, valid.select(tilt, 0.0),
                                           valid.select(az, 0.0));
    } else {
        H_plane = solar::inplane_fixed_plane(H, sky.sky, *sky.table, p.flat_panel_tilt_deg, p.flat_panel_aspect_deg);
    }
    // The collector area solar heat would use instead (the same roofs: alternatives, never added).
    H_plane = valid.select(H_plane, 0.0);  // NaN irradiation where a layer has no value
    out.col(q_collector_m2) = eligible_area * p.coverage;
    out.col(q_collector_kwh) = eligible_area * p.coverage * H_plane;
    constexpr double G_stc_kw_m2 = 1.0;  // irradiance at standard test conditions
    Eigen::ArrayXd technical = capacity * H_plane * p.design_factor / G_stc_kw_m2;
    out.col(q_roof_technical_kwh) = technical;
    Eigen::ArrayXd inclusion = inclusion_span(b, s);
    out.col(q_roof_usable_kwh) = technical * p.usable_factor * inclusion;
}

}  // namespace repot
