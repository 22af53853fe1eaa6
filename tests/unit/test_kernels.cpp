// Roof and land PV kernels (method.md §3, §4) on blocks of a few pixels, against values worked out
// by hand below. The in-plane irradiation is made hand-computable by putting the panels flat
// (tilt 0): a horizontal plane receives exactly the GHI (Rb = 1, sky view (1 + cos 0)/2 = 1,
// ground term rho_g (1 - cos 0)/2 = 0), so H_A = Σ_m H_m whatever the diffuse share.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <limits>

#include "repot/kernels.hpp"
#include "repot/landuse.hpp"
#include "repot/quantities.hpp"
#include "repot/scenario.hpp"
#include "repot/solar_geometry.hpp"

using namespace repot;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kLat = 35.7;

// A monthly GHI profile in kWh/m² per month; annual total written out:
// 50+60+90+110+130+120+140+150+110+80+60+50 = 1150 kWh/m²/yr.
constexpr std::array<double, 12> kMonthly{50, 60, 90, 110, 130, 120, 140, 150, 110, 80, 60, 50};
constexpr double kAnnual = 1150;

const solar::TranspositionTable& table() {
    static const solar::TranspositionTable t(kLat, 0.2);
    return t;
}

SkyContext sky() { return SkyContext{solar::MonthlySky::at(kLat), &table()}; }

// Block of n pixels in one row, 10 m pixels, every pixel with the profile scaled by `scale[i]`
// (NaN scale: the pixel has no GHI).
Block make_block(const std::vector<double>& roof, const std::vector<double>& scale) {
    Block b;
    const int n = int(roof.size());
    b.width = n;
    b.height = 1;
    b.pixel_area = 100;
    b.latitude_deg = kLat;
    b.zone = Eigen::ArrayXi::Ones(n);
    b.roof = Eigen::Map<const Eigen::ArrayXd>(roof.data(), n);
    b.ghi.resize(n, 12);
    for (int i = 0; i < n; ++i)
        for (int m = 0; m < 12; ++m) b.ghi(i, m) = kMonthly[m] * scale[size_t(i)];
    b.ghi_year = b.ghi.rowwise().sum();
    return b;
}

Columns run_roof(const Block& b, const SolarRoofParams& p) {
    Columns out = Columns::Zero(b.size(), q_count);
    solar_roof_kernel(b, Span{0, b.size()}, p, sky(), out);
    return out;
}

Columns run_land(const Block& b, const SolarLandParams& p, const LandUseTable& t) {
    Columns out = Columns::Zero(b.size(), q_count);
    solar_land_kernel(b, Span{0, b.size()}, p, t, sky(), out);
    return out;
}

SolarRoofParams flat_roof_params() {
    SolarRoofParams p;  // defaults of method.md §3
    p.flat_panel_tilt_deg = 0;
    return p;
}

SolarLandParams flat_land_params() {
    SolarLandParams p;  // defaults of method.md §4
    p.panel_tilt_deg = 0;
    return p;
}

// The zone-level tiers of one pixel taken as a zone (kernels.hpp: the linear parameters apply to sums).
PvTiers roof_pv(const Columns& out, int i, const SolarRoofParams& p) {
    return solar_roof_zone(out(i, q_eligible_roof_m2), out(i, q_roof_plane_kwh), out(i, q_roof_plane_included_kwh), p);
}
PvTiers land_pv(const Columns& out, int i, const SolarLandParams& p) {
    return solar_land_zone(out(i, q_land_panel_m2), out(i, q_land_plane_kwh), out(i, q_land_plane_usable_kwh), p);
}

Eigen::ArrayXd arr(std::initializer_list<double> v) {
    Eigen::ArrayXd a(Eigen::Index(v.size()));
    Eigen::Index i = 0;
    for (double x : v) a(i++) = x;
    return a;
}

}  // namespace

