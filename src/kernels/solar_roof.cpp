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
    const bool sloped = b.slope.size() > 0, shaded = b.shade.size() > 0;
    Eigen::ArrayXd slope, aspect;
    if (sloped) {
        slope = b.slope.segment(s.offset, n);
        aspect = b.aspect.segment(s.offset, n);
        // A flat face has no aspect (slope rasters write nodata there): its panels face south anyway.
        aspect = (aspect.isNaN() && slope < p.flat_below_deg).select(p.flat_panel_aspect_deg, aspect);
    }
    // Plain loops over restrict pointers with v == v as the NaN test and no branches: the compiler
    // vectorises them (Eigen's boolean masks it does not).
    const double* __restrict R = b.roof.data() + s.offset;
    const double* __restrict H_year = b.ghi_year.data() + s.offset;
    double* __restrict px = out.col(q_roof_pv_px).data();
    double* __restrict theoretical = out.col(q_roof_theoretical_kwh).data();
    double* __restrict eligible = out.col(q_eligible_roof_m2).data();
    for (Eigen::Index i = 0; i < n; ++i) {
        // A pixel counts when every layer roof PV uses has a value there.
        const double r = R[i], h = H_year[i];
        const bool valid = (r == r) & (h == h);
        px[i] = valid ? 1.0 : 0.0;
        theoretical[i] = valid ? h * r : 0.0;
        eligible[i] = valid ? r : 0.0;  // without slope and shade layers every roof is flat, unshaded, eligible
    }
    if (sloped || shaded)
        for (Eigen::Index i = 0; i < n; ++i)
            if ((sloped && (std::isnan(slope(i)) || std::isnan(aspect(i)))) || (shaded && std::isnan(b.shade(s.offset + i))))
                px[i] = theoretical[i] = eligible[i] = 0.0;
    auto eligible_area = out.col(q_eligible_roof_m2);
    if (sloped || shaded)
        eligible_area *= roof_eligible(sloped ? slope : Eigen::ArrayXd::Zero(n),
                                       sloped ? aspect : Eigen::ArrayXd::Constant(n, p.flat_panel_aspect_deg),
                                       shaded ? Eigen::ArrayXd(b.shade.segment(s.offset, n)) : Eigen::ArrayXd::Ones(n), p);

    // Flat roofs carry panels tilted to the south; sloped faces carry them flush. The transposition is
    // the costly part of a pixel and only pixels with eligible roof need it (nor have monthly GHI).
    const auto rows = positive_rows(eligible_area);
    Eigen::ArrayXd H_plane = Eigen::ArrayXd::Zero(n);
    if (!rows.empty()) {
        Eigen::ArrayXXd scratch;
        const auto H_panel = monthly_ghi(b, s, rows, scratch);
        if (sloped) {
            const Eigen::ArrayXd tilt = slope(rows), face = aspect(rows);
            const auto flat = tilt < p.flat_below_deg;
            H_plane(rows) = solar::inplane_per_pixel(H_panel, sky.sky, *sky.table,
                                                     flat.select(p.flat_panel_tilt_deg, tilt.max(0.0).min(90.0)),
                                                     flat.select(p.flat_panel_aspect_deg, face));
        } else {
            H_plane(rows) =
                solar::inplane_fixed_plane(H_panel, sky.sky, *sky.table, p.flat_panel_tilt_deg, p.flat_panel_aspect_deg);
        }
    }
    constexpr double G_stc_kw_m2 = 1.0;  // irradiance at standard test conditions
    const Eigen::ArrayXd inclusion = inclusion_span(b, s);
    const double coverage = p.coverage, density = p.density_kw_m2, design = p.design_factor, usable_factor = p.usable_factor;
    const double* __restrict Hp = H_plane.data();
    const double* __restrict incl = inclusion.data();
    double* __restrict capacity = out.col(q_roof_capacity_kw).data();
    double* __restrict collector_m2 = out.col(q_collector_m2).data();
    double* __restrict collector_kwh = out.col(q_collector_kwh).data();
    double* __restrict technical = out.col(q_roof_technical_kwh).data();
    double* __restrict usable = out.col(q_roof_usable_kwh).data();
    for (Eigen::Index i = 0; i < n; ++i) {
        const double e = eligible[i], cap = e * coverage * density, tech = cap * Hp[i] * design / G_stc_kw_m2;
        capacity[i] = cap;
        // The collector area solar heat would use instead (the same roofs: alternatives, never added).
        collector_m2[i] = e * coverage;
        collector_kwh[i] = e * coverage * Hp[i];
        technical[i] = tech;
        usable[i] = tech * usable_factor * incl[i];
    }
}

}  // namespace repot
