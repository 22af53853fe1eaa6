#include "build_results.hpp"

#include <fmt/format.h>

#include <cmath>

#include "repot/error.hpp"
#include "repot/kernels.hpp"

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
        {"population", 1},
        {"households", 1},
        {"solar_heat_theoretical_gj", 3, "solar_heat", "theoretical", "energy", "GJ"},
        {"solar_heat_technical_gj", 3, "solar_heat", "technical", "energy", "GJ"},
        {"solar_heat_usable_gj", 3, "solar_heat", "usable", "energy", "GJ"},
        {"solar_heat_usable_co2_t", 3, "solar_heat", "usable", "co2_reduction", "t-CO2"},
        {"ground_heat_theoretical_gj", 3, "ground_heat", "theoretical", "energy", "GJ"},
        {"ground_heat_technical_gj", 3, "ground_heat", "technical", "energy", "GJ"},
        {"ground_heat_usable_gj", 3, "ground_heat", "usable", "energy", "GJ"},
        {"ground_heat_usable_co2_t", 3, "ground_heat", "usable", "co2_reduction", "t-CO2"},
        {"ghi_mean_kwh_m2", 2},
        {"temperature_mean_c", 2},
        {"roof_coverage", 6},
        {"ghi_coverage", 6},
        {"landuse_coverage", 6},
        {"population_coverage", 6},
        {"heat_demand_coverage", 6},
        {"roof_nodata_px", 0},
        {"ghi_nodata_px", 0},
    };
}

// Where each waste quantity belongs in the tidy form.
ColumnSpec waste_column(const WasteField& f, bool served) {
    const std::string name = f.name;
    const std::string prefix = served ? "waste_served" : "waste";
    std::string carrier = name.rfind("power", 0) == 0 || name == "biogenic_usable_mwh" ? "_power"
                          : name.rfind("heat", 0) == 0 || name == "biogenic_heat_usable_gj" ? "_heat" : "";
    if (name.find("biogenic") != std::string::npos) carrier += "_biogenic";
    std::string tier = name.find("theoretical") != std::string::npos ? "theoretical"
                       : name.find("technical") != std::string::npos ? "technical"
                       : name.find("usable") != std::string::npos    ? "usable"
                                                                      : "input";
    std::string quantity = name.find("co2") != std::string::npos ? "co2_reduction"
                           : name == "throughput_t"              ? "throughput"
                                                                 : "energy";
    std::string unit = name.ends_with("_mwh") ? "MWh" : name.ends_with("_gj") ? "GJ" : name.ends_with("_co2_t") ? "t-CO2" : "t";
    return {prefix + "_" + name, 3, prefix + carrier, tier, quantity, unit};
}

std::string percent(double share) { return fmt::format("{:.1f} %", share * 100); }

}  // namespace