TEST_CASE("kernels: a horizontal panel receives exactly the GHI (premise of the hand values)") {
    Eigen::ArrayXXd ghi(2, 12);
    for (int m = 0; m < 12; ++m) ghi(0, m) = kMonthly[m], ghi(1, m) = 2 * kMonthly[m];
    Eigen::ArrayXd ha = solar::inplane_fixed_plane(ghi, solar::MonthlySky::at(kLat), table(), 0, 180);
    CHECK(ha(0) == doctest::Approx(kAnnual).epsilon(1e-12));
    CHECK(ha(1) == doctest::Approx(2 * kAnnual).epsilon(1e-12));
}

TEST_CASE("roof_eligible: slope, north-facing and shade rules of method.md §3") {
    // case:                 a     b    c    d    e    f    g    h    i     j    k    l     m
    Eigen::ArrayXd slope = arr({65, 20, 10, 30, 30, 30, 20, 20, 59.9, 60, 15, 14.9, 2});
    Eigen::ArrayXd aspect = arr({180, 10, 10, 90, 180, 180, 350, 270, 180, 180, 0, 0, 0});
    Eigen::ArrayXd shade = arr({1, 1, 1, 1, 0.6, 0.70, 1, 1, 1, 1, 1, 1, 1});
    Eigen::ArrayXd e = roof_eligible(slope, aspect, shade, SolarRoofParams{});
    REQUIRE(e.size() == 13);
    CHECK(e(0) == 0);   // a: 65° >= 60°: too steep
    CHECK(e(1) == 0);   // b: aspect 10° is within 90° of north and 20° >= 15°: steep north face
    CHECK(e(2) == 1);   // c: north face but 10° < 15°: eligible
    CHECK(e(3) == 1);   // d: east (90° from north): "within 90°" is strict, eligible
    CHECK(e(4) == 0);   // e: shade 0.6 < 0.70
    CHECK(e(5) == 1);   // f: shade 0.70 >= 0.70
    CHECK(e(6) == 0);   // g: aspect 350° is 10° from north (wraps around 360°), 20° steep
    CHECK(e(7) == 1);   // h: west (270°) is 90° from north: eligible
    CHECK(e(8) == 1);   // i: 59.9° < 60°
    CHECK(e(9) == 0);   // j: 60° is not < 60°
    CHECK(e(10) == 0);  // k: due north at exactly 15°: 15 >= 15
    CHECK(e(11) == 1);  // l: due north at 14.9°
    CHECK(e(12) == 1);  // m: flat roof facing north
}

