// sums_direct: a span's sums straight from the roof, GHI and land-use layers, against hand values and
// against the column kernels summed by ZoneSums::add.
#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "repot/accumulate.hpp"
#include "repot/landuse.hpp"
#include "repot/kernels.hpp"
#include "repot/quantities.hpp"
#include "repot/scenario.hpp"

using namespace repot;

namespace {

// n pixels of zone slot 1, 100 m² each, with roof, annual GHI and the flat-roof plane on the lattice.
Block roof_block(const Eigen::ArrayXd& roof, const Eigen::ArrayXd& ghi, const Eigen::ArrayXd& plane) {
    Block b;
    b.width = int(roof.size()), b.height = 1, b.pixel_area = 100, b.latitude_deg = 35.7;
    b.zone = Eigen::ArrayXi::Ones(roof.size());
    b.roof = roof, b.ghi_year = ghi, b.roof_plane_year = plane;
    return b;
}

// The column kernels on the whole block, every column summed (no plan: unwritten columns hold 0).
ZoneSums by_columns(const Block& b, int zones, const LandUseTable* classes = nullptr) {
    const Scenario sc;
    Columns out = Columns::Zero(b.size(), q_count);
    MonthlyEnergy monthly;
    const Span s{0, b.size()};
    coverage_kernel(b, s, out);
    solar_roof_kernel(b, s, sc.solar_roof, SkyContext{}, out, &monthly);
    if (classes) solar_land_kernel(b, s, sc.solar_land, *classes, SkyContext{}, out, &monthly);
    solar_heat_kernel(b, s, sc.solar_roof, sc.solar_heat, out);
    ground_heat_kernel(b, s, sc.ground_heat, classes, out);
    ZoneSums sums(zones, 0, b.pixel_area);
    sums.add(b.zone, out);
    return sums;
}

// Classes with every attribute the land sums use: 10 plain, 20 excluded, 30 existing PV with a built share
// (which only counts where roof data is missing: never in a span sums_direct takes).
LandUseTable test_classes() {
    return LandUseTable::parse("code,name,pv_fraction,gsh_fraction,excluded,existing_pv,built_share\n"
                               "10,open,0.25,0.5,0,0,0\n"
                               "20,water,0.5,0.5,1,0,0\n"
                               "30,solar farm,0,0.125,0,1,0.5\n",
                               "test classes");
}

// Runs of 1 to 700 pixels in zone slots 1..3.
Eigen::ArrayXi zone_runs(int n, std::mt19937_64& rng) {
    std::uniform_int_distribution<int> len(1, 700), slot(1, 3);
    Eigen::ArrayXi z(n);
    for (int i = 0; i < n;) {
        const int l = len(rng), k = slot(rng);
        for (int j = i; j < std::min(n, i + l); ++j) z(j) = k;
        i += l;
    }
    return z;
}

}  // namespace

TEST_CASE("sums_direct: a span's sums by hand") {
    Eigen::ArrayXd roof(3), ghi(3), plane(3);
    roof << 10, 0, 150;  // m² on 100 m² pixels: the last roof overhangs its pixel (no open ground)
    ghi << 1200, 1300, 1250;
    plane << 1300, 1400, 1350;
    const Block b = roof_block(roof, ghi, plane);
    ZoneSums sums(1, 0, b.pixel_area);
    MonthlyEnergy monthly;
    REQUIRE(sums_direct(b, Span{0, 3}, nullptr, sums, &monthly));
    CHECK(sums.get(1, q_pixels) == 3);
    CHECK(sums.get(1, q_roof_valid_px) == 3);
    CHECK(sums.get(1, q_ghi_valid_px) == 3);
    CHECK(sums.get(1, q_roof_pv_px) == 3);
    CHECK(sums.get(1, q_roof_px) == 2);  // roof > 0
    CHECK(sums.get(1, q_roof_face_px) == 2);
    CHECK(sums.get(1, q_ground_px) == 3);
    CHECK(sums.get(1, q_roof_area_m2) == 160);
    CHECK(sums.get(1, q_eligible_roof_m2) == 160);
    CHECK(sums.get(1, q_ghi_sum_kwh_m2) == 3750);
    CHECK(sums.get(1, q_roof_theoretical_kwh) == 10 * 1200 + 150 * 1250);  // 199,500 kWh
    CHECK(sums.get(1, q_roof_plane_kwh) == 10 * 1300 + 150 * 1350);        // 215,500 kWh
    CHECK(sums.get(1, q_roof_plane_included_kwh) == 215500);
    CHECK(sums.get(1, q_ground_open_m2) == 90 + 100 + 0);
    CHECK(sums.get(1, q_ground_field_m2) == 190);
    CHECK(sums.touched() == std::vector<int>{1});
    CHECK(monthly.weight == b.roof.data());  // the eligible roof is all the roof
    CHECK(monthly.rows.empty());
}

