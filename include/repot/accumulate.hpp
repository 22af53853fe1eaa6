#pragma once
// Per-zone sums of a block. Slot 0 collects pixels outside every zone. The per-pixel columns are summed
// in fixed point: each value is rounded to a quantum (a power of two, 2^-40 of the most a pixel can hold
// in that column: accumulate.cpp), and the quanta add up exactly. So a
// zone's sum does not depend on how its pixels are grouped — by span, block or thread — and
// ExactZoneSums adds the blocks exactly: the totals are the same for any block size and thread count.
#include <Eigen/Core>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "repot/quantities.hpp"
#include "repot/run_end.hpp"
#include "repot/wide_sum.hpp"

namespace repot {

// The sources whose technical energy is also summed per month (potential_monthly.csv).
enum class MonthlySource : int { solar_roof = 0, solar_land = 1 };
constexpr int kMonthlySources = 2;

// Which columns of a span ZoneSums::add sums, and which it fills without reading them (kernels.hpp,
// plan_equal_columns): a column whose values equal a summed column's (with the same quantum) gets that
// column's sum; a column that holds 1 in every pixel gets the pixel count.
struct ColumnPlan {
    std::vector<int> summed;
    std::vector<std::pair<int, int>> copies;  // (column, the summed column it equals)
    std::vector<int> ones;
    std::vector<int> zeros;  // columns that hold 0 in every pixel: nothing to add
};

class ZoneSums {
public:
    ZoneSums() = default;
    // class_count: land-use classes whose pixels are counted per zone (0: none), plus one slot for no class.
    explicit ZoneSums(int zone_count, int class_count = 0, double pixel_area = 1.0)
        : zones_(zone_count), classes_(class_count), data_(size_t(zone_count + 1) * q_count, 0.0),
          fixed_(size_t(zone_count + 1) * q_count, 0), quantum_(quanta(pixel_area)),
          class_px_(class_count ? size_t(zone_count + 1) * size_t(class_count + 1) : 0, 0.0),
          monthly_(size_t(zone_count + 1) * kMonthlySources * 12, 0.0), is_touched_(size_t(zone_count + 1), 0) {}

    // Adds the columns of `values` (span × q_count) to the zones of `zone` (span), run by run, in fixed
    // point (above): neighbouring pixels mostly share a zone, so each run is one vectorised column sum.
    void add(const Eigen::Ref<const Eigen::ArrayXi>& zone, const Eigen::ArrayXXd& values);
    // The same for the columns of a plan (the others hold nothing to add). one_zone: the caller knows every
    // pixel is in zone(0) (a window filled by one zone), so the runs are not looked for.
    void add(const Eigen::Ref<const Eigen::ArrayXi>& zone, const Eigen::ArrayXXd& values, const ColumnPlan& plan,
             bool one_zone = false);
    // Sums straight from the layers, without a column (sums_direct): what add() would add for a run of
    // n pixels of one zone slot whose column q holds value(i) (not a count column) — the same quanta — and for
    // a count column holding 1 at `count` of them. add_quanta adds such a sum to a slot.
    template <class Value>
    int64_t pixel_quanta(Q q, Eigen::Index n, Value value) const {
        return checked_quanta(sum_quanta_of(n, quantum_[size_t(q)], value));
    }
    // The same for K columns at once (fixed_quanta: terms(at) gives their K terms), each sum in quanta.
    template <size_t K, class Terms>
    std::array<int64_t, K> pixel_quanta(const std::array<Q, K>& qs, Eigen::Index n, Terms terms) const {
        std::array<double, K> quantum;
        for (size_t k = 0; k < K; ++k) quantum[k] = quantum_[size_t(qs[k])];
        const FixedQuanta<K> f = fixed_quanta(n, quantum, terms);
        if (!f.in_range) checked_quanta(NAN);  // a term beyond what adds exactly: the same error as one sum's
        for (int64_t q : f.quanta) checked_quanta(double(q));
        return f.quanta;
    }
    int64_t count_quanta(Q q, int64_t count) const { return int64_t(double(count) / quantum_[size_t(q)]); }
    // n pixels each holding `value` in column q (a constant of a land-use class run), as add_repeated adds them.
    int64_t repeated_quanta(Q q, double value, int64_t n) const {
        return checked_quanta(sum_quanta(&value, 1, quantum_[size_t(q)])) * n;
    }
    void add_quanta(int slot, Q q, int64_t quanta);
    void merge(const ZoneSums& other);
    // Adds `value` for each of n pixels of a zone slot, exactly as add() would add them one by one (a
    // layer whose pixels share their source cell's value: RasterReader::runs_by_cell).
    void add_repeated(int slot, Q q, double value, int64_t n);

