#include "repot/kernels.hpp"

namespace repot {

// Which layers have a value, per pixel: the denominators of each zone's coverage shares. Plain loops
// over restrict pointers with v == v as the NaN test: the compiler vectorises them; Eigen's boolean
// masks it does not.
void coverage_kernel(const Block& b, Span s, Columns& out) {
    const Eigen::Index n = s.count;
    const double* __restrict roof = b.roof.data() + s.offset;
    const double* __restrict ghi = b.ghi_year.data() + s.offset;
    double* __restrict pixels = out.col(q_pixels).data();
    double* __restrict roof_valid = out.col(q_roof_valid_px).data();
    double* __restrict roof_area = out.col(q_roof_area_m2).data();
    double* __restrict ghi_valid = out.col(q_ghi_valid_px).data();
    double* __restrict ghi_sum = out.col(q_ghi_sum_kwh_m2).data();
    for (Eigen::Index i = 0; i < n; ++i) {
        const double r = roof[i], h = ghi[i];
        pixels[i] = 1.0;
        roof_valid[i] = r == r ? 1.0 : 0.0;
        roof_area[i] = r == r ? r : 0.0;
        ghi_valid[i] = h == h ? 1.0 : 0.0;
        ghi_sum[i] = h == h ? h : 0.0;
    }
    auto valid = [](const auto& a) { return (!a.isNaN()).template cast<double>(); };
    if (b.temperature.size()) {
        Eigen::ArrayXd t = b.temperature.middleRows(s.offset, n).rowwise().mean();
        out.col(q_temperature_valid_px) = valid(t);
        out.col(q_temperature_sum_c) = t.isNaN().select(0.0, t);
    }
    if (b.landuse.size()) out.col(q_landuse_valid_px) = (b.landuse.segment(s.offset, n) >= 0).cast<double>();
    if (b.population.size()) {
        const double* __restrict pop = b.population.data() + s.offset;
        double* __restrict pop_valid = out.col(q_population_valid_px).data();
        double* __restrict persons = out.col(q_population).data();
        for (Eigen::Index i = 0; i < n; ++i) {
            pop_valid[i] = pop[i] == pop[i] ? 1.0 : 0.0;
            persons[i] = pop[i] == pop[i] ? pop[i] : 0.0;
        }
    }
}

}  // namespace repot

namespace repot {

std::vector<Eigen::Index> positive_rows(const Eigen::Ref<const Eigen::ArrayXd>& v) {
    std::vector<Eigen::Index> rows(size_t(v.size()));
    size_t n = 0;
    for (Eigen::Index i = 0; i < v.size(); ++i) rows[n] = i, n += v(i) > 0;  // no branch: roofs and gaps alternate
    rows.resize(n);
    return rows;
}

Eigen::Ref<const Eigen::ArrayXXd> monthly_ghi(const Block& b, Span s, const std::vector<Eigen::Index>& rows,
                                              Eigen::ArrayXXd& scratch) {
    auto row_of = [&](Eigen::Index k) { return b.ghi_row.size() ? b.ghi_row(s.offset + k) : s.offset + k; };
    const Eigen::Index first = row_of(rows.front()), count = Eigen::Index(rows.size());
    if (row_of(rows.back()) - first + 1 == count) return b.ghi.middleRows(first, count);  // consecutive: a view
    scratch.resize(count, b.ghi.cols());
    for (Eigen::Index m = 0; m < scratch.cols(); ++m)
        for (Eigen::Index k = 0; k < count; ++k) scratch(k, m) = b.ghi(row_of(rows[size_t(k)]), m);
    return scratch;
}

Eigen::ArrayXd inclusion_span(const Block& b, Span s) {
    if (!b.inclusion.size()) return Eigen::ArrayXd::Ones(s.count);
    auto v = b.inclusion.segment(s.offset, s.count);
    return v.isNaN().select(1.0, v);
}

}  // namespace repot
