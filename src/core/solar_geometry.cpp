#include "repot/solar_geometry.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>

#include "repot/parallel_for.hpp"

namespace repot::solar {

namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kDeg = kPi / 180.0;
// Step of the hour-angle integration for Rb. 0.1 deg keeps the midpoint rule well below 1e-4
// relative error, including around the kink where the sun passes behind the plane.
constexpr double kHourAngleStepRad = 0.1 * kDeg;

void check_month(int month) {
    if (month < 0 || month > 11)
        throw std::out_of_range("solar: month must be 0..11, got " + std::to_string(month));
}

// Hour-angle grid of one mean day: midpoints of equal steps over [-ws, ws], with the sums the
// tilted integral needs. The horizontal integral uses the same rule so that Rb(tilt 0) is 1.
struct DayGrid {
    double sin_decl = 0, cos_decl = 0, sin_lat = 0, cos_lat = 0;
    Eigen::ArrayXd cos_w, sin_w;
    double horizontal_sum = 0;  // sum of cos(theta_z) over the grid

    DayGrid(double lat_deg, int day_of_year) {
        const double decl = declination_rad(day_of_year);
        sin_decl = std::sin(decl);
        cos_decl = std::cos(decl);
        sin_lat = std::sin(lat_deg * kDeg);
        cos_lat = std::cos(lat_deg * kDeg);
        const double ws = sunset_hour_angle_rad(lat_deg, day_of_year);
        const int steps = static_cast<int>(std::ceil(2.0 * ws / kHourAngleStepRad));
        if (steps == 0) return;  // polar night
        const double h = 2.0 * ws / steps;
        const Eigen::ArrayXd w =
            Eigen::ArrayXd::LinSpaced(steps, -ws + 0.5 * h, ws - 0.5 * h);
        cos_w = w.cos();
        sin_w = w.sin();
        horizontal_sum = (sin_decl * sin_lat + cos_decl * cos_lat * cos_w).max(0.0).sum();
    }

    // D&B eq. 1.6.2 written as cos(theta) = a + b cos(w) + c sin(w), with the surface azimuth
    // from south (east negative), gamma_s = aspect - 180.
    double rb(double tilt_deg, double aspect_deg) const {
        if (horizontal_sum <= 0.0) return 1.0;  // the sun does not rise: nothing to transpose
        const double sb = std::sin(tilt_deg * kDeg), cb = std::cos(tilt_deg * kDeg);
        const double gs = (aspect_deg - 180.0) * kDeg;
        const double sg = std::sin(gs), cg = std::cos(gs);
        const double a = sin_decl * sin_lat * cb - sin_decl * cos_lat * sb * cg;
        const double b = cos_decl * cos_lat * cb + cos_decl * sin_lat * sb * cg;
        const double c = cos_decl * sb * sg;
        // Beam reaches the plane only from its front side: clip cos(theta) at 0.
        const double tilted_sum = (a + b * cos_w + c * sin_w).max(0.0).sum();
        return tilted_sum / horizontal_sum;
    }
};

// Diffuse share per pixel for month m (Erbs, K_T clamped). The branch depends only on the month
// and the block latitude, so it is chosen once per column, not per pixel.
Eigen::ArrayXd diffuse_share(const Eigen::Ref<const Eigen::ArrayXd>& h, double h0_kwh,
                             double sunset_rad) {
    if (h0_kwh <= 0.0) return Eigen::ArrayXd::Ones(h.size());  // no sun: all of it is diffuse
    const Eigen::ArrayXd kt = (h / h0_kwh).max(kErbsKtMin).min(kErbsKtMax);
    if (sunset_rad <= kErbsSunsetSplitDeg * kDeg)
        return 1.391 + kt * (-3.560 + kt * (4.189 + kt * -2.137));
    return 1.311 + kt * (-3.022 + kt * (3.427 + kt * -1.821));
}

void check_monthly(const Eigen::Ref<const Eigen::ArrayXXd>& ghi_monthly) {
    if (ghi_monthly.cols() != 12)
        throw std::invalid_argument("solar: monthly GHI must have 12 columns, got " +
                                    std::to_string(ghi_monthly.cols()));
}

}  // namespace

double declination_rad(int day_of_year) {
    return 23.45 * kDeg * std::sin(2.0 * kPi * (284.0 + day_of_year) / 365.0);
}

double sunset_hour_angle_rad(double lat_deg, int day_of_year) {
    const double x = -std::tan(lat_deg * kDeg) * std::tan(declination_rad(day_of_year));
    // |x| > 1: polar night (x > 1) or polar day (x < -1).
    return std::acos(std::clamp(x, -1.0, 1.0));
}

