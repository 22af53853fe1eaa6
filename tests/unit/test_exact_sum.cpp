// Exact sums: the correctly rounded sum (expected values from Python's math.fsum, an independent
// implementation), the same bits for any order and grouping, and the shard text form round-trips.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "repot/exact_sum.hpp"

using namespace repot;

namespace {
// Exact in double: integers times powers of two, so Python computes the very same values.
std::vector<double> values() {
    std::vector<double> v;
    for (int k = 1; k <= 2000; ++k) v.push_back(double((int64_t(k) * 7919 % 1000003) - 500000) * std::ldexp(1.0, k % 60 - 30));
    return v;
}
}  // namespace

TEST_CASE("ExactSum: correctly rounded sums (Python math.fsum values)") {
    ExactSum s;
    for (double x : values()) s.add(x);
    CHECK(s.value() == 0x1.40da812e968afp+49);  // a plain loop gives 0x1.40da812e968a7p+49
    ExactSum tenths;
    for (int i = 0; i < 10; ++i) tenths.add(0.1);
    CHECK(tenths.value() == 1.0);
    ExactSum cancel;
    for (double x : {1e16, 1.0, -1e16}) cancel.add(x);
    CHECK(cancel.value() == 1.0);
    ExactSum half_way;  // 1 + 2^-53 is a tie; the 2^-106 below it decides: round up
    for (double x : {1.0, std::ldexp(1.0, -53), std::ldexp(1.0, -106)}) half_way.add(x);
    CHECK(half_way.value() == 0x1.0000000000001p+0);
    CHECK(ExactSum().value() == 0.0);
}

TEST_CASE("ExactSum: any order and any grouping give the same bits") {
    auto v = values();
    ExactSum reference;
    for (double x : v) reference.add(x);
    std::mt19937 rng(42);
    for (int round = 0; round < 20; ++round) {
        std::shuffle(v.begin(), v.end(), rng);
        const size_t cut = rng() % v.size();
        ExactSum a, b;
        for (size_t i = 0; i < v.size(); ++i) (i < cut ? a : b).add(v[i]);
        b.add(a);
        CHECK(b.value() == reference.value());
        CHECK(ExactSum::from_parts(b.parts()).value() == reference.value());
    }
}

TEST_CASE("ExactZoneSums: blocks added in shards and merged equal one pass; text round-trips") {
    const int zones = 3, classes = 2;
    std::vector<ZoneSums> blocks;
    std::mt19937 rng(7);
    std::uniform_real_distribution<double> u(-1e6, 1e6);
    for (int b = 0; b < 40; ++b) {
        ZoneSums s(zones, classes);
        const int slot = 1 + b % zones;
        s.at(slot, q_roof_area_m2) = u(rng);  // at() does not mark the slot: add through the API below
        Eigen::ArrayXi zone = Eigen::ArrayXi::Constant(4, slot);
        Eigen::ArrayXXd v = Eigen::ArrayXXd::Zero(4, q_count);
        for (int i = 0; i < 4; ++i) v(i, q_roof_plane_included_kwh) = u(rng), v(i, q_pixels) = 1;
        s.add(zone, v);
        s.add_class_pixels(slot, -1, 1);  // classes -1, 0, 1, 1
        s.add_class_pixels(slot, 0, 1);
        s.add_class_pixels(slot, 1, 2);
        Eigen::ArrayXXd months = Eigen::ArrayXXd::Constant(2, 12, u(rng));
        s.add_monthly(MonthlySource::solar_land, zone, {0, 3}, months);
        blocks.push_back(std::move(s));
    }
    ExactZoneSums one(zones, classes);
    for (const auto& b : blocks) one.add(b);
    const ZoneSums expected = one.rounded();
    for (int parts : {2, 3, 7}) {
        CAPTURE(parts);
        ExactZoneSums merged(zones, classes);
        for (int p = parts - 1; p >= 0; --p) {  // shards merged last to first
            ExactZoneSums shard(zones, classes);
            for (size_t b = 0; b < blocks.size(); ++b)
                if (int(b * parts / blocks.size()) == p) shard.add(blocks[b]);
            merged.add(ExactZoneSums::from_text(shard.to_text(), zones, classes));
        }
        const ZoneSums got = merged.rounded();
        for (int slot = 0; slot <= zones; ++slot) {
            for (int q = 0; q < q_count; ++q) CHECK(got.get(slot, Q(q)) == expected.get(slot, Q(q)));
            for (int m = 0; m < 12; ++m)
                CHECK(got.monthly(slot, MonthlySource::solar_land, m) == expected.monthly(slot, MonthlySource::solar_land, m));
            for (int k = -1; k < classes; ++k) CHECK(got.class_pixels(slot, k) == expected.class_pixels(slot, k));
        }
    }
    CHECK(expected.get(1, q_pixels) == 4 * 14);  // 14 blocks of zone 1, 4 pixels each
    CHECK(expected.class_pixels(2, 1) == 2 * 13);
    const std::string head = "repot-sums " + std::to_string(ExactZoneSums::kSumsLayout) + " " + std::to_string(q_count) + "\n";
    CHECK_NOTHROW(ExactZoneSums::from_text(head + "sum 1 0 0x1p+0\n", zones, classes));
    CHECK_THROWS(ExactZoneSums::from_text(head + "sum 9 0 0x1p+0\n", zones, classes));
    CHECK_THROWS(ExactZoneSums::from_text(head + "sum 1 0 nonsense\n", zones, classes));
    // Sums of another quantity layout (an older repot) are refused, not misread.
    CHECK_THROWS_WITH(ExactZoneSums::from_text("sum 1 0 0x1p+0\n", zones, classes),
                      doctest::Contains("another version of repot"));
    CHECK_THROWS(ExactZoneSums::from_text("repot-sums 1 44\nsum 1 0 0x1p+0\n", zones, classes));
}

TEST_CASE("ExactZoneSums: a block's fixed-point sum beyond 64 bits is added exactly") {
    // 8,192 runs of 4,096 pixels of 2^17 kWh on 1 m² pixels (quantum 2^-23 kWh: 2^52 quanta a run), plus
    // one pixel of a single quantum: 2^65 + 1 quanta = 2^42 + 2^-23 kWh, more bits than a double holds.
    // With -2^42 set through at(), the exact total is 2^-23 (a double sum of the two would give 0).
    ZoneSums block(1, 0, 1.0);
    const Eigen::ArrayXi z = Eigen::ArrayXi::Ones(4096);
    Eigen::ArrayXXd v = Eigen::ArrayXXd::Zero(4096, q_count);
    v.col(q_roof_plane_kwh).setConstant(std::ldexp(1.0, 17));
    for (int r = 0; r < 8192; ++r) block.add(z, v);
    v.col(q_roof_plane_kwh).setZero();
    v(0, q_roof_plane_kwh) = block.quantum(q_roof_plane_kwh);
    block.add(z, v);
    CHECK(block.fixed(1, q_roof_plane_kwh) == (__int128(1) << 65) + 1);
    block.at(1, q_roof_plane_kwh) = -std::ldexp(1.0, 42);
    ExactZoneSums total(1, 0);
    total.add(block);
    CHECK(total.rounded().get(1, q_roof_plane_kwh) == std::ldexp(1.0, -23));
}