TEST_CASE("solar_roof_kernel without slope data: theoretical, capacity, technical, usable by hand") {
    // px0: R = 40 m², H = 1150, inclusion 1
    // px1: R = 10 m², H = 2 × 1150 = 2300, inclusion 0.5
    // px2: R = NaN (no roof data)           -> contributes nothing
    // px3: R = 25 m², GHI NaN                -> contributes nothing
    // px4: R = 0 m², H = 1150                -> valid pixel, zero energy
    Block b = make_block({40, 10, kNaN, 25, 0}, {1, 2, 1, kNaN, 1});
    b.inclusion = arr({1, 0.5, 1, 1, 1});
    const SolarRoofParams p = flat_roof_params();
    Columns out = run_roof(b, p);

    // q_roof_pv_px: 1 where every roof-PV layer has a value.
    CHECK(out(0, q_roof_pv_px) == 1);
    CHECK(out(1, q_roof_pv_px) == 1);
    CHECK(out(2, q_roof_pv_px) == 0);
    CHECK(out(3, q_roof_pv_px) == 0);
    CHECK(out(4, q_roof_pv_px) == 1);

    // theoretical E_th = H · R (kWh)
    CHECK(out(0, q_roof_theoretical_kwh) == doctest::Approx(1150.0 * 40));  // 46,000
    CHECK(out(1, q_roof_theoretical_kwh) == doctest::Approx(2300.0 * 10));  // 23,000
    // eligible roof: without slope data every roof is flat and, without shade data, eligible
    CHECK(out(0, q_eligible_roof_m2) == doctest::Approx(40));
    CHECK(out(1, q_eligible_roof_m2) == doctest::Approx(10));
    // in-plane irradiation on it, H_A = H (flat panel): 40 · 1150 = 46,000 and 10 · 2300 = 23,000 kWh;
    // with inclusion 0.5 on px1: 11,500
    CHECK(out(0, q_roof_plane_kwh) == 46000);
    CHECK(out(1, q_roof_plane_kwh) == 23000);
    CHECK(out(0, q_roof_plane_included_kwh) == 46000);
    CHECK(out(1, q_roof_plane_included_kwh) == 11500);
    // per zone: capacity P = R_elig · 0.80 · 0.167: 40 · 0.1336 = 5.344 kW, 10 · 0.1336 = 1.336 kW
    CHECK(roof_pv(out, 0, p).capacity_kw == doctest::Approx(5.344).epsilon(1e-12));
    CHECK(roof_pv(out, 1, p).capacity_kw == doctest::Approx(1.336).epsilon(1e-12));
    // technical P · H_A · 0.88 with H_A = H (flat panel):
    //   5.344 · 1150 · 0.88 = 5.344 · 1012 = 5408.128 kWh;  1.336 · 2300 · 0.88 = 1.336 · 2024 = 2704.064 kWh
    CHECK(roof_pv(out, 0, p).technical_kwh == doctest::Approx(5408.128).epsilon(1e-12));
    CHECK(roof_pv(out, 1, p).technical_kwh == doctest::Approx(2704.064).epsilon(1e-12));
    // usable = technical · 0.85 · inclusion: 5408.128 · 0.85 = 4596.9088;  2704.064 · 0.85 · 0.5 = 1149.2272
    CHECK(roof_pv(out, 0, p).usable_kwh == doctest::Approx(4596.9088).epsilon(1e-12));
    CHECK(roof_pv(out, 1, p).usable_kwh == doctest::Approx(1149.2272).epsilon(1e-12));

    // Pixels lacking roof or GHI contribute exactly 0, never NaN.
    for (int px : {2, 3})
        for (Q q : {q_roof_theoretical_kwh, q_eligible_roof_m2, q_roof_plane_kwh, q_roof_plane_included_kwh}) {
            CAPTURE(px);
            CAPTURE(int(q));
            CHECK(out(px, q) == 0);
        }
    for (Q q : {q_roof_theoretical_kwh, q_roof_plane_kwh, q_roof_plane_included_kwh}) CHECK(out(4, q) == 0);
    CHECK_FALSE(out.isNaN().any());
}

TEST_CASE("zone-level PV tiers: the linear parameters applied to the zone sums, by hand") {
    SolarRoofParams r;  // 0.80 · 0.167 · 0.88 = 0.117568 kWh per kWh of in-plane irradiation; × 0.85 = 0.0999328
    CHECK(roof_technical_factor(r) == doctest::Approx(0.117568).epsilon(1e-12));
    CHECK(roof_usable_factor(r) == doctest::Approx(0.0999328).epsilon(1e-12));
    // 50 m² eligible receiving 69,000 kWh (57,500 within inclusion): 6.68 kW, 8112.192 kWh, 5746.136 kWh
    const PvTiers z = solar_roof_zone(50, 69000, 57500, r);
    CHECK(z.capacity_kw == doctest::Approx(6.68).epsilon(1e-12));
    CHECK(z.technical_kwh == doctest::Approx(8112.192).epsilon(1e-12));
    CHECK(z.usable_kwh == doctest::Approx(5746.136).epsilon(1e-12));
    SolarLandParams l;  // 0.05 · 0.88 = 0.044
    CHECK(land_technical_factor(l) == doctest::Approx(0.044).epsilon(1e-12));
    const PvTiers g = solar_land_zone(24, 27600, 13800, l);  // 1.2 kW, 1214.4 kWh, 607.2 kWh
    CHECK(g.capacity_kw == doctest::Approx(1.2).epsilon(1e-12));
    CHECK(g.technical_kwh == doctest::Approx(1214.4).epsilon(1e-12));
    CHECK(g.usable_kwh == doctest::Approx(607.2).epsilon(1e-12));
}

TEST_CASE("solar_roof_kernel without an inclusion layer: inclusion is 1") {
    Block b = make_block({40}, {1});
    Columns out = run_roof(b, flat_roof_params());
    // 5408.128 · 0.85 = 4596.9088 (as above, inclusion 1)
    CHECK(out(0, q_roof_plane_included_kwh) == out(0, q_roof_plane_kwh));
    CHECK(roof_pv(out, 0, flat_roof_params()).usable_kwh == doctest::Approx(4596.9088).epsilon(1e-12));
}

