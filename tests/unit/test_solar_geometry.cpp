// Solar geometry and transposition: checked against Duffie & Beckman worked values, closed forms
// written out here independently of the module, and the method document's Tokyo check values.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "repot/solar_geometry.hpp"

namespace solar = repot::solar;

namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kDeg = kPi / 180.0;

// JMA Tokyo monthly GHI climatology, kWh/m2 per month, Jan..Dec.
constexpr std::array<double, 12> kTokyoGhi{80.94, 90.04, 114.53, 132.56, 147.89, 122.46,
                                           137.06, 134.02, 99.1, 84.85, 70.69, 69.57};
constexpr double kTokyoLat = 35.7;

// D&B closed form of Rb for a surface facing the equator (northern hemisphere, gamma = 0),
// written from the textbook (eqs. 1.6.1a, 1.6.10, 2.19.3), not from the module.
double closed_form_rb_south(double lat_deg, int n, double tilt_deg) {
    const double d = 23.45 * std::sin(360.0 * (284 + n) / 365.0 * kDeg) * kDeg;
    const double phi = lat_deg * kDeg;
    const double pb = (lat_deg - tilt_deg) * kDeg;
    const double ws_deg = std::acos(-std::tan(phi) * std::tan(d)) / kDeg;
    const double wsp_deg = std::min(ws_deg, std::acos(-std::tan(pb) * std::tan(d)) / kDeg);
    const double num = std::cos(pb) * std::cos(d) * std::sin(wsp_deg * kDeg) +
                       kPi / 180.0 * wsp_deg * std::sin(pb) * std::sin(d);
    const double den = std::cos(phi) * std::cos(d) * std::sin(ws_deg * kDeg) +
                       kPi / 180.0 * ws_deg * std::sin(phi) * std::sin(d);
    return num / den;
}

Eigen::ArrayXXd tokyo_row() {
    Eigen::ArrayXXd g(1, 12);
    for (int m = 0; m < 12; ++m) g(0, m) = kTokyoGhi[m];
    return g;
}

}  // namespace

TEST_CASE("declination (Cooper) at the solstices") {
    CHECK(solar::declination_rad(172) / kDeg == doctest::Approx(23.45).epsilon(0.002));
    CHECK(solar::declination_rad(355) / kDeg == doctest::Approx(-23.4).epsilon(0.003));
    // D&B Example 1.10.1: April 15 (n = 105) has delta = 9.4 deg.
    CHECK(solar::declination_rad(105) / kDeg == doctest::Approx(9.4).epsilon(0.01));
}

TEST_CASE("extraterrestrial daily irradiation: D&B Example 1.10.1") {
    // phi = 43 N, April 15: omega_s = 98.9 deg, H0 = 33.8 MJ/m2.
    CHECK(solar::sunset_hour_angle_rad(43.0, 105) / kDeg == doctest::Approx(98.9).epsilon(0.001));
    CHECK(solar::extraterrestrial_daily_kwh(43.0, 105) ==
          doctest::Approx(33.8 / 3.6).epsilon(0.003));
}

TEST_CASE("extraterrestrial irradiation: polar night, equinox symmetry, monthly totals") {
    // 80 N in mid-December: the sun does not rise.
    CHECK(solar::sunset_hour_angle_rad(80.0, 344) == doctest::Approx(0.0));
    CHECK(solar::extraterrestrial_daily_kwh(80.0, 344) == doctest::Approx(0.0));
    // 80 N in mid-June: it does not set.
    CHECK(solar::sunset_hour_angle_rad(80.0, 162) == doctest::Approx(kPi));
    // At the equator the day is 12 h long whatever the declination.
    CHECK(solar::sunset_hour_angle_rad(0.0, 17) == doctest::Approx(kPi / 2));

    const auto monthly = solar::extraterrestrial_monthly_kwh(kTokyoLat);
    for (int m = 0; m < 12; ++m)
        CHECK(monthly[m] == doctest::Approx(solar::extraterrestrial_daily_kwh(
                                                kTokyoLat, solar::kMeanDayOfYear[m]) *
                                            solar::kDaysInMonth[m]));
    const auto sky = solar::MonthlySky::at(kTokyoLat);
    CHECK(sky.h0_kwh == monthly);
    CHECK(sky.sunset_rad[5] == doctest::Approx(solar::sunset_hour_angle_rad(kTokyoLat, 162)));
}

