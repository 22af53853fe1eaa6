#include "repot/accumulate.hpp"

#include <cmath>
#include <stdexcept>


namespace repot {


void ZoneSums::add(const Eigen::Ref<const Eigen::ArrayXi>& zone, const Eigen::ArrayXXd& values) {
    ColumnPlan all;
    for (int q = 0; q < q_count; ++q) all.summed.push_back(q);
    add(zone, values, all);
}

namespace {
// log2 of the most a column can hold per m² of pixel (per pixel for counts and means), with a margin:
// a run of 4,096 such values is 2^52 quanta at most, so its sum is exact (the quantum is 2^-40 of it).
int bound_exp(Q q) {
    switch (q) {
        case q_roof_theoretical_kwh: case q_roof_plane_kwh: case q_roof_plane_included_kwh:
        case q_land_theoretical_kwh: case q_land_plane_kwh: case q_land_plane_usable_kwh:
            return 16;  // ≤ 3,000 kWh/m² of GHI on up to 16 m² of roof per m² of pixel
        case q_roof_area_m2: case q_eligible_roof_m2: case q_land_area_m2: case q_existing_pv_m2:
        case q_land_panel_m2: case q_ground_open_m2: case q_ground_field_m2:
            return 4;   // m² per m²: a roof may exceed its pixel (warned), 16-fold is an input error (inputs.cpp)
        case q_solar_heat_capped_gj: case q_ground_heat_capped_gj: case q_heat_demand_gj:
            return 8;   // heat demand is capped at 50 GJ/m² (inputs.cpp)
        case q_population:
            return 0;   // capped at 1 person/m²
        case q_temperature_sum_c:
            return 6;   // °C per pixel, |t| ≤ 60
        case q_ghi_sum_kwh_m2:
            return 12;  // kWh/m² per pixel, ≤ 3,000
        default:
            return 0;   // pixel counts: 0 or 1 per pixel
    }
}
// Pixel counts: 0 or 1 per pixel (kernels.hpp writes them so).
bool is_count(Q q) { return q < q_roof_area_m2 || q == q_heat_demand_valid_px || q == q_ground_px; }
bool per_pixel(Q q) { return is_count(q) || q == q_temperature_sum_c || q == q_ghi_sum_kwh_m2; }  // not × area
}  // namespace

std::vector<double> ZoneSums::quanta(double pixel_area) {
    const int area_exp = pixel_area > 0 ? std::ilogb(pixel_area) + 1 : 0;  // 2^area_exp > the pixel's area
    std::vector<double> q(q_count);
    for (int k = 0; k < q_count; ++k)
        q[size_t(k)] = std::ldexp(1.0, bound_exp(Q(k)) + (per_pixel(Q(k)) ? 0 : area_exp) - 40);
    return q;
}

void ZoneSums::add(const Eigen::Ref<const Eigen::ArrayXi>& zone, const Eigen::ArrayXXd& values, const ColumnPlan& plan,
                   bool one_zone) {
    const Eigen::Index n = zone.size();
    if (n > (Eigen::Index(1) << 16)) throw std::invalid_argument("ZoneSums::add: more than 65,536 pixels at once");
    __int128 run[q_count];  // the current run's sum of each summed column, in quanta
    Eigen::Index start = 0;
    while (start < n) {
        const int z = zone(start);
        const Eigen::Index end = one_zone ? n : run_end(zone, start);
        if (z < 0 || z > zones_) throw std::out_of_range("zone index out of range");
        touch(z);
        __int128* slot = &fixed_[size_t(z) * q_count];
        for (int q : plan.summed) {
            const double* v = values.col(q).data() + start;
            // Pixel counts hold whole numbers: their plain sum is exact already, and so is its scaling to
            // quanta (a power of two) — one addition per value instead of a rounding.
            const double quanta = is_count(Q(q)) ? sum_wide(v, end - start) / quantum_[size_t(q)]
                                                 : sum_quanta(v, end - start, quantum_[size_t(q)]);
            slot[q] += run[q] = checked_quanta(quanta);
        }
        for (const auto& [q, same] : plan.copies) slot[q] += run[same];
        for (int q : plan.ones) slot[q] += int64_t(double(end - start) / quantum_[size_t(q)]);  // ≤ 2^56
        start = end;
    }
}

int64_t ZoneSums::checked_quanta(double quanta) {
    // Whole numbers below 2^53 add exactly in double; a larger run sum may have rounded.
    if (!(std::abs(quanta) < 0x1p53))
        throw std::overflow_error("pixel values beyond what can be summed exactly (such as roofs over 16 times their pixel's area)");
    return int64_t(quanta);  // whole and below 2^53: exact in int64 (a direct __int128 conversion is a libgcc call)
}

void ZoneSums::add_quanta(int slot, Q q, int64_t quanta) {
    if (slot < 0 || slot > zones_) throw std::out_of_range("zone index out of range");
    touch(slot);
    fixed_[size_t(slot) * q_count + q] += quanta;
}

void ZoneSums::add_repeated(int slot, Q q, double value, int64_t n) {
    if (slot < 0 || slot > zones_) throw std::out_of_range("zone index out of range");
    touch(slot);
    fixed_[size_t(slot) * q_count + q] += __int128(repeated_quanta(q, value, 1)) * n;  // n may exceed a span
}

void ZoneSums::add_class_pixels(int slot, int k, int64_t n) {
    if (slot < 0 || slot > zones_ || k < -1 || k >= classes_) throw std::out_of_range("zone or class index out of range");
    touch(slot);
    class_pixels_at(slot, k) += double(n);
}

void ZoneSums::add_monthly(MonthlySource s, const Eigen::Ref<const Eigen::ArrayXi>& zone,
                           const std::vector<Eigen::Index>& rows, const Eigen::ArrayXXd& kwh) {
    if (Eigen::Index(rows.size()) > kwh.rows()) throw std::invalid_argument("monthly rows and values differ");
    // Run by run of rows in one zone, like add(): the same additions in the same order every time.
    size_t start = 0;
    while (start < rows.size()) {
        const int z = zone(rows[start]);
        size_t end = start + 1;
        while (end < rows.size() && zone(rows[end]) == z) ++end;
        if (z < 0 || z > zones_) throw std::out_of_range("zone index out of range");
        touch(z);
        double* slot = &monthly_[(size_t(z) * kMonthlySources + size_t(s)) * 12];
        for (int m = 0; m < 12; ++m)
            slot[m] += kwh.col(m).segment(Eigen::Index(start), Eigen::Index(end - start)).sum();
        start = end;
    }
}

void ZoneSums::add_monthly_totals(MonthlySource s, std::vector<double>& totals, const std::vector<int>& slots) {
    if (totals.size() != size_t(zones_ + 1) * 12) throw std::invalid_argument("monthly totals of another zone count");
    for (int z : slots) {
        if (z < 0 || z > zones_) throw std::out_of_range("zone index out of range");
        double* v = &totals[size_t(z) * 12];
        bool any = false;
        for (int m = 0; m < 12; ++m) any |= v[m] != 0;
        if (!any) continue;
        touch(z);
        double* slot = &monthly_[(size_t(z) * kMonthlySources + size_t(s)) * 12];
        for (int m = 0; m < 12; ++m) slot[m] += v[m], v[m] = 0;
    }
}

void ZoneSums::merge(const ZoneSums& other) {
    if (other.data_.size() != data_.size() || other.class_px_.size() != class_px_.size())
        throw std::invalid_argument("merging sums of different zone sets");
    if (other.quantum_ != quantum_) throw std::invalid_argument("merging sums of different pixel areas");
    for (size_t i = 0; i < data_.size(); ++i) data_[i] += other.data_[i], fixed_[i] += other.fixed_[i];
    for (size_t i = 0; i < class_px_.size(); ++i) class_px_[i] += other.class_px_[i];
    for (size_t i = 0; i < monthly_.size(); ++i) monthly_[i] += other.monthly_[i];
    for (int slot : other.touched_) touch(slot);
}

}  // namespace repot