TEST_CASE("solar_roof_kernel: shade scales the yield of the faces it keeps, never the theoretical tier") {
    // A flat roof (2°) of 16 m² with shade 0.8 under H = 1150 kWh/m², panels at the flat tilt 0 (H_A = H):
    // P = 16 · 0.8 · 0.167 = 2.1376 kW; technical = P · s · H_A · K = 2.1376 · 0.8 · 1150 · 0.88 = 1730.60096 kWh;
    // collectors 16 · 0.8 = 12.8 m² receive 12.8 · 0.8 · 1150 = 11776 kWh; theoretical H · R = 18400 kWh.
    Block b = make_block({16}, {1});
    b.slope = arr({2});
    b.aspect = arr({0});
    b.shade = arr({0.8});
    const SolarRoofParams p = flat_roof_params();
    Columns out = run_roof(b, p);
    CHECK(out(0, q_roof_theoretical_kwh) == doctest::Approx(18400).epsilon(1e-12));
    CHECK(out(0, q_roof_plane_kwh) == doctest::Approx(16 * 0.8 * 1150).epsilon(1e-12));  // 14,720 kWh
    CHECK(roof_pv(out, 0, p).technical_kwh == doctest::Approx(1730.60096).epsilon(1e-12));
    CHECK(roof_pv(out, 0, p).usable_kwh == doctest::Approx(1730.60096 * 0.85).epsilon(1e-12));
    CHECK(out(0, q_roof_plane_kwh) * p.coverage == doctest::Approx(11776).epsilon(1e-12));  // on the collectors
    CHECK(out(0, q_eligible_roof_m2) * p.coverage == doctest::Approx(12.8).epsilon(1e-12));
}

TEST_CASE("solar_roof_kernel with slope, aspect and shade layers: eligible area per pixel") {
    // Same cases as roof_eligible, now through the kernel: q_eligible_roof_m2 = eligible · R.
    //   px  slope aspect shade   R    eligible
    //   0    65    180    1      11   no  (too steep)
    //   1    20     10    1      12   no  (steep north face)
    //   2    10     10    1      13   yes (north face below 15°)
    //   3    30     90    1      14   yes (east)
    //   4    30    180    0.6    15   no  (shade)
    //   5     2      0    1      16   yes (flat: panel at flat_panel_tilt_deg = 0, H_A = H)
    //   6   NaN    180    1      17   no slope: theoretical tier only
    //   7    30    180  NaN      18   no shade: theoretical tier only
    Block b = make_block({11, 12, 13, 14, 15, 16, 17, 18}, {1, 1, 1, 1, 1, 1, 1, 1});
    b.slope = arr({65, 20, 10, 30, 30, 2, kNaN, 30});
    b.aspect = arr({180, 10, 10, 90, 180, 0, 180, 180});
    b.shade = arr({1, 1, 1, 1, 0.6, 1, 1, kNaN});
    const SolarRoofParams p = flat_roof_params();
    Columns out = run_roof(b, p);

    const double expected_eligible[] = {0, 0, 13, 14, 0, 16, 0, 0};
    const double expected_pv_px[] = {1, 1, 1, 1, 1, 1, 1, 1};  // roof and GHI: all in the theoretical tier
    const double expected_face_px[] = {1, 1, 1, 1, 1, 1, 0, 0};  // every screening layer has a value
    const double expected_slope_px[] = {1, 1, 1, 1, 1, 1, 0, 1}, expected_shade_px[] = {1, 1, 1, 1, 1, 1, 1, 0};
    for (int i = 0; i < 8; ++i) {
        CAPTURE(i);
        CHECK(out(i, q_eligible_roof_m2) == expected_eligible[i]);
        CHECK(out(i, q_roof_pv_px) == expected_pv_px[i]);
        CHECK(out(i, q_roof_px) == 1);
        CHECK(out(i, q_roof_face_px) == expected_face_px[i]);
        CHECK(out(i, q_roof_slope_valid_px) == expected_slope_px[i]);
        CHECK(out(i, q_roof_aspect_valid_px) == 1);
        CHECK(out(i, q_roof_shade_valid_px) == expected_shade_px[i]);
        // capacity = R_elig · 0.8 · 0.167
        CHECK(roof_pv(out, i, p).capacity_kw == doctest::Approx(expected_eligible[i] * 0.8 * 0.167).epsilon(1e-12));
        // theoretical does not depend on eligibility: H · R = 1150 R on every valid pixel
        CHECK(out(i, q_roof_theoretical_kwh) == doctest::Approx(expected_pv_px[i] * 1150.0 * (11 + i)));
    }
    // Ineligible faces carry no panels: technical and usable are 0.
    for (int i : {0, 1, 4, 6, 7}) {
        CAPTURE(i);
        CHECK(out(i, q_roof_plane_kwh) == 0);
        CHECK(out(i, q_roof_plane_included_kwh) == 0);
    }
    // The flat roof (2° < 3°) carries a panel at the flat tilt (0 here): H_A = 1150.
    // P = 16 · 0.8 · 0.167 = 2.1376 kW; technical = 2.1376 · 1150 · 0.88 = 2.1376 · 1012 = 2163.2512 kWh
    CHECK(roof_pv(out, 5, p).technical_kwh == doctest::Approx(2163.2512).epsilon(1e-9));
    // usable = 2163.2512 · 0.85 = 1838.76352
    CHECK(roof_pv(out, 5, p).usable_kwh == doctest::Approx(1838.76352).epsilon(1e-9));
    // Sloped eligible faces get some positive energy (their in-plane value is not hand-computable).
    CHECK(out(2, q_roof_plane_kwh) > 0);
    CHECK(out(3, q_roof_plane_kwh) > 0);
    CHECK_FALSE(out.isNaN().any());
}