TEST_CASE("Erbs monthly diffuse fraction: both branches and the K_T clamp") {
    const double low = 80.0 * kDeg;   // omega_s <= 81.4 deg
    const double high = 90.0 * kDeg;  // omega_s > 81.4 deg
    // K = 0.5: 1.391 - 1.78 + 1.04725 - 0.267125 = 0.391125
    CHECK(solar::erbs_monthly_diffuse_fraction(0.5, low) == doctest::Approx(0.391125));
    // K = 0.5: 1.311 - 1.511 + 0.85675 - 0.227625 = 0.429125
    CHECK(solar::erbs_monthly_diffuse_fraction(0.5, high) == doctest::Approx(0.429125));
    // The boundary itself belongs to the first branch.
    CHECK(solar::erbs_monthly_diffuse_fraction(0.5, 81.4 * kDeg) == doctest::Approx(0.391125));
    // K = 0.9 is clamped to 0.8: 1.391 - 2.848 + 2.68096 - 1.094144 = 0.129816
    CHECK(solar::erbs_monthly_diffuse_fraction(0.9, low) == doctest::Approx(0.129816));
    // K = 0.1 is clamped to 0.3: 1.391 - 1.068 + 0.37701 - 0.057699 = 0.642311
    CHECK(solar::erbs_monthly_diffuse_fraction(0.1, low) == doctest::Approx(0.642311));
}

TEST_CASE("beam ratio: numerical integration matches the D&B closed form for south faces") {
    for (double lat : {35.7, 43.0}) {
        for (int m : {0, 3, 5, 8, 11}) {
            for (double tilt : {15.0, 30.0, 60.0, 90.0}) {
                CAPTURE(lat);
                CAPTURE(m);
                CAPTURE(tilt);
                const double expected = closed_form_rb_south(lat, solar::kMeanDayOfYear[m], tilt);
                CHECK(solar::beam_ratio(lat, m, tilt, 180.0) ==
                      doctest::Approx(expected).epsilon(1e-3));
            }
        }
    }
}

TEST_CASE("beam ratio: flat plane, east-west symmetry, polar night") {
    for (int m = 0; m < 12; ++m) {
        CHECK(solar::beam_ratio(kTokyoLat, m, 0.0, 123.0) == doctest::Approx(1.0));
        CHECK(solar::beam_ratio(kTokyoLat, m, 30.0, 90.0) ==
              doctest::Approx(solar::beam_ratio(kTokyoLat, m, 30.0, 270.0)));
    }
    CHECK(solar::beam_ratio(80.0, 11, 30.0, 180.0) == doctest::Approx(1.0));
    CHECK_THROWS_AS(solar::beam_ratio(kTokyoLat, 12, 30.0, 180.0), std::out_of_range);
}

TEST_CASE("transposition table: nodes, bilinear interpolation, aspect wrap") {
    const solar::TranspositionTable table(kTokyoLat);
    CHECK(table.latitude_deg() == kTokyoLat);
    CHECK(table.albedo() == 0.2);
    for (int m : {0, 6, 11}) {
        CAPTURE(m);
        // At grid nodes the table is the integral itself.
        CHECK(table.rb(m, 37.0, 135.0) ==
              doctest::Approx(solar::beam_ratio(kTokyoLat, m, 37.0, 135.0)).epsilon(1e-12));
        CHECK(table.rb(m, 90.0, 355.0) ==
              doctest::Approx(solar::beam_ratio(kTokyoLat, m, 90.0, 355.0)).epsilon(1e-12));
        // Between nodes: bilinear, and close to the exact integral.
        const double mid = table.rb(m, 30.5, 182.5);
        const double corners = (solar::beam_ratio(kTokyoLat, m, 30.0, 180.0) +
                                solar::beam_ratio(kTokyoLat, m, 30.0, 185.0) +
                                solar::beam_ratio(kTokyoLat, m, 31.0, 180.0) +
                                solar::beam_ratio(kTokyoLat, m, 31.0, 185.0)) / 4.0;
        CHECK(mid == doctest::Approx(corners).epsilon(1e-12));
        CHECK(mid == doctest::Approx(solar::beam_ratio(kTokyoLat, m, 30.5, 182.5)).epsilon(2e-3));
        // Aspect wraps around north.
        CHECK(table.rb(m, 30.0, 357.5) ==
              doctest::Approx((table.rb(m, 30.0, 355.0) + table.rb(m, 30.0, 0.0)) / 2.0));
        CHECK(table.rb(m, 30.0, -5.0) == doctest::Approx(table.rb(m, 30.0, 355.0)));
        CHECK(table.rb(m, 30.0, 360.0) == doctest::Approx(table.rb(m, 30.0, 0.0)));
        CHECK(table.rb(m, 30.0, 720.0 + 42.0) == doctest::Approx(table.rb(m, 30.0, 42.0)));
    }
    CHECK(std::isnan(table.rb(0, std::nan(""), 180.0)));
}

