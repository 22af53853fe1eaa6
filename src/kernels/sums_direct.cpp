// A span's sums without columns (kernels.hpp, sums_direct): for a run of roof and GHI, with or without
// land use — the shape of most surveys and of the benchmark — writing ~20 columns and reading them back
// cost more than the arithmetic (bench/direct_sums: 1.9–2.0 against 0.78–0.83 ns per pixel).
#include "repot/kernels.hpp"
#include "repot/run_end.hpp"

namespace repot {

namespace {
// Pixels where R and H have a value, and where R is positive (integer counts: the loop vectorises).
struct Counts {
    int64_t roof = 0, ghi = 0, roof_positive = 0;
};
Counts count_values(const double* __restrict R, const double* __restrict H, Eigen::Index n) {
    int64_t roof = 0, ghi = 0, positive = 0;
    for (Eigen::Index i = 0; i < n; ++i) roof += R[i] == R[i], ghi += H[i] == H[i], positive += R[i] > 0;
    return {roof, ghi, positive};
}

// Adds one sum in quanta to several equal quantities of a zone slot (plan_equal_columns' copies).
void add_to(ZoneSums& sums, int slot, std::initializer_list<Q> qs, int64_t quanta) {
    for (Q q : qs) sums.add_quanta(slot, q, quanta);
}

// Land PV and ground heat with land-use classes (solar_land_kernel, ground_heat_kernel) where every pixel
// has roof and GHI data: per run of one class, what is a constant of the class (counts, land area,
// existing PV) at once, what depends on the pixel's GHI and roof in one pass over them (kernels.hpp's
// land expressions, which the column kernels use too). s: pixels of one zone slot; panel: their panel
// ground (m²), the land monthly weight.
void land_sums(const Block& b, Span s, int slot, const LandUseTable& classes, ZoneSums& sums, double* panel) {
    const Eigen::Index n = s.count;
    const double area = b.pixel_area;
    const int* cls = b.landuse.data() + s.offset;
    const double *R = b.roof.data() + s.offset, *H = b.ghi_year.data() + s.offset,
                 *H_plane = b.land_plane_year.data() + s.offset;
    int64_t with_class = 0, land_px = 0;  // pixel counts (a class in the table is known: landuse.hpp)
    int64_t land_area = 0, existing = 0;  // quanta
    std::array<int64_t, 5> per_pixel{};   // quanta of the columns below
    constexpr std::array<Q, 5> columns = {q_land_theoretical_kwh, q_land_panel_m2, q_ground_open_m2, q_ground_field_m2,
                                          q_land_plane_kwh};
    for_each_class_run(cls, n, classes, [&](const ClassAttributes& c, Eigen::Index i, Eigen::Index len) {
        const double land = c.known && !c.excluded ? 1.0 : 0.0, built = c.built_share * area;
        const double existing_m2 = c.known && c.existing_pv ? area : 0.0, pv_fraction = c.pv_fraction,
                     gsh_fraction = c.gsh_fraction;
        with_class += c.known ? len : 0;
        land_px += land > 0 ? len : 0;
        land_area += sums.repeated_quanta(q_land_area_m2, land * area, len);
        existing += sums.repeated_quanta(q_existing_pv_m2, existing_m2, len);
        const double *r = R + i, *h = H + i, *h_plane = H_plane + i;
        double* p = panel + i;
        if (land == 0) {  // excluded or no class: nothing on its ground but 0
            for (Eigen::Index k = 0; k < len; ++k) p[k] = land_panel_m2(area, built, r[k], true, pv_fraction, land);
            return;
        }
        const auto run = sums.pixel_quanta(columns, len, [=](auto at) {
            const auto open = land_open_m2(area, built, at(r), true, land);
            const auto panel_m2 = land_panel_m2(area, built, at(r), true, pv_fraction, land);
            at.put(p, panel_m2);
            return std::array{land_theoretical_kwh(at(h), area, land), panel_m2, open, open * gsh_fraction,
                              panel_m2 * at(h_plane)};
        });
        for (size_t k = 0; k < columns.size(); ++k) per_pixel[k] += run[k];
    });
    for (Q q : {q_landuse_valid_px, q_land_pv_px, q_ground_px}) add_to(sums, slot, {q}, sums.count_quanta(q, with_class));
    add_to(sums, slot, {q_land_px}, sums.count_quanta(q_land_px, land_px));
    add_to(sums, slot, {q_land_area_m2}, land_area);
    add_to(sums, slot, {q_existing_pv_m2}, existing);
    add_to(sums, slot, {q_land_theoretical_kwh}, per_pixel[0]);
    add_to(sums, slot, {q_land_panel_m2}, per_pixel[1]);
    add_to(sums, slot, {q_ground_open_m2}, per_pixel[2]);
    add_to(sums, slot, {q_ground_field_m2}, per_pixel[3]);
    add_to(sums, slot, {q_land_plane_kwh, q_land_plane_usable_kwh}, per_pixel[4]);
}

// The roof's and GHI's quantities of pixels of one zone slot with both layers (coverage_kernel,
// solar_roof_kernel; plan_equal_columns names the equal ones): every count 1 but the roof pixels' (R > 0);
// roof area = eligible roof = R; the plane and its usable share R × H_plane. roof_px: the pixels with R > 0.
// kGround: no land-use classes, so ground_heat_kernel's ground is every pixel, its field all its open
// ground — summed in the same pass.
template <bool kGround>
void roof_sums(const Block& b, Span s, int slot, int64_t roof_px, ZoneSums& sums) {
    const Eigen::Index n = s.count;
    const double area = b.pixel_area;
    const double *R = b.roof.data() + s.offset, *H = b.ghi_year.data() + s.offset,
                 *H_plane = b.roof_plane_year.data() + s.offset;
    for (Q q : {q_pixels, q_roof_valid_px, q_ghi_valid_px, q_roof_pv_px}) add_to(sums, slot, {q}, sums.count_quanta(q, n));
    for (Q q : {q_roof_px, q_roof_face_px}) add_to(sums, slot, {q}, sums.count_quanta(q, roof_px));
    constexpr auto columns = [] {
        if constexpr (kGround)
            return std::array{q_roof_area_m2, q_ghi_sum_kwh_m2, q_roof_theoretical_kwh, q_roof_plane_kwh, q_ground_open_m2};
        else return std::array{q_roof_area_m2, q_ghi_sum_kwh_m2, q_roof_theoretical_kwh, q_roof_plane_kwh};
    }();
    const auto quanta = sums.pixel_quanta(columns, n, [=](auto at) {
        const auto r = at(R), h = at(H);
        if constexpr (kGround) return std::array{r, h, h * r, r * at(H_plane), open_ground(area, 0.0, r, true)};
        else return std::array{r, h, h * r, r * at(H_plane)};
    });
    add_to(sums, slot, {q_roof_area_m2, q_eligible_roof_m2}, quanta[0]);
    add_to(sums, slot, {q_ghi_sum_kwh_m2}, quanta[1]);
    add_to(sums, slot, {q_roof_theoretical_kwh}, quanta[2]);
    add_to(sums, slot, {q_roof_plane_kwh, q_roof_plane_included_kwh}, quanta[3]);
    if constexpr (kGround) {
        add_to(sums, slot, {q_ground_px}, sums.count_quanta(q_ground_px, n));
        add_to(sums, slot, {q_ground_open_m2, q_ground_field_m2}, quanta[4]);
    }
}
}  // namespace

bool sums_direct(const Block& b, Span s, const LandUseTable* classes, ZoneSums& sums, MonthlyEnergy* roof_monthly,
                 MonthlyEnergy* land_monthly) {
    // Only the roof, GHI and land-use layers, the panel planes on the lattice: any other layer brings
    // quantities and rules of its own (screening, caps, per-pixel coverage), which the column kernels handle.
    const bool other_layers = b.slope.size() || b.aspect.size() || b.shade.size() || b.temperature.size() ||
                              b.terrain_slope.size() || b.inclusion.size() || b.population.size() ||
                              b.heat_demand.size();
    const bool land_ok = classes ? b.landuse.size() && b.land_plane_year.size() : !b.landuse.size();
    if (other_layers || !land_ok || !b.roof.size() || !b.ghi_year.size() || !b.roof_plane_year.size()) return false;
    const Eigen::Index n = s.count;
    const double *R = b.roof.data() + s.offset, *H = b.ghi_year.data() + s.offset;
    const Counts c = count_values(R, H, n);
    if (c.roof != n || c.ghi != n) return false;  // a pixel without a value: coverage is counted per pixel

    Eigen::ArrayXd scratch;
    Eigen::ArrayXd& panel = land_monthly ? land_monthly->stored : scratch;
    if (classes) panel.resize(n);
    // Zone by zone: a span mostly lies in one (a window filled by one zone is one run).
    const Eigen::Ref<const Eigen::ArrayXi> zone = b.zone.segment(s.offset, n);
    const bool single = all_equal(zone.data(), n);
    for (Eigen::Index a = 0; a < n;) {
        const Eigen::Index end = single ? n : run_end(zone, a);
        const Span run{s.offset + a, end - a};
        const int slot = zone(a);
        const int64_t roof_px = run.count == n ? c.roof_positive : count_values(R + a, H + a, run.count).roof_positive;
        if (classes) {
            roof_sums<false>(b, run, slot, roof_px, sums);
            land_sums(b, run, slot, *classes, sums, panel.data() + a);
        } else {
            roof_sums<true>(b, run, slot, roof_px, sums);
        }
        a = end;
    }
    if (roof_monthly) roof_monthly->rows.clear(), roof_monthly->weight = R;  // the eligible roof: all of it
    if (classes && land_monthly) land_monthly->rows.clear(), land_monthly->weight = panel.data();
    return true;
}

}  // namespace repot