ResultsTable build_results(const Inputs& in, const ZoneSums& sums, const WasteByZone* waste) {
    ResultsTable t;
    t.columns = schema();
    for (bool served : {false, true})
        for (const auto& f : kWasteFields) t.columns.push_back(waste_column(f, served));
    const double co2_heat = in.scenario.co2.heat_t_per_gj;
    // A heat pump's electricity offsets part of the gas it displaces: ground heat's CO2 is net of it.
    const double co2_ground = co2_heat - in.scenario.co2.electricity_t_per_mwh / (3.6 * in.scenario.ground_heat.cop);
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
        if (waste) {
            auto fill = [&](const std::map<std::string, ZoneWaste>& m, bool served) {
                auto it = m.find(row.zone_id);
                ZoneWaste none;
                const ZoneWaste& w = it == m.end() ? none : it->second;
                for (const auto& f : kWasteFields)
                    set((std::string(served ? "waste_served_" : "waste_") + f.name).c_str(), w.*(f.member));
            };
            fill(waste->host, false);
            if (waste->has_served && !waste->served_not_computed.count(row.zone_id)) fill(waste->served, true);
            if (auto n = waste->notes.find(row.zone_id); n != waste->notes.end())
                row.notes.insert(row.notes.end(), n->second.begin(), n->second.end());
        }
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
        std::optional<double> households;
        if (in.population) {
            const double cov = S(q_population_valid_px) / px;
            set("population_coverage", cov);
            if (cov > 0) {
                set("population", S(q_population));
                households = S(q_population) / in.scenario.solar_heat.persons_per_household;
                set("households", households);
            }
            if (cov < 1) row.notes.push_back(fmt::format("population covers {} of the zone", percent(cov)));
        }
        std::optional<double> sh_capped, gh_capped;
        if (in.heat_demand) {
            const double cov = S(q_heat_demand_valid_px) / px;
            set("heat_demand_coverage", cov);
            if (cov > 0) sh_capped = S(q_solar_heat_capped_gj), gh_capped = S(q_ground_heat_capped_gj);
            else row.notes.push_back("no heat-demand data in this zone: usable heat not computed");
        }
        if (S(q_roof_pv_px) > 0) {
            HeatTiers h = solar_heat_zone(S(q_collector_m2), S(q_collector_kwh), households, sh_capped, in.scenario.solar_heat);
            set("solar_heat_theoretical_gj", h.theoretical_gj);
            set("solar_heat_technical_gj", h.technical_gj);
            set("solar_heat_usable_gj", h.usable_gj);
            if (h.usable_gj) set("solar_heat_usable_co2_t", *h.usable_gj * co2_heat);
        }
        if (S(q_ground_px) > 0) {
            HeatTiers h = ground_heat_zone(S(q_ground_theoretical_gj), S(q_ground_technical_gj), households, gh_capped,
                                           in.scenario.ground_heat);
            set("ground_heat_theoretical_gj", h.theoretical_gj);
            set("ground_heat_technical_gj", h.technical_gj);
            set("ground_heat_usable_gj", h.usable_gj);
            if (h.usable_gj) set("ground_heat_usable_co2_t", *h.usable_gj * co2_ground);
        }
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
    // (source, unit) pairs whose three tiers are energy of one carrier.
    const std::pair<const char*, const char*> same_carrier[] = {
        {"solar_roof", "mwh"}, {"solar_land", "mwh"}, {"solar_heat", "gj"}, {"ground_heat", "gj"}};
    for (auto [src, unit] : same_carrier) {
        auto th = t.value(row, fmt::format("{}_theoretical_{}", src, unit));
        auto te = t.value(row, fmt::format("{}_technical_{}", src, unit));
        auto us = t.value(row, fmt::format("{}_usable_{}", src, unit));
        if (us && (*us < 0 || (te && !le(*us, *te)))) return fmt::format("{} usable {} > technical {}", src, *us, te.value_or(NAN));
        if (te && th && !le(*te, *th)) return fmt::format("{} technical {} > theoretical {}", src, *te, *th);
    }
    for (const char* prefix : {"waste", "waste_served"}) {
        auto th = t.value(row, fmt::format("{}_theoretical_gj", prefix));
        auto pe = t.value(row, fmt::format("{}_power_technical_mwh", prefix));
        auto pu = t.value(row, fmt::format("{}_power_usable_mwh", prefix));
        auto he = t.value(row, fmt::format("{}_heat_technical_gj", prefix));
        auto hu = t.value(row, fmt::format("{}_heat_usable_gj", prefix));
        if (pu && pe && (*pu < 0 || !le(*pu, *pe))) return fmt::format("{} power usable {} > technical {}", prefix, *pu, *pe);
        if (hu && he && (*hu < 0 || !le(*hu, *he))) return fmt::format("{} heat usable {} > technical {}", prefix, *hu, *he);
        if (th && pe && !le(*pe * 3.6, *th)) return fmt::format("{} power technical {} MWh > theoretical {} GJ", prefix, *pe, *th);
        if (th && he && !le(*he, *th)) return fmt::format("{} heat technical {} > theoretical {}", prefix, *he, *th);
    }
    return "";
}

}  // namespace repot