TEST_CASE("transposition table: built on several threads, the same entries as on one") {
    const solar::TranspositionTable one(kTokyoLat, 0.3), five(kTokyoLat, 0.3, 5);
    CHECK(five.albedo() == 0.3);
    for (int m = 0; m < 12; ++m)
        for (double tilt : {0.0, 15.0, 44.5, 90.0})
            for (double aspect : {0.0, 92.5, 180.0, 355.0}) {
                CAPTURE(m);
                CAPTURE(tilt);
                CAPTURE(aspect);
                CHECK(five.rb(m, tilt, aspect) == one.rb(m, tilt, aspect));  // bit for bit
                CHECK(one.rb(m, tilt, aspect) == doctest::Approx(solar::beam_ratio(kTokyoLat, m, tilt, aspect)).epsilon(2e-3));
            }
}

TEST_CASE("in-plane irradiation: the method's Tokyo check values") {
    const solar::TranspositionTable table(kTokyoLat);
    const auto sky = solar::MonthlySky::at(kTokyoLat);
    const Eigen::ArrayXXd g = tokyo_row();
    const double horizontal = g.sum();
    auto plane = [&](double tilt, double aspect) {
        return solar::inplane_fixed_plane(g, sky, table, tilt, aspect)(0);
    };
    // A flat plane receives exactly GHI.
    CHECK(plane(0.0, 0.0) == doctest::Approx(horizontal));
    const double south30 = plane(30.0, 180.0);
    CHECK(south30 / horizontal == doctest::Approx(1.11).epsilon(0.015 / 1.11));
    CHECK(plane(15.0, 180.0) / horizontal == doctest::Approx(1.08).epsilon(0.015 / 1.08));
    CHECK(plane(30.0, 90.0) / south30 == doctest::Approx(0.87).epsilon(0.015 / 0.87));
    CHECK(plane(30.0, 270.0) / south30 == doctest::Approx(0.87).epsilon(0.015 / 0.87));
    CHECK(plane(30.0, 0.0) / horizontal == doctest::Approx(0.74).epsilon(0.015 / 0.74));
}