    // Adds rows × 12 monthly values to the zones of their rows: `zone` is the span's zone array,
    // `rows` positions in it (ascending), `kwh` one row per position.
    void add_monthly(MonthlySource s, const Eigen::Ref<const Eigen::ArrayXi>& zone, const std::vector<Eigen::Index>& rows,
                     const Eigen::ArrayXXd& kwh);
    // Adds the monthly totals of the zone slots `slots` and sets them back to 0 (the other slots hold 0):
    // `totals` is (zone_count + 1) × 12, slot-major.
    void add_monthly_totals(MonthlySource s, std::vector<double>& totals, const std::vector<int>& slots);
    double monthly(int slot, MonthlySource s, int month) const {
        return monthly_[(size_t(slot) * kMonthlySources + size_t(s)) * 12 + size_t(month)];
    }

    // Counts n pixels of land-use class index k (-1: no class) in a zone slot (the engine: per run of one
    // zone and one class, as the land-use layer is read).
    void add_class_pixels(int slot, int k, int64_t n);
    // Pixels of class index k (-1: no class) in a zone slot.
    double class_pixels(int slot, int k) const { return class_px_[size_t(slot) * size_t(classes_ + 1) + size_t(k + 1)]; }
    int class_count() const { return classes_; }

    double& class_pixels_at(int slot, int k) { return class_px_[size_t(slot) * size_t(classes_ + 1) + size_t(k + 1)]; }
    double& monthly_at(int slot, MonthlySource s, int month) {
        return monthly_[(size_t(slot) * kMonthlySources + size_t(s)) * 12 + size_t(month)];
    }

    // slot = zone index + 1. get: what add() summed (rounded to double) plus what at() set.
    double get(int slot, Q q) const {
        const size_t i = size_t(slot) * q_count + q;
        return data_[i] + double(fixed_[i]) * quantum_[size_t(q)];
    }
    double& at(int slot, Q q) { return data_[size_t(slot) * q_count + q]; }
    double at_value(int slot, Q q) const { return data_[size_t(slot) * q_count + q]; }
    // add()'s exact sum in quanta, and the quantum of a column.
    __int128 fixed(int slot, Q q) const { return fixed_[size_t(slot) * q_count + q]; }
    double quantum(Q q) const { return quantum_[size_t(q)]; }
    // The quantum of each column for pixels of this area (m²).
    static std::vector<double> quanta(double pixel_area);
    int zone_count() const { return zones_; }
    // The slots anything was added to (a block touches a few of many zones), in first-touch order.
    const std::vector<int>& touched() const { return touched_; }

private:
    // A run's sum in quanta as a whole number; below 2^53, or a sum that may have rounded: an error.
    static int64_t checked_quanta(double quanta);
    void touch(int slot) {
        if (!is_touched_[size_t(slot)]) is_touched_[size_t(slot)] = 1, touched_.push_back(slot);
    }
    int zones_ = 0, classes_ = 0;
    std::vector<double> data_;
    std::vector<__int128> fixed_;   // add()'s sums, in quanta
    std::vector<double> quantum_;   // per column
    std::vector<double> class_px_;  // (zone slot) × (1 + class index): whole numbers, exact in any order
    std::vector<double> monthly_;   // (zone slot) × source × month
    std::vector<char> is_touched_;
    std::vector<int> touched_;
};

}  // namespace repot
