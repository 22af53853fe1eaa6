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
    const auto R = b.roof.segment(s.offset, n);
    const auto H_year = b.ghi_year.segment(s.offset, n);
    const bool sloped = b.slope.size() > 0, shaded = b.shade.size() > 0;
    // A pixel counts when every layer roof PV uses has a value there.
    Eigen::Array<bool, Eigen::Dynamic, 1> valid = !R.isNaN() && !H_year.isNaN();
    Eigen::ArrayXd slope, aspect;
    if (sloped) {
        slope = b.slope.segment(s.offset, n);
        aspect = b.aspect.segment(s.offset, n);
        // A flat face has no aspect (slope rasters write nodata there): its panels face south anyway.
        aspect = (aspect.isNaN() && slope < p.flat_below_deg).select(p.flat_panel_aspect_deg, aspect);
        valid = valid && !slope.isNaN() && !aspect.isNaN();
    }
    if (shaded) valid = valid && !b.shade.segment(s.offset, n).isNaN();
    out.col(q_roof_pv_px) = valid.cast<double>();
    out.col(q_roof_theoretical_kwh) = valid.select(H_year * R, 0.0);

    // Without slope and shade layers every roof is flat, unshaded and eligible.
    auto eligible_area = out.col(q_eligible_roof_m2);
    eligible_area = valid.select(R, 0.0);
    if (sloped || shaded)
        eligible_area *= roof_eligible(sloped ? slope : Eigen::ArrayXd::Zero(n),
                                       sloped ? aspect : Eigen::ArrayXd::Constant(n, p.flat_panel_aspect_deg),
                                       shaded ? Eigen::ArrayXd(b.shade.segment(s.offset, n)) : Eigen::ArrayXd::Ones(n), p);
    auto capacity = out.col(q_roof_capacity_kw);
    capacity = eligible_area * p.coverage * p.density_kw_m2;

    // Flat roofs carry panels tilted to the south; sloped faces carry them flush. The transposition is
    // the costly part of a pixel and only pixels with eligible roof need it (nor have monthly GHI).
    const auto rows = positive_rows(eligible_area);
    Eigen::ArrayXd H_plane = Eigen::ArrayXd::Zero(n);
    if (!rows.empty()) {
        Eigen::ArrayXXd scratch;
        const auto H_panel = monthly_ghi(b, s, rows, scratch);
        if (sloped) {
            const Eigen::ArrayXd t = slope(rows), a = aspect(rows);
            const auto flat = t < p.flat_below_deg;
            H_plane(rows) = solar::inplane_per_pixel(H_panel, sky.sky, *sky.table,
                                                     flat.select(p.flat_panel_tilt_deg, t.max(0.0).min(90.0)),
                                                     flat.select(p.flat_panel_aspect_deg, a));
        } else {
            H_plane(rows) =
                solar::inplane_fixed_plane(H_panel, sky.sky, *sky.table, p.flat_panel_tilt_deg, p.flat_panel_aspect_deg);
        }
    }
    // The collector area solar heat would use instead (the same roofs: alternatives, never added).
    out.col(q_collector_m2) = eligible_area * p.coverage;
    out.col(q_collector_kwh) = eligible_area * p.coverage * H_plane;
    constexpr double G_stc_kw_m2 = 1.0;  // irradiance at standard test conditions
    auto technical = out.col(q_roof_technical_kwh);
    technical = capacity * H_plane * p.design_factor / G_stc_kw_m2;
    if (b.inclusion.size()) out.col(q_roof_usable_kwh) = technical * p.usable_factor * inclusion_span(b, s);
    else out.col(q_roof_usable_kwh) = technical * p.usable_factor;
}

}  // namespace repot
