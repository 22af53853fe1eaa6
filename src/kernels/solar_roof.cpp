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

namespace {
// The per-pixel loops, as vectorised loops (kernels.hpp).

// The theoretical tier needs roof and GHI only: H·R wherever both have a value. Without slope and
// shade layers every roof is flat, unshaded and eligible.
void roof_validity(const double* __restrict R, const double* __restrict H_year, double* __restrict px,
                   double* __restrict roof_px, double* __restrict theoretical, double* __restrict eligible,
                   Eigen::Index n) {
    for (Eigen::Index i = 0; i < n; ++i) {
        const bool valid = (R[i] == R[i]) & (H_year[i] == H_year[i]);
        const double HR = H_year[i] * R[i];
        px[i] = valid ? 1.0 : 0.0;
        roof_px[i] = valid & (R[i] > 0) ? 1.0 : 0.0;
        theoretical[i] = valid ? HR : 0.0;
        eligible[i] = valid ? R[i] : 0.0;
    }
}

// inclusion, shade: null when there is no such layer (factor 1); plane_included: null when not wanted
// (no inclusion layer: it would equal plane). Shade both screens faces (eligible)
// and scales the irradiation the kept ones receive (method.md §3). Coverage, density and the design and
// usable factors apply per zone (solar_roof_zone). One loop per case: a `p ? p[i] : 1` in the loop
// became a masked load that, with the pointer null, cost a microcode assist per vector (half the run
// time on a scattered roof).
void roof_plane(const double* __restrict eligible, const double* __restrict H_plane, const double* __restrict shade,
                const double* __restrict inclusion, double* __restrict plane, double* __restrict plane_included,
                Eigen::Index n) {
    if (!shade && !inclusion) {  // the usable column is the plane column: both written in one pass
        if (plane_included)
            for (Eigen::Index i = 0; i < n; ++i) plane_included[i] = plane[i] = eligible[i] * H_plane[i];
        else
            for (Eigen::Index i = 0; i < n; ++i) plane[i] = eligible[i] * H_plane[i];
        return;
    }
    if (shade)
        for (Eigen::Index i = 0; i < n; ++i) plane[i] = eligible[i] * (H_plane[i] * shade[i]);
    else
        for (Eigen::Index i = 0; i < n; ++i) plane[i] = eligible[i] * H_plane[i];
    if (inclusion)
        for (Eigen::Index i = 0; i < n; ++i) plane_included[i] = plane[i] * inclusion[i];
    else if (plane_included)
        for (Eigen::Index i = 0; i < n; ++i) plane_included[i] = plane[i];
}

// Screening layer coverage over roof pixels: valid[i] = roof_px[i] where the layer has a value.
void screen_valid(const double* __restrict roof_px, const double* __restrict v, double* __restrict valid,
                  Eigen::Index n) {
    for (Eigen::Index i = 0; i < n; ++i) valid[i] = v[i] == v[i] ? roof_px[i] : 0.0;
}
}  // namespace

