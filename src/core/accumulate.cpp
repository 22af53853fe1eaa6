#include "repot/accumulate.hpp"

#include <stdexcept>

namespace repot {

void ZoneSums::add(const Eigen::Ref<const Eigen::ArrayXi>& zone, const Eigen::ArrayXXd& values) {
    const Eigen::Index n = zone.size();
    Eigen::Index start = 0;
    while (start < n) {
        const int z = zone(start);
        Eigen::Index end = start + 1;
        while (end < n && zone(end) == z) ++end;
        if (z < 0 || z > zones_) throw std::out_of_range("zone index out of range");
        double* slot = &data_[size_t(z) * q_count];
        for (int q = 0; q < q_count; ++q) slot[q] += values.col(q).segment(start, end - start).sum();
        start = end;
    }
}

void ZoneSums::merge(const ZoneSums& other) {
    if (other.data_.size() != data_.size()) throw std::invalid_argument("merging sums of different zone sets");
    for (size_t i = 0; i < data_.size(); ++i) data_[i] += other.data_[i];
}

}  // namespace repot