TEST_CASE("solar_roof_kernel: a flat roof without aspect (undefined on flat faces) still carries panels") {
    // method.md §3: flat roofs (β < 3°) carry panels facing south at the flat tilt, so their aspect is
    // not used. The roof-slope preparation (src/prepare/dsm_slope.cpp) writes nodata aspect where the
    // surface is exactly flat, so a flat roof with a NaN aspect must count like any flat roof.
    //   px0: slope 1°, aspect NaN, R = 16 m²;  px1: slope 1°, aspect 0°, R = 16 m² (the same roof with an aspect)
    Block b = make_block({16, 16}, {1, 1});
    b.slope = arr({1, 1});
    b.aspect = arr({kNaN, 0});
    Columns out = run_roof(b, flat_roof_params());
    for (int i = 0; i < 2; ++i) {
        CAPTURE(i);
        CHECK(out(i, q_roof_pv_px) == 1);
        CHECK(out(i, q_roof_theoretical_kwh) == doctest::Approx(1150.0 * 16));  // H · R = 18,400
        CHECK(out(i, q_eligible_roof_m2) == 16);
        // 16 · 0.8 · 0.167 = 2.1376 kW; · 1150 · 0.88 = 2163.2512 kWh
        CHECK(roof_pv(out, i, flat_roof_params()).technical_kwh == doctest::Approx(2163.2512).epsilon(1e-9));
    }
}

TEST_CASE("solar_roof_kernel works on a span inside a block") {
    // The same pixel at offset 2 of a 4-pixel block: only the span's rows are written.
    Block b = make_block({kNaN, kNaN, 40, kNaN}, {1, 1, 1, 1});
    Columns out = Columns::Zero(1, q_count);
    solar_roof_kernel(b, Span{2, 1}, flat_roof_params(), sky(), out);
    CHECK(out(0, q_roof_pv_px) == 1);
    CHECK(roof_pv(out, 0, flat_roof_params()).technical_kwh == doctest::Approx(5408.128).epsilon(1e-12));
}

