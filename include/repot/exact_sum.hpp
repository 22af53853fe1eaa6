#pragma once
// Exact sums of doubles, rounded once at the end (Shewchuk's expansions, as Python's math.fsum): the
// result is the correctly rounded sum of every number added, whatever the order or grouping of the
// additions. So block partial sums added on any thread, in any shard, merged in any order, give the
// same bits — which makes thread counts and `repot merge` of shards exact by construction.
#include <string>
#include <vector>

#include "repot/accumulate.hpp"

namespace repot {

class ExactSum {
public:
    void add(double x);                 // x finite
    void add(const ExactSum& other);    // exact
    double value() const;               // the exact sum, correctly rounded (ties to even)
    const std::vector<double>& parts() const { return parts_; }  // non-overlapping, increasing magnitude
    static ExactSum from_parts(const std::vector<double>& parts);  // as written by parts(), e.g. from a file

private:
    std::vector<double> parts_;
};

// Per-zone totals of a run: every block's ZoneSums added exactly. Merging totals (threads, shards)
// is exact too; rounded() gives the ZoneSums the outputs are built from.
class ExactZoneSums {
public:
    ExactZoneSums() = default;
    ExactZoneSums(int zone_count, int class_count);
    void add(const ZoneSums& block);
    void add(const ExactZoneSums& other);
    ZoneSums rounded() const;

    // Text form for shard files: a first line "repot-sums <layout> <q_count>", then one line per non-zero
    // accumulator, "sum <slot> <q> <parts in %a>", "month <slot> <source> <month> <parts>",
    // "class <slot> <k> <count>". Exact (hexadecimal floats). Quantities are numbered as in
    // quantities.hpp: kSumsLayout changes whenever that numbering does, and from_text refuses another.
    static constexpr int kSumsLayout = 3;  // 2: the linear parameters moved to the zone sums; 3: fixed-point block sums
    std::string to_text() const;
    static ExactZoneSums from_text(const std::string& text, int zone_count, int class_count);
    int zone_count() const { return zones_; }

private:
    int zones_ = 0, classes_ = 0;
    std::vector<ExactSum> data_, monthly_;
    std::vector<double> class_px_;  // whole numbers: exact in double in any order
};

}  // namespace repot
