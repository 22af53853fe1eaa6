#include "repot/kernels.hpp"

namespace repot {

namespace {
// valid = 1 where v has a value, else 0; value = v there, else 0 (a vectorised loop: kernels.hpp).
// Returns whether every pixel has a value.
bool split_valid(const double* __restrict v, double* __restrict valid, double* __restrict value, Eigen::Index n) {
    Eigen::Index count = 0;  // an integer sum: the compiler may reorder it, so the loop vectorises
    for (Eigen::Index i = 0; i < n; ++i) {
        valid[i] = v[i] == v[i] ? 1.0 : 0.0;
        value[i] = v[i] == v[i] ? v[i] : 0.0;
        count += v[i] == v[i];
    }
    return count == n;
}

// 1 where a pixel has a land-use class (index ≥ 0). Returns whether every pixel has one.
bool has_class(const int* __restrict cls, double* __restrict out, Eigen::Index n) {
    Eigen::Index count = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
        out[i] = cls[i] >= 0 ? 1.0 : 0.0;
        count += cls[i] >= 0;
    }
    return count == n;
}
// 1 where every inclusion layer has a value (block.hpp keeps the count of layers with one per pixel).
void all_valid(const double* __restrict count, double layers, double* __restrict out, Eigen::Index n) {
    for (Eigen::Index i = 0; i < n; ++i) out[i] = count[i] == layers ? 1.0 : 0.0;
}
}  // namespace

// Which layers have a value, per pixel: the numerators of each zone's coverage shares. The roof and
// terrain screening layers are counted by the kernels that use them, over the pixels that need them.
CompleteLayers coverage_kernel(const Block& b, Span s, Columns& out, const ColumnMask& skip) {
    const Eigen::Index n = s.count;
    CompleteLayers complete;
    if (!skip[q_pixels]) out.col(q_pixels).setOnes();
    if (b.roof.size())
        complete.roof = split_valid(b.roof.data() + s.offset, out.col(q_roof_valid_px).data(),
                                    out.col(q_roof_area_m2).data(), n);
    if (b.ghi_year.size())
        complete.ghi = split_valid(b.ghi_year.data() + s.offset, out.col(q_ghi_valid_px).data(),
                                   out.col(q_ghi_sum_kwh_m2).data(), n);
    if (b.temperature.size()) {
        const Eigen::ArrayXd t = b.temperature.middleRows(s.offset, n).rowwise().mean();
        split_valid(t.data(), out.col(q_temperature_valid_px).data(), out.col(q_temperature_sum_c).data(), n);
    }
    if (b.landuse.size())
        complete.landuse = has_class(b.landuse.data() + s.offset, out.col(q_landuse_valid_px).data(), n);
    if (b.population.size())
        split_valid(b.population.data() + s.offset, out.col(q_population_valid_px).data(),
                    out.col(q_population).data(), n);
    if (b.heat_demand.size())
        split_valid(b.heat_demand.data() + s.offset, out.col(q_heat_demand_valid_px).data(),
                    out.col(q_heat_demand_gj).data(), n);
    if (b.inclusion_layers > 0)
        all_valid(b.inclusion_valid.data() + s.offset, b.inclusion_layers, out.col(q_inclusion_valid_px).data(), n);
    return complete;
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