double extraterrestrial_daily_kwh(double lat_deg, int day_of_year) {
    const double lat = lat_deg * kDeg;
    const double decl = declination_rad(day_of_year);
    const double ws = sunset_hour_angle_rad(lat_deg, day_of_year);
    const double eccentricity = 1.0 + 0.033 * std::cos(2.0 * kPi * day_of_year / 365.0);
    // 24 h x G_sc / pi in Wh/m2, /1000 for kWh.
    const double h0 = 24.0 * kSolarConstantWm2 / kPi / 1000.0 * eccentricity *
                      (std::cos(lat) * std::cos(decl) * std::sin(ws) +
                       ws * std::sin(lat) * std::sin(decl));
    return std::max(h0, 0.0);
}

std::array<double, 12> extraterrestrial_monthly_kwh(double lat_deg) {
    std::array<double, 12> h0{};
    for (int m = 0; m < 12; ++m)
        h0[m] = extraterrestrial_daily_kwh(lat_deg, kMeanDayOfYear[m]) * kDaysInMonth[m];
    return h0;
}

double erbs_monthly_diffuse_fraction(double kt, double sunset_hour_angle_rad) {
    const Eigen::ArrayXd one = Eigen::ArrayXd::Constant(1, kt);
    // h0 = 1 makes K_T equal the given value.
    return diffuse_share(one, 1.0, sunset_hour_angle_rad)(0);
}

double beam_ratio(double lat_deg, int month, double tilt_deg, double aspect_deg) {
    check_month(month);
    return DayGrid(lat_deg, kMeanDayOfYear[month]).rb(tilt_deg, aspect_deg);
}

TranspositionTable::TranspositionTable(double lat_deg, double albedo, int threads)
    : lat_deg_(lat_deg), albedo_(albedo), rb_(12 * kTiltSteps * kAspectSteps) {
    // Months are independent and each writes its own entries.
    parallel_for(12, threads, [&](size_t m) {
        const DayGrid day(lat_deg, kMeanDayOfYear[m]);
        for (int i = 0; i < kTiltSteps; ++i)
            for (int j = 0; j < kAspectSteps; ++j)
                rb_[(static_cast<std::size_t>(i) * kAspectSteps + j) * 12 + m] = day.rb(i * kTiltStepDeg, j * kAspectStepDeg);
    });
}

std::array<double, 12> TranspositionTable::rb_months(double tilt_deg, double aspect_deg) const {
    std::array<double, 12> out;
    if (!std::isfinite(tilt_deg) || !std::isfinite(aspect_deg)) {
        out.fill(std::numeric_limits<double>::quiet_NaN());
        return out;
    }
    const double t = std::clamp(tilt_deg, 0.0, 90.0) / kTiltStepDeg;
    const int i0 = std::min(static_cast<int>(t), kTiltSteps - 2);
    const double ft = t - i0;
    double a = std::fmod(aspect_deg, 360.0);
    if (a < 0.0) a += 360.0;
    const double as = a / kAspectStepDeg;
    // The modulo also folds a == 360 (rounding of a tiny negative aspect) back onto node 0.
    const int j0 = static_cast<int>(as) % kAspectSteps;
    const int j1 = (j0 + 1) % kAspectSteps;
    const double fa = as - std::floor(as);
    const double* p00 = node(i0, j0);
    const double* p01 = node(i0, j1);
    const double* p10 = node(i0 + 1, j0);
    const double* p11 = node(i0 + 1, j1);
    for (int m = 0; m < 12; ++m)
        out[m] = (1 - ft) * ((1 - fa) * p00[m] + fa * p01[m]) +
                 ft * ((1 - fa) * p10[m] + fa * p11[m]);
    return out;
}

double TranspositionTable::rb(int month, double tilt_deg, double aspect_deg) const {
    check_month(month);
    return rb_months(tilt_deg, aspect_deg)[month];
}

MonthlySky MonthlySky::at(double lat_deg) {
    MonthlySky sky;
    sky.h0_kwh = extraterrestrial_monthly_kwh(lat_deg);
    for (int m = 0; m < 12; ++m)
        sky.sunset_rad[m] = sunset_hour_angle_rad(lat_deg, kMeanDayOfYear[m]);
    return sky;
}