TEST_CASE("solar_land_kernel: classes, open ground, terrain slope and inclusion by hand") {
    LandUseTable t = LandUseTable::l03b_default();
    const int wasteland = t.index_of(600), paddy = t.index_of(100), other = t.index_of(1000), river = t.index_of(1100);
    REQUIRE(wasteland >= 0);
    REQUIRE(paddy >= 0);
    REQUIRE(other >= 0);
    REQUIRE(river >= 0);
    // Default pv_fraction (datasets/landuse/l03b_classes.csv): 600 → 0.30, 100 → 0.05, 1000 → 0.10; 1100 excluded.
    //   px class      roof  terrain inclusion GHI
    //   0  600        20    5       1         1150
    //   1  600        NaN   25      1         1150
    //   2  1100 (ex)  0     0       1         1150
    //   3  100        0     19.9    0.5       1150
    //   4  1000       30    20      1         1150
    //   5  -1 (none)  0     0       1         1150
    //   6  600        0     0       1         NaN
    //   7  600        150   0       1         1150   (roof larger than the pixel: open ground 0)
    Block b = make_block({20, kNaN, 0, 0, 30, 0, 0, 150}, {1, 1, 1, 1, 1, 1, kNaN, 1});
    b.landuse.resize(8);
    b.landuse << wasteland, wasteland, river, paddy, other, -1, wasteland, wasteland;
    b.terrain_slope = arr({5, 25, 0, 19.9, 20, 0, 0, 0});
    b.inclusion = arr({1, 1, 1, 0.5, 1, 1, 1, 1});
    const SolarLandParams p = flat_land_params();
    Columns out = run_land(b, p, t);

    // Valid land-PV pixels: a class, a GHI and a terrain slope.
    const double pv_px[] = {1, 1, 1, 1, 1, 0, 0, 1};
    // Land (not excluded) pixels: area A_px = 100 m², theoretical H · A_px = 1150 · 100 = 115,000 kWh.
    const double land[] = {1, 1, 0, 1, 1, 0, 0, 1};
    // capacity = (A_px − R) · pv_fraction · 0.05 kW/m²:
    //   px0 (100 − 20) · 0.30 · 0.05 = 1.2;  px1 (100 − 0) · 0.30 · 0.05 = 1.5 (no roof data: R = 0)
    //   px3 100 · 0.05 · 0.05 = 0.25;        px4 (100 − 30) · 0.10 · 0.05 = 0.35;  px7 max(100 − 150, 0) = 0
    const double capacity[] = {1.2, 1.5, 0, 0.25, 0.35, 0, 0, 0};
    // technical = P · H_A · 0.88 with H_A = 1150 (flat panel): P · 1012
    //   1.2 · 1012 = 1214.4;  1.5 · 1012 = 1518;  0.25 · 1012 = 253;  0.35 · 1012 = 354.2
    const double technical[] = {1214.4, 1518, 0, 253, 354.2, 0, 0, 0};
    // usable = technical · inclusion · (terrain < 20°):
    //   px0 1214.4;  px1 terrain 25 → 0;  px3 253 · 0.5 = 126.5;  px4 terrain exactly 20 → 0
    const double usable[] = {1214.4, 0, 0, 126.5, 0, 0, 0, 0};
    for (int i = 0; i < 8; ++i) {
        CAPTURE(i);
        CHECK(out(i, q_land_pv_px) == pv_px[i]);
        CHECK(out(i, q_land_area_m2) == doctest::Approx(100 * land[i]));
        CHECK(out(i, q_land_theoretical_kwh) == doctest::Approx(115000 * land[i]).epsilon(1e-12));
        CHECK(out(i, q_land_panel_m2) == doctest::Approx(capacity[i] / 0.05).epsilon(1e-12));
        CHECK(land_pv(out, i, p).capacity_kw == doctest::Approx(capacity[i]).epsilon(1e-12));
        CHECK(land_pv(out, i, p).technical_kwh == doctest::Approx(technical[i]).epsilon(1e-12));
        CHECK(land_pv(out, i, p).usable_kwh == doctest::Approx(usable[i]).epsilon(1e-12));
    }
    CHECK_FALSE(out.isNaN().any());
}

