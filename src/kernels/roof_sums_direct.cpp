// A span's sums without columns (kernels.hpp, roof_sums_direct): for a run of roof and GHI only — the
// shape of most surveys and of the benchmark — writing ~15 columns and reading them back cost more than
// the arithmetic (bench/kernel_fusion: 1.8 against 0.8 ns per pixel).
#include "repot/kernels.hpp"

namespace repot {

namespace {
// Pixels where R and H have a value, and where R is positive (an integer count: the loop vectorises).
struct SpanCounts {
    int64_t roof = 0, ghi = 0, roof_positive = 0;
};
SpanCounts count_values(const double* __restrict R, const double* __restrict H, Eigen::Index n) {
    int64_t roof = 0, ghi = 0, positive = 0;
    for (Eigen::Index i = 0; i < n; ++i) roof += R[i] == R[i], ghi += H[i] == H[i], positive += R[i] > 0;
    return {roof, ghi, positive};
}
}  // namespace

bool roof_sums_direct(const Block& b, Span s, int slot, ZoneSums& sums, MonthlyEnergy* monthly) {
    // Only the roof and GHI layers, the flat-roof plane on the lattice: any other layer brings quantities
    // and rules of its own (screening, classes, caps), which the column kernels handle.
    const bool other_layers = b.slope.size() || b.aspect.size() || b.shade.size() || b.temperature.size() ||
                              b.landuse.size() || b.terrain_slope.size() || b.inclusion.size() ||
                              b.population.size() || b.heat_demand.size();
    if (other_layers || !b.roof.size() || !b.ghi_year.size() || !b.roof_plane_year.size()) return false;
    const Eigen::Index n = s.count;
    const double *R = b.roof.data() + s.offset, *H = b.ghi_year.data() + s.offset,
                 *H_plane = b.roof_plane_year.data() + s.offset;
    const SpanCounts c = count_values(R, H, n);
    if (c.roof != n || c.ghi != n) return false;  // a pixel without a value: coverage is counted per pixel

    // With both layers complete the kernels' columns are these, pixel by pixel (coverage_kernel,
    // solar_roof_kernel, ground_heat_kernel without classes; plan_equal_columns names the equal ones):
    // every count 1 but the roof pixels' (R > 0); roof area = eligible roof = R; the plane and its usable
    // share R × H_plane; open ground = borehole field.
    auto add = [&](std::initializer_list<Q> qs, int64_t quanta) {
        for (Q q : qs) sums.add_quanta(slot, q, quanta);
    };
    for (Q q : {q_pixels, q_roof_valid_px, q_ghi_valid_px, q_roof_pv_px, q_ground_px}) add({q}, sums.count_quanta(q, n));
    for (Q q : {q_roof_px, q_roof_face_px}) add({q}, sums.count_quanta(q, c.roof_positive));
    add({q_roof_area_m2, q_eligible_roof_m2}, sums.pixel_quanta(q_roof_area_m2, n, [R](Eigen::Index i) { return R[i]; }));
    add({q_ghi_sum_kwh_m2}, sums.pixel_quanta(q_ghi_sum_kwh_m2, n, [H](Eigen::Index i) { return H[i]; }));
    add({q_roof_theoretical_kwh},
        sums.pixel_quanta(q_roof_theoretical_kwh, n, [H, R](Eigen::Index i) { return H[i] * R[i]; }));
    add({q_roof_plane_kwh, q_roof_plane_included_kwh},
        sums.pixel_quanta(q_roof_plane_kwh, n, [R, H_plane](Eigen::Index i) { return R[i] * H_plane[i]; }));
    const double area = b.pixel_area;
    add({q_ground_open_m2, q_ground_field_m2}, sums.pixel_quanta(q_ground_open_m2, n, [R, area](Eigen::Index i) {
            return open_ground(area, 0.0, R[i], true);
        }));
    if (monthly) monthly->rows.clear(), monthly->weight = R;  // the eligible roof: all of it
    return true;
}

}  // namespace repot