Eigen::ArrayXd inplane_fixed_plane(const Eigen::Ref<const Eigen::ArrayXXd>& ghi_monthly, const MonthlySky& sky,
                                   const TranspositionTable& table, double tilt_deg,
                                   double aspect_deg, Eigen::ArrayXXd* monthly) {
    check_monthly(ghi_monthly);
    if (monthly) monthly->resize(ghi_monthly.rows(), 12);
    const std::array<double, 12> rb = table.rb_months(tilt_deg, aspect_deg);
    const double cb = std::cos(tilt_deg * kDeg);
    const double sky_view = (1.0 + cb) / 2.0;               // isotropic diffuse view factor
    const double ground = table.albedo() * (1.0 - cb) / 2.0;  // ground-reflected, per unit GHI
    Eigen::ArrayXd total = Eigen::ArrayXd::Zero(ghi_monthly.rows());
    for (int m = 0; m < 12; ++m) {
        const auto h = ghi_monthly.col(m);
        if (sky.h0_kwh[m] <= 0.0) {  // no sun: all of it is diffuse
            if (monthly) monthly->col(m) = h * (sky_view + ground);
            total += h * (sky_view + ground);
            continue;
        }
        // R = (1 − D)·Rb + D·sky_view + ground = Rb + ground + D·(sky_view − Rb), with the Erbs
        // polynomial for D written into the same expression so Eigen makes one pass per month.
        const bool low_sun = sky.sunset_rad[m] <= kErbsSunsetSplitDeg * kDeg;
        const double c0 = low_sun ? 1.391 : 1.311, c1 = low_sun ? -3.560 : -3.022,
                     c2 = low_sun ? 4.189 : 3.427, c3 = low_sun ? -2.137 : -1.821;
        const auto kt = (h * (1.0 / sky.h0_kwh[m])).max(kErbsKtMin).min(kErbsKtMax);
        if (monthly) {
            monthly->col(m) = h * (rb[m] + ground + (c0 + kt * (c1 + kt * (c2 + kt * c3))) * (sky_view - rb[m]));
            total += monthly->col(m);
        } else {
            total += h * (rb[m] + ground + (c0 + kt * (c1 + kt * (c2 + kt * c3))) * (sky_view - rb[m]));
        }
    }
    return total;
}

Eigen::ArrayXd inplane_per_pixel(const Eigen::Ref<const Eigen::ArrayXXd>& ghi_monthly, const MonthlySky& sky,
                                 const TranspositionTable& table, const Eigen::ArrayXd& tilt_deg,
                                 const Eigen::ArrayXd& aspect_deg, Eigen::ArrayXXd* monthly) {
    check_monthly(ghi_monthly);
    const Eigen::Index n = ghi_monthly.rows();
    if (tilt_deg.size() != n || aspect_deg.size() != n)
        throw std::invalid_argument("solar: tilt and aspect must have one value per pixel");
    // Gather Rb per pixel once (one bilinear weight set serves all 12 months).
    Eigen::ArrayXXd rb(n, 12);
    for (Eigen::Index k = 0; k < n; ++k) {
        const std::array<double, 12> r = table.rb_months(tilt_deg(k), aspect_deg(k));
        for (int m = 0; m < 12; ++m) rb(k, m) = r[m];
    }
    const Eigen::ArrayXd cb = (tilt_deg * kDeg).cos();
    const Eigen::ArrayXd sky_view = (1.0 + cb) / 2.0;
    const Eigen::ArrayXd ground = table.albedo() * (1.0 - cb) / 2.0;
    Eigen::ArrayXd total = Eigen::ArrayXd::Zero(n);
    if (monthly) monthly->resize(n, 12);
    for (int m = 0; m < 12; ++m) {
        const auto h = ghi_monthly.col(m);
        const Eigen::ArrayXd d = diffuse_share(h, sky.h0_kwh[m], sky.sunset_rad[m]);
        if (monthly) {
            monthly->col(m) = h * ((1.0 - d) * rb.col(m) + d * sky_view + ground);
            total += monthly->col(m);
        } else {
            total += h * ((1.0 - d) * rb.col(m) + d * sky_view + ground);
        }
    }
    return total;
}

Eigen::ArrayXXd split_annual(const Eigen::ArrayXd& annual, const std::array<double, 12>& shares) {
    double sum = 0.0;
    for (double s : shares) {
        if (!(s >= 0.0)) throw std::invalid_argument("solar: monthly shares must be >= 0");
        sum += s;
    }
    if (std::abs(sum - 1.0) > 1e-6)
        throw std::invalid_argument("solar: monthly shares must sum to 1, got " +
                                    std::to_string(sum));
    Eigen::ArrayXXd out(annual.size(), 12);
    for (int m = 0; m < 12; ++m) out.col(m) = annual * shares[m];
    return out;
}

}  // namespace repot::solar