void solar_roof_kernel(const Block& b, Span s, const SolarRoofParams& p, const SkyContext& sky, Columns& out,
                       MonthlyEnergy* monthly, const ColumnMask& skip) {
    if (monthly) monthly->rows.clear(), monthly->weight = nullptr;
    if (!b.roof.size() || !b.ghi_year.size()) return;
    const Eigen::Index n = s.count;
    const bool sloped = b.slope.size() > 0, shaded = b.shade.size() > 0;
    Eigen::ArrayXd slope, aspect, shade;
    if (sloped) {
        slope = b.slope.segment(s.offset, n);
        aspect = b.aspect.segment(s.offset, n);
        // A flat face has no aspect (slope rasters write nodata there): its panels face south anyway.
        aspect = (aspect.isNaN() && slope < p.flat_below_deg).select(p.flat_panel_aspect_deg, aspect);
    }
    if (shaded) shade = b.shade.segment(s.offset, n);
    double *px = out.col(q_roof_pv_px).data(), *roof_px = out.col(q_roof_px).data(),
           *theoretical = out.col(q_roof_theoretical_kwh).data(), *eligible = out.col(q_eligible_roof_m2).data();
    roof_validity(b.roof.data() + s.offset, b.ghi_year.data() + s.offset, px, roof_px, theoretical, eligible, n);
    auto face = out.col(q_roof_face_px);
    if (sloped || shaded || !skip[q_roof_face_px]) face = out.col(q_roof_px);  // screened below
    if (sloped) {
        screen_valid(roof_px, slope.data(), out.col(q_roof_slope_valid_px).data(), n);
        screen_valid(roof_px, aspect.data(), out.col(q_roof_aspect_valid_px).data(), n);
        face *= out.col(q_roof_slope_valid_px) * out.col(q_roof_aspect_valid_px);
    }
    if (shaded) {
        screen_valid(roof_px, shade.data(), out.col(q_roof_shade_valid_px).data(), n);
        face *= out.col(q_roof_shade_valid_px);
    }
    if (sloped || shaded) {
        // A roof without a value in a screening layer stays in the theoretical tier only (method.md §10).
        // NaN compares false, so such faces are not eligible; a NaN-free shade keeps NaN out of products.
        out.col(q_eligible_roof_m2) *=
            face * roof_eligible(sloped ? slope : Eigen::ArrayXd::Zero(n),
                                 sloped ? aspect : Eigen::ArrayXd::Constant(n, p.flat_panel_aspect_deg),
                                 shaded ? shade : Eigen::ArrayXd::Ones(n), p);
        if (shaded) shade = shade.isNaN().select(0.0, shade);
    }

    // Flat roofs carry panels tilted to the south; sloped faces carry them flush. Without slopes every
    // panel lies in one plane, transposed on the GHI's lattice by the engine (roof_plane_year); otherwise
    // each pixel with eligible roof is transposed here (the costly part of a pixel, hence only those).
    const bool lattice = b.roof_plane_year.size() && !sloped;
    std::vector<Eigen::Index> rows;
    Eigen::ArrayXd H_plane;  // per pixel, when not on the lattice
    if (!lattice) {
        rows = positive_rows(out.col(q_eligible_roof_m2));
        H_plane = Eigen::ArrayXd::Zero(n);
        Eigen::ArrayXXd* H_months = monthly ? &monthly->kwh : nullptr;  // per month, then scaled below
        if (!rows.empty()) {
            Eigen::ArrayXXd scratch;
            const auto H_panel = monthly_ghi(b, s, rows, scratch);
            if (sloped) {
                const Eigen::ArrayXd tilt = slope(rows), face_aspect = aspect(rows);
                const auto flat = tilt < p.flat_below_deg;
                H_plane(rows) = solar::inplane_per_pixel(H_panel, sky.sky, *sky.table,
                                                         flat.select(p.flat_panel_tilt_deg, tilt.max(0.0).min(90.0)),
                                                         flat.select(p.flat_panel_aspect_deg, face_aspect), H_months);
            } else {
                H_plane(rows) = solar::inplane_fixed_plane(H_panel, sky.sky, *sky.table, p.flat_panel_tilt_deg,
                                                           p.flat_panel_aspect_deg, H_months);
            }
        }
    }
    const Eigen::ArrayXd inclusion = b.inclusion.size() ? inclusion_span(b, s) : Eigen::ArrayXd();
    const bool write_included = inclusion.size() || !skip[q_roof_plane_included_kwh];  // else a copy of plane
    roof_plane(eligible, lattice ? b.roof_plane_year.data() + s.offset : H_plane.data(), shaded ? shade.data() : nullptr,
               inclusion.size() ? inclusion.data() : nullptr, out.col(q_roof_plane_kwh).data(),
               write_included ? out.col(q_roof_plane_included_kwh).data() : nullptr, n);
    if (!monthly) return;
    // Each month's H on the pixel's eligible roof, shaded like the plane column: on the lattice the engine
    // sums the months through the interpolation with this weight.
    if (lattice) {
        if (shaded) monthly->stored = out.col(q_eligible_roof_m2) * shade;
        monthly->weight = shaded ? monthly->stored.data() : eligible;
        return;
    }
    monthly->rows = rows;
    for (size_t k = 0; k < rows.size(); ++k) {
        const Eigen::Index i = rows[k];
        monthly->kwh.row(Eigen::Index(k)) *= eligible[i] * (shaded ? shade(i) : 1.0);
    }
}

double roof_technical_factor(const SolarRoofParams& p) {
    constexpr double G_stc_kw_m2 = 1.0;  // irradiance at standard test conditions
    return p.coverage * p.density_kw_m2 * p.design_factor / G_stc_kw_m2;
}

double roof_usable_factor(const SolarRoofParams& p) { return roof_technical_factor(p) * p.usable_factor; }

PvTiers solar_roof_zone(double eligible_m2, double plane_kwh, double plane_included_kwh, const SolarRoofParams& p) {
    return {eligible_m2 * p.coverage * p.density_kw_m2, plane_kwh * roof_technical_factor(p),
            plane_included_kwh * roof_usable_factor(p)};
}

}  // namespace repot
