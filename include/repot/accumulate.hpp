#pragma once
// Per-zone sums in double. Slot 0 collects pixels outside every zone. Partial sums of blocks are
// merged in block order, so the totals are identical for any number of threads.
#include <Eigen/Core>
#include <vector>

#include "repot/quantities.hpp"

namespace repot {

class ZoneSums {
public:
    ZoneSums() = default;
    explicit ZoneSums(int zone_count) : zones_(zone_count), data_(size_t(zone_count + 1) * q_count, 0.0) {}

    // Adds the columns of `values` (span × q_count) to the zones of `zone` (span), run by run:
    // neighbouring pixels mostly share a zone, so each run is one vectorised column sum.
    void add(const Eigen::Ref<const Eigen::ArrayXi>& zone, const Eigen::ArrayXXd& values);
    // The same for only some columns of `values` (the others hold nothing to add).
    void add(const Eigen::Ref<const Eigen::ArrayXi>& zone, const Eigen::ArrayXXd& values, const std::vector<int>& columns);
    void merge(const ZoneSums& other);

    double get(int slot, Q q) const { return data_[size_t(slot) * q_count + q]; }  // slot = zone index + 1
    double& at(int slot, Q q) { return data_[size_t(slot) * q_count + q]; }
    int zone_count() const { return zones_; }

private:
    int zones_ = 0;
    std::vector<double> data_;
};

}  // namespace repot