TEST_CASE("sums_direct equals the column kernels summed by ZoneSums::add, bit for bit") {
    // 5,000 pixels (not a multiple of the sums' eight lanes), roofs on 40 % of them, irregular values.
    const int n = 5000;
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    Eigen::ArrayXd roof(n), ghi(n), plane(n);
    for (int i = 0; i < n; ++i) {
        roof(i) = u(rng) < 0.4 ? 130.0 * u(rng) : 0.0;
        ghi(i) = 1100 + 300 * u(rng);
        plane(i) = ghi(i) * (1 + 0.2 * u(rng));
    }
    Block b = roof_block(roof, ghi, plane);
    b.zone = zone_runs(n, rng);  // several zones in a span: zone by zone
    ZoneSums direct(3, 0, b.pixel_area);
    REQUIRE(sums_direct(b, Span{0, n}, nullptr, direct));
    const ZoneSums columns = by_columns(b, 3);
    for (int slot = 0; slot <= 3; ++slot)
        for (int q = 0; q < q_count; ++q) {
            INFO("slot ", slot, ", quantity ", q);
            CHECK(direct.fixed(slot, Q(q)) == columns.fixed(slot, Q(q)));
        }
    for (int slot = 1; slot <= 3; ++slot) CHECK(direct.get(slot, q_roof_plane_kwh) > 0);
    // In two spans added one after the other: the same bits (fixed point does not depend on grouping).
    ZoneSums halves(3, 0, b.pixel_area);
    REQUIRE(sums_direct(b, Span{0, 1234}, nullptr, halves));
    REQUIRE(sums_direct(b, Span{1234, n - 1234}, nullptr, halves));
    for (int slot = 0; slot <= 3; ++slot)
        for (int q = 0; q < q_count; ++q) CHECK(halves.fixed(slot, Q(q)) == direct.fixed(slot, Q(q)));
}

TEST_CASE("sums_direct leaves a span with a missing value or other layers to the column kernels") {
    Eigen::ArrayXd roof(4), ghi(4), plane(4);
    roof << 10, 20, 30, 40;
    ghi << 1200, 1200, 1200, 1200;
    plane << 1300, 1300, 1300, 1300;
    ZoneSums sums(1, 0, 100);
    SUBCASE("a pixel without roof data") {
        Block b = roof_block(roof, ghi, plane);
        b.roof(2) = NAN;
        CHECK_FALSE(sums_direct(b, Span{0, 4}, nullptr, sums));
        CHECK(sums_direct(b, Span{0, 2}, nullptr, sums));  // the span before it is complete
    }
    SUBCASE("a pixel without GHI") {
        Block b = roof_block(roof, ghi, plane);
        b.ghi_year(0) = NAN;
        CHECK_FALSE(sums_direct(b, Span{0, 4}, nullptr, sums));
        CHECK(sums.touched().empty());
    }
    SUBCASE("other layers or no plane on the lattice") {
        Block b = roof_block(roof, ghi, plane);
        b.shade = Eigen::ArrayXd::Ones(4);
        CHECK_FALSE(sums_direct(b, Span{0, 4}, nullptr, sums));
        b = roof_block(roof, ghi, plane);
        b.landuse = Eigen::ArrayXi::Zero(4);
        CHECK_FALSE(sums_direct(b, Span{0, 4}, nullptr, sums));
        b = roof_block(roof, ghi, plane);
        b.population = Eigen::ArrayXd::Ones(4);
        CHECK_FALSE(sums_direct(b, Span{0, 4}, nullptr, sums));
        b = roof_block(roof, ghi, Eigen::ArrayXd());
        CHECK_FALSE(sums_direct(b, Span{0, 4}, nullptr, sums));
        CHECK(sums.touched().empty());
    }
}