TEST_CASE("solar_land_kernel without terrain slope: no slope restriction") {
    LandUseTable t = LandUseTable::l03b_default();
    Block b = make_block({20}, {1});
    b.landuse.resize(1);
    b.landuse << t.index_of(600);
    Columns out = run_land(b, flat_land_params(), t);
    // (100 − 20) · 0.30 · 0.05 = 1.2 kW; 1.2 · 1150 · 0.88 = 1214.4 kWh, all usable (no inclusion, no slope)
    CHECK(land_pv(out, 0, flat_land_params()).usable_kwh == doctest::Approx(1214.4).epsilon(1e-12));
}

TEST_CASE("roof kernel: monthly GHI kept only on roofs (ghi_row), in a span that starts mid-block") {
    // Pixels 0..5, roofs on 1, 3 and 4; the span is pixels 2..5, so its monthly rows are those of
    // pixels 3 and 4 only, numbered 0 and 1 from the span's first roof (as the engine fills them).
    // Flat panels (tilt 0): H_A = Σ_m H_m = 1150 · scale. Technical = roof · coverage · density ·
    // H_A · design factor.
    const std::vector<double> roof{0, 20, 0, 30, 10, 0}, scale{1, 1, 1, 1.2, 0.9, 1};
    Block b = make_block(roof, scale);
    Eigen::ArrayXXd monthly(2, 12);
    for (int m = 0; m < 12; ++m) monthly(0, m) = kMonthly[m] * 1.2, monthly(1, m) = kMonthly[m] * 0.9;
    b.ghi = monthly;
    b.ghi_row.resize(6);
    b.ghi_row << -1, -1, -1, 0, 1, -1;
    const SolarRoofParams p = flat_roof_params();
    Columns out = Columns::Zero(4, q_count);
    solar_roof_kernel(b, Span{2, 4}, p, sky(), out);
    const double k = p.coverage * p.density_kw_m2 * p.design_factor;
    CHECK(out(0, q_roof_plane_kwh) == 0);
    CHECK(roof_pv(out, 1, p).technical_kwh == doctest::Approx(30 * k * 1150 * 1.2));
    CHECK(roof_pv(out, 2, p).technical_kwh == doctest::Approx(10 * k * 1150 * 0.9));
    CHECK(out(3, q_roof_plane_kwh) == 0);
    CHECK(out(1, q_roof_plane_kwh) == doctest::Approx(30 * 1150 * 1.2));
    CHECK(out(1, q_roof_theoretical_kwh) == doctest::Approx(30 * 1150 * 1.2));
}

