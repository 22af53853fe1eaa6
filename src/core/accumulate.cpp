#include "repot/accumulate.hpp"

#include <stdexcept>

#include "repot/wide_sum.hpp"

namespace repot {


void ZoneSums::add(const Eigen::Ref<const Eigen::ArrayXi>& zone, const Eigen::ArrayXXd& values) {
    std::vector<int> all(q_count);
    for (int q = 0; q < q_count; ++q) all[size_t(q)] = q;
    add(zone, values, all);
}

void ZoneSums::add(const Eigen::Ref<const Eigen::ArrayXi>& zone, const Eigen::ArrayXXd& values,
                   const std::vector<int>& columns) {
    const Eigen::Index n = zone.size();
    Eigen::Index start = 0;
    while (start < n) {
        const int z = zone(start);
        Eigen::Index end = start + 1;
        while (end < n && zone(end) == z) ++end;
        if (z < 0 || z > zones_) throw std::out_of_range("zone index out of range");
        touch(z);
        double* slot = &data_[size_t(z) * q_count];
        for (int q : columns) slot[q] += sum_wide(values.col(q).data() + start, end - start);
        start = end;
    }
}

void ZoneSums::add_classes(const Eigen::Ref<const Eigen::ArrayXi>& zone, const Eigen::Ref<const Eigen::ArrayXi>& cls) {
    if (zone.size() != cls.size()) throw std::invalid_argument("zone and class arrays differ in length");
    if (zone.size() == 0) return;
    if (zone.minCoeff() < 0 || zone.maxCoeff() > zones_ || cls.minCoeff() < -1 || cls.maxCoeff() >= classes_)
        throw std::out_of_range("zone or class index out of range");
    // Run by run of one zone: whole counts, exact in any order.
    const size_t stride = size_t(classes_ + 1);
    const Eigen::Index n = zone.size();
    for (Eigen::Index start = 0; start < n;) {
        const int z = zone(start);
        Eigen::Index end = start + 1;
        while (end < n && zone(end) == z) ++end;
        touch(z);
        double* slot = &class_px_[size_t(z) * stride + 1];  // slot[-1]: no class
        // Classes come in runs (a land-use cell spans many pixels): one addition per run, not a chain of
        // increments of one counter, each waiting for the last.
        for (Eigen::Index i = start; i < end;) {
            const int k = cls(i);
            Eigen::Index j = i + 1;
            while (j < end && cls(j) == k) ++j;
            slot[k] += double(j - i);
            i = j;
        }
        start = end;
    }
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

void ZoneSums::add_monthly_totals(MonthlySource s, const std::vector<double>& totals) {
    if (totals.size() != size_t(zones_ + 1) * 12) throw std::invalid_argument("monthly totals of another zone count");
    for (int z = 0; z <= zones_; ++z) {
        const double* v = &totals[size_t(z) * 12];
        bool any = false;
        for (int m = 0; m < 12; ++m) any |= v[m] != 0;
        if (!any) continue;
        touch(z);
        double* slot = &monthly_[(size_t(z) * kMonthlySources + size_t(s)) * 12];
        for (int m = 0; m < 12; ++m) slot[m] += v[m];
    }
}

void ZoneSums::merge(const ZoneSums& other) {
    if (other.data_.size() != data_.size() || other.class_px_.size() != class_px_.size())
        throw std::invalid_argument("merging sums of different zone sets");
    for (size_t i = 0; i < data_.size(); ++i) data_[i] += other.data_[i];
    for (size_t i = 0; i < class_px_.size(); ++i) class_px_[i] += other.class_px_[i];
    for (size_t i = 0; i < monthly_.size(); ++i) monthly_[i] += other.monthly_[i];
    for (int slot : other.touched_) touch(slot);
}

}  // namespace repot