TEST_CASE("sums_direct with land use: classes, open ground and existing PV by hand") {
    // 100 m² pixels:   roof  GHI   plane(land)  class
    //   0              20    1000  1100         10 open          (pv 0.25, gsh 0.5)
    //   1              0     1200  1300         10 open
    //   2              10    1000  1100         20 water         (excluded)
    //   3              0     1000  1100         -1 none
    //   4              30    1000  1100         30 solar farm    (pv 0, gsh 0.125, existing, built 0.5)
    Eigen::ArrayXd roof(5), ghi(5), plane(5);
    roof << 20, 0, 10, 0, 30;
    ghi << 1000, 1200, 1000, 1000, 1000;
    plane << 1000, 1200, 1000, 1000, 1000;  // the roof plane: not checked here
    Block b = roof_block(roof, ghi, plane);
    b.land_plane_year.resize(5);
    b.land_plane_year << 1100, 1300, 1100, 1100, 1100;
    b.landuse.resize(5);
    b.landuse << 0, 0, 1, -1, 2;  // table indices of 10, 10, 20, none, 30
    const LandUseTable t = test_classes();
    ZoneSums sums(1, 2, b.pixel_area);
    MonthlyEnergy roof_monthly, land_monthly;
    REQUIRE(sums_direct(b, Span{0, 5}, &t, sums, &roof_monthly, &land_monthly));
    CHECK(sums.get(1, q_landuse_valid_px) == 4);
    CHECK(sums.get(1, q_land_pv_px) == 4);      // a known class
    CHECK(sums.get(1, q_ground_px) == 4);
    CHECK(sums.get(1, q_land_px) == 3);         // not excluded: 0, 1, 4
    CHECK(sums.get(1, q_land_area_m2) == 300);
    CHECK(sums.get(1, q_existing_pv_m2) == 100);
    CHECK(sums.get(1, q_land_theoretical_kwh) == 100 * (1000 + 1200 + 1000));  // H × 100 m² on land
    // Open ground on land: 80, 100, and for the solar farm 100 − 30 = 70 (roof data, not the built share).
    CHECK(sums.get(1, q_ground_open_m2) == 80 + 100 + 70);
    CHECK(sums.get(1, q_ground_field_m2) == 80 * 0.5 + 100 * 0.5 + 70 * 0.125);  // 98.75
    // Panels: open × pv fraction = 20 and 25 m² (the solar farm's PV exists already), on 1100 and 1300 kWh/m².
    CHECK(sums.get(1, q_land_panel_m2) == 20 + 25);
    CHECK(sums.get(1, q_land_plane_kwh) == 20 * 1100 + 25 * 1300);  // 54,500 kWh
    CHECK(sums.get(1, q_land_plane_usable_kwh) == 54500);
    CHECK(sums.get(1, q_roof_missing_built_px) == 0);  // every pixel has roof data
    REQUIRE(land_monthly.weight != nullptr);
    const double panels[] = {20, 25, 0, 0, 0};
    for (int i = 0; i < 5; ++i) CHECK(land_monthly.weight[i] == panels[i]);
    CHECK(roof_monthly.weight == b.roof.data());
}

TEST_CASE("sums_direct with land use equals the column kernels summed by ZoneSums::add, bit for bit") {
    // 6,000 pixels in class runs of 1 to 150 pixels (every class and none), roofs on 40 % of them, some
    // larger than their pixel.
    const int n = 6000;
    std::mt19937_64 rng(11);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    Eigen::ArrayXd roof(n), ghi(n), plane(n);
    Eigen::ArrayXi cls(n);
    for (int i = 0; i < n;) {
        const int k = int(u(rng) * 4) - 1, len = 1 + int(u(rng) * 150);
        for (int j = i; j < std::min(n, i + len); ++j) cls(j) = k;
        i += len;
    }
    for (int i = 0; i < n; ++i) {
        roof(i) = u(rng) < 0.4 ? 130.0 * u(rng) : 0.0;
        ghi(i) = 1100 + 300 * u(rng);
        plane(i) = ghi(i) * (1 + 0.2 * u(rng));
    }
    Block b = roof_block(roof, ghi, plane);
    b.zone = zone_runs(n, rng);
    b.landuse = cls;
    b.land_plane_year = ghi * 1.05;
    const LandUseTable t = test_classes();
    ZoneSums direct(3, 0, b.pixel_area);
    MonthlyEnergy roof_monthly, land_monthly;
    REQUIRE(sums_direct(b, Span{0, n}, &t, direct, &roof_monthly, &land_monthly));
    const ZoneSums columns = by_columns(b, 3, &t);
    for (int slot = 0; slot <= 3; ++slot)
        for (int q = 0; q < q_count; ++q) {
            INFO("slot ", slot, ", quantity ", q);
            CHECK(direct.fixed(slot, Q(q)) == columns.fixed(slot, Q(q)));
        }
    CHECK(direct.get(1, q_land_plane_kwh) > 0);
    CHECK(direct.get(1, q_existing_pv_m2) > 0);
    // The land monthly weight is each pixel's panel ground, as the land kernel's column holds it.
    Columns out = Columns::Zero(n, q_count);
    solar_land_kernel(b, Span{0, n}, Scenario().solar_land, t, SkyContext{}, out);
    for (int i = 0; i < n; ++i) REQUIRE(land_monthly.weight[i] == out(i, q_land_panel_m2));
    // Without the land plane on the lattice, or without a table for the classes: the column kernels.
    ZoneSums none(3, 0, b.pixel_area);
    CHECK_FALSE(sums_direct(b, Span{0, n}, nullptr, none));
    b.land_plane_year.resize(0);
    CHECK_FALSE(sums_direct(b, Span{0, n}, &t, none));
    CHECK(none.touched().empty());
}
