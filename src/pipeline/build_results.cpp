#include "build_results.hpp"

#include <fmt/format.h>

#include <cmath>

#include "repot/error.hpp"

namespace repot {

namespace {

// The stable column schema of potential.csv (method.md §9; issue contract order first).
std::vector<ColumnSpec> schema() {
    return {
        {"pixel_count", 0},
        {"land_area_m2", 2},
        {"roof_area_m2", 2, "solar_roof", "theoretical", "area", "m2"},
        {"eligible_roof_area_m2", 2, "solar_roof", "technical", "area", "m2"},
        {"solar_roof_theoretical_mwh", 3, "solar_roof", "theoretical", "energy", "MWh"},
        {"solar_roof_capacity_kw", 3, "solar_roof", "technical", "capacity", "kW"},
        {"solar_roof_technical_mwh", 3, "solar_roof", "technical", "energy", "MWh"},
        {"solar_roof_usable_mwh", 3, "solar_roof", "usable", "energy", "MWh"},
        {"solar_land_theoretical_mwh", 3, "solar_land", "theoretical", "energy", "MWh"},
        {"solar_land_capacity_kw", 3, "solar_land", "technical", "capacity", "kW"},
        {"solar_land_technical_mwh", 3, "solar_land", "technical", "energy", "MWh"},
        {"solar_land_usable_mwh", 3, "solar_land", "usable", "energy", "MWh"},
        {"solar_roof_usable_co2_t", 3, "solar_roof", "usable", "co2_reduction", "t-CO2"},
        {"solar_land_usable_co2_t", 3, "solar_land", "usable", "co2_reduction", "t-CO2"},
        {"landuse_land_area_m2", 2, "solar_land", "theoretical", "area", "m2"},
        {"ghi_mean_kwh_m2", 2},
        {"temperature_mean_c", 2},
        {"population", 1},
        {"roof_coverage", 6},
        {"ghi_coverage", 6},
        {"landuse_coverage", 6},
        {"roof_nodata_px", 0},
        {"ghi_nodata_px", 0},
    };
}

std::string percent(double share) { return fmt::format("{:.1f} %", share * 100); }

}  // namespace

ResultsTable build_results(const Inputs& in, const ZoneSums& sums) {
    ResultsTable t;
    t.columns = schema();
    const double co2_el = in.scenario.co2.electricity_t_per_mwh;
    const auto& zones = in.zones.zones();
    for (size_t k = 0; k < zones.size(); ++k) {
        const int z = int(k) + 1;
        ResultRow row;
        row.zone_id = zones[k].id;
        row.zone_name = zones[k].name;
        row.values.assign(t.columns.size(), std::nullopt);
        auto set = [&](const char* name, std::optional<double> v) { row.values[size_t(t.column(name))] = v; };
        auto S = [&](Q q) { return sums.get(z, q); };
        const double px = S(q_pixels);
        set("pixel_count", px);
        if (px == 0) {
            row.notes.push_back("outside the analysis grid: raster-based potentials not computed");
            t.rows.push_back(std::move(row));
            continue;
        }
        set("land_area_m2", px * in.grid.pixel_area());
        const double roof_cov = S(q_roof_valid_px) / px, ghi_cov = S(q_ghi_valid_px) / px;
        set("roof_coverage", roof_cov);
        set("ghi_coverage", ghi_cov);
        set("roof_nodata_px", px - S(q_roof_valid_px));
        set("ghi_nodata_px", px - S(q_ghi_valid_px));
        if (S(q_roof_valid_px) > 0) set("roof_area_m2", S(q_roof_area_m2));
        if (S(q_ghi_valid_px) > 0) set("ghi_mean_kwh_m2", S(q_ghi_sum_kwh_m2) / S(q_ghi_valid_px));
        if (roof_cov == 0) row.notes.push_back("no roof data in this zone: roof PV not computed");
        else if (roof_cov < 1) row.notes.push_back(fmt::format("roof data covers {} of the zone (partial, not scaled up)", percent(roof_cov)));
        if (ghi_cov < 1) row.notes.push_back(fmt::format("irradiation covers {} of the zone", percent(ghi_cov)));
        if (S(q_roof_pv_px) > 0) {
            set("eligible_roof_area_m2", S(q_eligible_roof_m2));
            set("solar_roof_theoretical_mwh", S(q_roof_theoretical_kwh) / 1000);
            set("solar_roof_capacity_kw", S(q_roof_capacity_kw));
            set("solar_roof_technical_mwh", S(q_roof_technical_kwh) / 1000);
            set("solar_roof_usable_mwh", S(q_roof_usable_kwh) / 1000);
            set("solar_roof_usable_co2_t", S(q_roof_usable_kwh) / 1000 * co2_el);
        }
        if (in.landuse) {
            const double lu_cov = S(q_landuse_valid_px) / px;
            set("landuse_coverage", lu_cov);
            if (lu_cov == 0) row.notes.push_back("no land-use data in this zone: land PV not computed");
            else if (lu_cov < 1) row.notes.push_back(fmt::format("land-use data covers {} of the zone", percent(lu_cov)));
            if (S(q_land_pv_px) > 0) {
                set("landuse_land_area_m2", S(q_land_area_m2));
                set("solar_land_theoretical_mwh", S(q_land_theoretical_kwh) / 1000);
                set("solar_land_capacity_kw", S(q_land_capacity_kw));
                set("solar_land_technical_mwh", S(q_land_technical_kwh) / 1000);
                set("solar_land_usable_mwh", S(q_land_usable_kwh) / 1000);
                set("solar_land_usable_co2_t", S(q_land_usable_kwh) / 1000 * co2_el);
            }
        } else {
            row.notes.push_back("no land-use layer: land PV not computed");
        }
        if (in.temperature && S(q_temperature_valid_px) > 0)
            set("temperature_mean_c", S(q_temperature_sum_c) / S(q_temperature_valid_px));
        if (in.population && S(q_population_valid_px) > 0) set("population", S(q_population));
        t.rows.push_back(std::move(row));
    }
    for (size_t r = 0; r < t.rows.size(); ++r)
        if (auto why = check_tiers(t, r); !why.empty())
            throw std::logic_error(fmt::format("internal check failed for zone {}: {} (method.md §1); please report this",
                                               t.rows[r].zone_id, why));
    return t;
}

std::string check_tiers(const ResultsTable& t, size_t row) {
    // Relative slack for the rounding of different summation orders, never for real violations.
    auto le = [](double a, double b) { return a <= b + 1e-9 * std::max(1.0, std::abs(b)); };
    for (const char* src : {"solar_roof", "solar_land"}) {
        auto th = t.value(row, fmt::format("{}_theoretical_mwh", src));
        auto te = t.value(row, fmt::format("{}_technical_mwh", src));
        auto us = t.value(row, fmt::format("{}_usable_mwh", src));
        if (us && (*us < 0 || (te && !le(*us, *te)))) return fmt::format("{} usable {} > technical {}", src, *us, te.value_or(NAN));
        if (te && th && !le(*te, *th)) return fmt::format("{} technical {} > theoretical {}", src, *te, *th);
    }
    return "";
}

}  // namespace repot