TEST_CASE("in-plane irradiation: fixed plane and per-pixel agree") {
    const solar::TranspositionTable table(kTokyoLat);
    const auto sky = solar::MonthlySky::at(kTokyoLat);
    // Four pixels: Tokyo, a darker and a brighter climate (clamp on both ends), and NaN.
    Eigen::ArrayXXd g(4, 12);
    for (int m = 0; m < 12; ++m) {
        g(0, m) = kTokyoGhi[m];
        g(1, m) = 0.4 * kTokyoGhi[m];
        g(2, m) = 2.0 * kTokyoGhi[m];
        g(3, m) = m == 4 ? std::nan("") : kTokyoGhi[m];
    }
    const Eigen::Index n = g.rows();

    for (auto [tilt, aspect] : {std::pair{30.0, 180.0}, {12.3, 101.7}, {45.0, 357.5}}) {
        CAPTURE(tilt);
        CAPTURE(aspect);
        const Eigen::ArrayXd fixed = solar::inplane_fixed_plane(g, sky, table, tilt, aspect);
        const Eigen::ArrayXd per = solar::inplane_per_pixel(
            g, sky, table, Eigen::ArrayXd::Constant(n, tilt), Eigen::ArrayXd::Constant(n, aspect));
        for (Eigen::Index k = 0; k < 3; ++k) CHECK(per(k) == doctest::Approx(fixed(k)));
        CHECK(std::isnan(fixed(3)));
        CHECK(std::isnan(per(3)));
    }

    // A different plane per pixel equals the fixed-plane result for that pixel's plane.
    Eigen::ArrayXd tilt(4), aspect(4);
    tilt << 0.0, 20.0, 35.5, std::nan("");
    aspect << 0.0, 200.0, 92.5, 180.0;
    const Eigen::ArrayXd per = solar::inplane_per_pixel(g, sky, table, tilt, aspect);
    for (Eigen::Index k = 0; k < 3; ++k) {
        CAPTURE(k);
        const Eigen::ArrayXXd row = g.row(k);
        CHECK(per(k) == doctest::Approx(
                            solar::inplane_fixed_plane(row, sky, table, tilt(k), aspect(k))(0)));
    }
    CHECK(per(0) == doctest::Approx(g.row(0).sum()));  // flat plane
    CHECK(std::isnan(per(3)));                         // NaN tilt

    CHECK_THROWS_AS(solar::inplane_fixed_plane(Eigen::ArrayXXd(2, 11), sky, table, 30.0, 180.0),
                    std::invalid_argument);
    CHECK_THROWS_AS(solar::inplane_per_pixel(g, sky, table, Eigen::ArrayXd(3), Eigen::ArrayXd(4)),
                    std::invalid_argument);
}

TEST_CASE("in-plane irradiation per month: the months add up to the annual value, which does not change") {
    const solar::TranspositionTable table(kTokyoLat);
    const auto sky = solar::MonthlySky::at(kTokyoLat);
    Eigen::ArrayXXd g(2, 12);
    for (int m = 0; m < 12; ++m) g(0, m) = kTokyoGhi[m], g(1, m) = 1.5 * kTokyoGhi[m];
    Eigen::ArrayXXd months;
    const Eigen::ArrayXd fixed = solar::inplane_fixed_plane(g, sky, table, 15.0, 180.0, &months);
    CHECK((fixed == solar::inplane_fixed_plane(g, sky, table, 15.0, 180.0)).all());  // bit for bit
    REQUIRE(months.rows() == 2);
    REQUIRE(months.cols() == 12);
    for (Eigen::Index k = 0; k < 2; ++k) {
        double sum = 0;
        for (int m = 0; m < 12; ++m) sum += months(k, m);
        CHECK(sum == fixed(k));  // the annual value is accumulated month by month in this order
    }
    // Each month alone: the same month with every other month's GHI set to 0 gives that month's value.
    for (int m : {0, 5, 11}) {
        Eigen::ArrayXXd one = Eigen::ArrayXXd::Zero(2, 12);
        one.col(m) = g.col(m);
        const Eigen::ArrayXd alone = solar::inplane_fixed_plane(one, sky, table, 15.0, 180.0);
        CHECK(months(0, m) == doctest::Approx(alone(0)).epsilon(1e-12));
        CHECK(months(1, m) == doctest::Approx(alone(1)).epsilon(1e-12));
    }
    const Eigen::ArrayXd tilt = Eigen::ArrayXd::Constant(2, 35.0), aspect = Eigen::ArrayXd::Constant(2, 135.0);
    const Eigen::ArrayXd per = solar::inplane_per_pixel(g, sky, table, tilt, aspect, &months);
    CHECK((per == solar::inplane_per_pixel(g, sky, table, tilt, aspect)).all());
    for (Eigen::Index k = 0; k < 2; ++k) {
        double sum = 0;
        for (int m = 0; m < 12; ++m) sum += months(k, m);
        CHECK(sum == per(k));
    }
}

