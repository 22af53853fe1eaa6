#pragma once
// Solar geometry and monthly in-plane (transposition) irradiation, isotropic sky
// (Duffie & Beckman, "Solar Engineering of Thermal Processes", ch. 1-2).
//
// Per pixel and month m:
//   H0_m   extraterrestrial irradiation on a horizontal plane on the month's mean day
//          (Cooper declination, 1 + 0.033 cos(360 n / 365) eccentricity, G_sc = 1367 W/m2),
//          times the days in the month.
//   K_T    = H_m / H0_m, the monthly clearness index.
//   D      diffuse share by the Erbs monthly correlation (D&B eq. 2.12.1), two branches on the
//          sunset hour angle (81.4 deg). The correlation is fitted for 0.3 <= K_T <= 0.8, so K_T
//          is clamped into that range before evaluating it: outside it the cubic turns
//          unphysical (D > 1 or D < 0). The clamp only affects D, not H_m.
//   R_m    = (1 - D) Rb_m + D (1 + cos b)/2 + rho_g (1 - cos b)/2
//   H_A    = sum_m H_m R_m   (kWh/m2/yr)
// Rb_m is the ratio of the daily beam integral on the tilted plane to that on the horizontal on
// the mean day, integrated numerically over the hour angle (works for any aspect), and tabulated
// once per run over tilt (1 deg) x aspect (5 deg).
//
// Angles: latitude in degrees (north positive); tilt b in degrees from horizontal (0..90);
// aspect in degrees clockwise from north (0 N, 90 E, 180 S, 270 W). Months are 0..11.
// Callers pass tilts in 0..90; the table clamps tilt for Rb lookups only.
#include <array>
#include <cstddef>
#include <vector>

#include <Eigen/Core>

namespace repot::solar {

// D&B Table 1.6.1: the day whose extraterrestrial radiation is closest to the monthly mean.
inline constexpr std::array<int, 12> kMeanDayOfYear{17,  47,  75,  105, 135, 162,
                                                    198, 228, 258, 288, 318, 344};
inline constexpr std::array<int, 12> kDaysInMonth{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
inline constexpr double kSolarConstantWm2 = 1367.0;
inline constexpr double kDefaultAlbedo = 0.2;
// Sunset hour angle (degrees) separating the two Erbs branches.
inline constexpr double kErbsSunsetSplitDeg = 81.4;
// Validity range of the Erbs monthly correlation; K_T is clamped into it.
inline constexpr double kErbsKtMin = 0.3;
inline constexpr double kErbsKtMax = 0.8;

// Cooper's declination (D&B eq. 1.6.1a), radians.
double declination_rad(int day_of_year);

// Sunset hour angle (D&B eq. 1.6.10), radians in [0, pi]; 0 in polar night, pi in polar day.
double sunset_hour_angle_rad(double lat_deg, int day_of_year);

// Daily extraterrestrial irradiation on a horizontal plane (D&B eq. 1.10.3), kWh/m2/day.
double extraterrestrial_daily_kwh(double lat_deg, int day_of_year);

// Monthly extraterrestrial irradiation on a horizontal plane: mean-day value x days in month,
// kWh/m2/month, Jan..Dec.
std::array<double, 12> extraterrestrial_monthly_kwh(double lat_deg);

// Erbs monthly diffuse fraction H_d/H (D&B eq. 2.12.1); kt is clamped into [0.3, 0.8].
double erbs_monthly_diffuse_fraction(double kt, double sunset_hour_angle_rad);

// Rb on the month's mean day, by numerical integration over the hour angle from -ws to +ws of
// max(cos theta, 0) (D&B eq. 1.6.2) against cos theta_z. Returns 1 when the sun does not rise
// (no beam to transpose).
double beam_ratio(double lat_deg, int month, double tilt_deg, double aspect_deg);

// Rb tabulated once per run at one latitude: tilt 0..90 step 1 deg, aspect 0..355 step 5 deg,
// 12 months. Lookups are bilinear in tilt and aspect; aspect wraps around 360, tilt is clamped
// to [0, 90].
class TranspositionTable {
public:
    static constexpr int kTiltSteps = 91;   // 0..90 deg, 1 deg
    static constexpr int kAspectSteps = 72; // 0..355 deg, 5 deg
    static constexpr double kTiltStepDeg = 1.0;
    static constexpr double kAspectStepDeg = 5.0;

    // threads: how many threads share the months of the table (the entries are the same for any count).
    explicit TranspositionTable(double lat_deg, double albedo = kDefaultAlbedo, int threads = 1);

    double latitude_deg() const { return lat_deg_; }
    double albedo() const { return albedo_; }
    double rb(int month, double tilt_deg, double aspect_deg) const;
    // All 12 months at once (one bilinear weight computation); NaN if tilt or aspect is NaN.
    std::array<double, 12> rb_months(double tilt_deg, double aspect_deg) const;

private:
    // Layout [tilt][aspect][month]: a lookup reads four contiguous 12-month runs.
    const double* node(int tilt_index, int aspect_index) const {
        const auto k = static_cast<std::size_t>(tilt_index) * kAspectSteps + aspect_index;
        return rb_.data() + k * 12;
    }
    double lat_deg_;
    double albedo_;
    std::vector<double> rb_;  // 12 x 91 x 72 values, ~630 kB: heap, not stack
};

// Monthly extraterrestrial totals and sunset angles for one block latitude; cheap, computed per
// block.
struct MonthlySky {
    std::array<double, 12> h0_kwh{};     // kWh/m2/month on horizontal
    std::array<double, 12> sunset_rad{}; // sunset hour angle on the mean day
    static MonthlySky at(double lat_deg);
};

// H_A in kWh/m2/yr per pixel for one plane shared by all pixels. ghi_monthly is n x 12
// (column m = month m, kWh/m2 per month). NaN GHI propagates to NaN. `monthly`, when given, receives
// the in-plane irradiation of each month (n x 12, kWh/m2 per month; the annual value is their sum).
Eigen::ArrayXd inplane_fixed_plane(const Eigen::Ref<const Eigen::ArrayXXd>& ghi_monthly, const MonthlySky& sky,
                                   const TranspositionTable& table, double tilt_deg,
                                   double aspect_deg, Eigen::ArrayXXd* monthly = nullptr);

// H_A in kWh/m2/yr per pixel with a plane per pixel (tilt_deg, aspect_deg of length n).
// NaN tilt or aspect gives NaN. `monthly` as for inplane_fixed_plane.
Eigen::ArrayXd inplane_per_pixel(const Eigen::Ref<const Eigen::ArrayXXd>& ghi_monthly, const MonthlySky& sky,
                                 const TranspositionTable& table, const Eigen::ArrayXd& tilt_deg,
                                 const Eigen::ArrayXd& aspect_deg, Eigen::ArrayXXd* monthly = nullptr);

// Split an annual GHI (n) into months (n x 12) with a profile of 12 shares summing to 1.
Eigen::ArrayXXd split_annual(const Eigen::ArrayXd& annual, const std::array<double, 12>& shares);

}  // namespace repot::solar