TEST_CASE("equal columns: every column the plan derives equals its source column, or 1, pixel by pixel") {
    // The kernels on blocks with and without each layer the rules depend on; pixels with and without
    // roof, GHI, class and screening values, so a rule that held by accident on full data would fail;
    // roof, GHI and land use also complete (a value at every pixel), which coverage_kernel must tell; with
    // and without a roof layer.
    const LandUseTable t = LandUseTable::l03b_default();
    const int wasteland = t.index_of(600), river = t.index_of(1100), paddy = t.index_of(100);
    for (int layers = 0; layers < 256; ++layers) {
        const bool classes = layers & 1, sloped = layers & 2, inclusion = layers & 4, terrain = layers & 8;
        const bool roof_complete = layers & 16, ghi_complete = layers & 32, landuse_complete = layers & 64;
        const bool roof = !(layers & 128);
        CAPTURE(layers);
        Block b = make_block({20, roof_complete ? 3 : kNaN, 0, 35, 150, 0, 7},
                             {1, 1, ghi_complete ? 0.9 : kNaN, 0.8, 1, 1.2, 1});
        if (!roof) b.roof.resize(0);
        if (classes)
            b.landuse = (Eigen::ArrayXi(7) << wasteland, landuse_complete ? river : -1, river, paddy, wasteland, paddy,
                         landuse_complete ? paddy : -1).finished();
        if (sloped) {
            b.slope = arr({10, 30, kNaN, 50, 0, 20, 5});
            b.aspect = arr({180, 0, 90, kNaN, 270, 200, 10});
            b.shade = arr({1, 0.5, kNaN, 0.9, 1, 0.2, 0.7});
        }
        if (inclusion) {
            b.inclusion = arr({1, 0.5, 0, 1, kNaN, 1, 0.25});
            b.inclusion_valid = arr({1, 1, 1, 1, 0, 1, 1});
            b.inclusion_layers = 1;
        }
        if (terrain) b.terrain_slope = arr({5, kNaN, 40, 10, 0, 25, 3});
        Columns out = Columns::Constant(b.size(), q_count, kNaN);
        const Span s{0, b.size()};
        const Scenario sc;
        const CompleteLayers complete = coverage_kernel(b, s, out);
        CHECK(complete.roof == (roof && roof_complete));
        CHECK(complete.ghi == ghi_complete);
        CHECK(complete.landuse == (classes && landuse_complete));
        solar_roof_kernel(b, s, sc.solar_roof, sky(), out);
        if (classes) solar_land_kernel(b, s, sc.solar_land, t, sky(), out);
        solar_heat_kernel(b, s, sc.solar_roof, sc.solar_heat, out);
        ground_heat_kernel(b, s, sc.ground_heat, classes ? &t : nullptr, out);
        ColumnPlan plan;
        plan_equal_columns(b, classes, complete, plan);
        const bool rc = roof && roof_complete, lc = classes && landuse_complete;
        CHECK(plan.ones.size() == size_t(1 + !classes + rc + ghi_complete + (rc && ghi_complete) + 2 * lc +
                                         (lc && ghi_complete) + (lc && !roof)));
        CHECK(plan.copies.size() ==
              size_t((roof ? !sloped + !inclusion + (ghi_complete && !rc) + (ghi_complete && !sloped) : 0) +
                     (classes ? (!inclusion && !terrain) + !lc + (ghi_complete && !lc) + (!roof && !lc) : 1)));
        CHECK(plan.zeros.size() == size_t(classes && rc));
        const std::vector<double> quantum = ZoneSums::quanta(b.pixel_area);
        for (const auto& [q, same] : plan.copies) {
            CAPTURE(q);
            CHECK((out.col(q) == out.col(same)).all());
            CHECK(quantum[size_t(q)] == quantum[size_t(same)]);  // so a copied sum is the same count of quanta
            for (const auto& c : plan.copies) CHECK(c.first != same);  // the source is summed, not derived
            for (int one : plan.ones) CHECK(one != same);
        }
        for (int q : plan.ones) {
            CAPTURE(q);
            CHECK((out.col(q) == 1.0).all());
        }
        for (int q : plan.zeros) {
            CAPTURE(q);
            CHECK((out.col(q) == 0.0).all());
        }
        // The kernels asked to skip every column they may skip change only columns that the plan derives
        // in every span (whatever is complete): what the engine sums stays the same.
        ColumnPlan always;
        plan_equal_columns(b, classes, CompleteLayers{}, always);
        ColumnMask derived;
        for (const auto& c : always.copies) derived.set(size_t(c.first));
        for (int q : always.ones) derived.set(size_t(q));
        Columns skipped = Columns::Constant(b.size(), q_count, kNaN);
        const ColumnMask all = ColumnMask().set();
        coverage_kernel(b, s, skipped, all);
        solar_roof_kernel(b, s, sc.solar_roof, sky(), skipped, nullptr, all);
        if (classes) solar_land_kernel(b, s, sc.solar_land, t, sky(), skipped, nullptr, all);
        solar_heat_kernel(b, s, sc.solar_roof, sc.solar_heat, skipped);
        ground_heat_kernel(b, s, sc.ground_heat, classes ? &t : nullptr, skipped, all);
        int left_out = 0;
        for (int q = 0; q < q_count; ++q) {
            CAPTURE(q);
            const bool same = (out.col(q) == skipped.col(q) || (out.col(q).isNaN() && skipped.col(q).isNaN())).all();
            if (same) continue;
            CHECK(derived[size_t(q)]);
            ++left_out;
        }
        // q_pixels always; the roof face and usable columns without screening / inclusion; ground pixels and
        // field without classes; the land usable column without inclusion and terrain.
        CHECK(left_out == 1 + (roof ? !sloped + !inclusion : 0) + (classes ? (!inclusion && !terrain) : 2));
    }
}