TEST_CASE("split an annual GHI into months") {
    std::array<double, 12> shares{};
    const double total = [] {
        double s = 0;
        for (double v : kTokyoGhi) s += v;
        return s;
    }();
    for (int m = 0; m < 12; ++m) shares[m] = kTokyoGhi[m] / total;
    Eigen::ArrayXd annual(2);
    annual << total, 1000.0;
    const Eigen::ArrayXXd monthly = solar::split_annual(annual, shares);
    REQUIRE(monthly.rows() == 2);
    REQUIRE(monthly.cols() == 12);
    for (int m = 0; m < 12; ++m) CHECK(monthly(0, m) == doctest::Approx(kTokyoGhi[m]));
    CHECK(monthly.row(1).sum() == doctest::Approx(1000.0));

    std::array<double, 12> bad{};
    bad.fill(0.1);
    CHECK_THROWS_AS(solar::split_annual(annual, bad), std::invalid_argument);
    bad.fill(1.0 / 12.0);
    bad[0] = -bad[0];
    CHECK_THROWS_AS(solar::split_annual(annual, bad), std::invalid_argument);
}

// Reference values from tests/data/solar/transposition_reference.py: the method written again in plain
// Python, with the beam ratio integrated from the sun's direction vector (no code or formula shared).
TEST_CASE("in-plane irradiation and Rb equal an independent implementation (default tilts by value)") {
    const solar::TranspositionTable table(kTokyoLat);
    const auto sky = solar::MonthlySky::at(kTokyoLat);
    const Eigen::ArrayXXd g = tokyo_row();
    const double horizontal = g.sum();  // 1283.71 kWh/m²
    struct Plane {
        double tilt, aspect, kwh_m2;
    };
    const Plane planes[] = {{15, 180, 1385.370423},  // flat roofs' default panels
                            {30, 180, 1425.391481},  // land PV's default panels
                            {30, 90, 1235.760879},   {30, 270, 1235.760879}, {30, 0, 947.893415},
                            {45, 135, 1342.214626},  {60, 225, 1258.439197}, {90, 180, 979.449839}};
    for (const auto& p : planes) {
        CAPTURE(p.tilt);
        CAPTURE(p.aspect);
        const double fixed = solar::inplane_fixed_plane(g, sky, table, p.tilt, p.aspect)(0);
        const double per = solar::inplane_per_pixel(g, sky, table, Eigen::ArrayXd::Constant(1, p.tilt),
                                                    Eigen::ArrayXd::Constant(1, p.aspect))(0);
        CHECK(std::abs(fixed - p.kwh_m2) <= 1e-4 * horizontal);
        CHECK(std::abs(per - p.kwh_m2) <= 1e-4 * horizontal);
    }
    // The method's Tokyo check values, to ±0.002.
    CHECK(std::abs(1385.370423 / horizontal - 1.079) <= 0.002);
    CHECK(std::abs(1425.391481 / horizontal - 1.110) <= 0.002);
    CHECK(std::abs(1235.760879 / 1425.391481 - 0.867) <= 0.002);
    CHECK(std::abs(947.893415 / horizontal - 0.738) <= 0.002);

    const std::array<double, 12> east{1.004715, 0.986030, 0.967812, 0.951841, 0.940748, 0.935890,
                                      0.938020, 0.946975, 0.961239, 0.979655, 0.999458, 1.010979};
    const std::array<double, 12> north{0.047750, 0.223491, 0.456046, 0.684659, 0.838355, 0.904700,
                                       0.875482, 0.752891, 0.551681, 0.299534, 0.089020, 0.011694};
    for (int m = 0; m < 12; ++m) {
        CAPTURE(m);
        CHECK(std::abs(solar::beam_ratio(kTokyoLat, m, 30.0, 90.0) - east[m]) <= 1e-4);
        CHECK(std::abs(solar::beam_ratio(kTokyoLat, m, 30.0, 270.0) - east[m]) <= 1e-4);  // the reference gives west = east
        CHECK(std::abs(solar::beam_ratio(kTokyoLat, m, 30.0, 0.0) - north[m]) <= 1e-4);
        CHECK(std::abs(table.rb(m, 30.0, 90.0) - east[m]) <= 1e-4);
        CHECK(std::abs(table.rb(m, 30.0, 0.0) - north[m]) <= 1e-4);
    }
}
