#include "build_results.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "repot/error.hpp"
#include "repot/kernels.hpp"

namespace repot {

namespace {

// Every input layer's coverage (method.md §10): the share of the pixels that need the layer where it
// has a value, and the count of those without one. `denominator` is q_pixels for most layers.
struct LayerCoverage {
    const char* name;   // column prefix, as the flag without "--"
    Q valid, denominator;
    const char* what;   // for notes
    const char* of;     // what the denominator counts
    const char* partial;  // what a partial coverage means
};
constexpr LayerCoverage kLayers[] = {
    {"roof", q_roof_valid_px, q_pixels, "roof data", "the zone", "roof PV and solar heat are partial, not scaled up"},
    {"ghi", q_ghi_valid_px, q_pixels, "irradiation", "the zone", "solar potentials are partial, not scaled up"},
    {"roof_slope", q_roof_slope_valid_px, q_roof_px, "roof slope", "the roof pixels",
     "roofs without it count in the theoretical tier only"},
    {"roof_aspect", q_roof_aspect_valid_px, q_roof_px, "roof aspect", "the roof pixels (flat ones need none)",
     "roofs without it count in the theoretical tier only"},
    {"roof_shade", q_roof_shade_valid_px, q_roof_px, "roof shade", "the roof pixels",
     "roofs without it count in the theoretical tier only"},
    {"landuse", q_landuse_valid_px, q_pixels, "land-use data", "the zone",
     "land PV and ground-source heat are partial, not scaled up"},
    {"terrain_slope", q_terrain_slope_valid_px, q_land_px, "terrain slope", "the land pixels",
     "land without it is left out of usable land PV"},
    {"inclusion", q_inclusion_valid_px, q_pixels, "the inclusion layers", "the zone",
     "where one has no value it restricts nothing (factor 1)"},
    {"temperature", q_temperature_valid_px, q_pixels, "temperature", "the zone",
     "temperature_mean_c is the mean of the covered pixels"},
    {"population", q_population_valid_px, q_pixels, "population", "the zone",
     "households and the demand caps are partial, not scaled up"},
    {"heat_demand", q_heat_demand_valid_px, q_pixels, "heat-demand data", "the zone",
     "usable heat sums only the covered cells, not scaled up"},
};

// The stable column schema of potential.csv (method.md §9; issue contract order first).
std::vector<ColumnSpec> schema() {
    std::vector<ColumnSpec> c = {
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
        {"solar_land_existing_area_m2", 2, "solar_land", "existing", "area", "m2"},
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
    };
    for (const auto& l : kLayers) c.push_back({std::string(l.name) + "_coverage", 6, l.name, "input", "coverage", "share"});
    for (const auto& l : kLayers) c.push_back({std::string(l.name) + "_nodata_px", 0, l.name, "input", "nodata", "px"});
    return c;
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

// Whether the run has the layer of a coverage column.
bool has_layer(const Inputs& in, const std::string& name) {
    if (name == "inclusion") return !in.inclusion.empty();
    for (const RasterInput* r : in.rasters()) {
        std::string role = r->rules.role;
        std::replace(role.begin(), role.end(), '-', '_');
        if (role == name) return true;
    }
    return false;
}

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
    std::vector<const LayerCoverage*> layers;  // the run's layers
    for (const auto& l : kLayers)
        if (has_layer(in, l.name)) layers.push_back(&l);
    const auto& zones = in.zones.zones();
    for (size_t k = 0; k < zones.size(); ++k) {
        const int z = int(k) + 1;
        ResultRow row;
        row.zone_id = zones[k].id;
        row.zone_name = zones[k].name;
        row.values.assign(t.columns.size(), std::nullopt);
        auto set = [&](const std::string& name, std::optional<double> v) { row.values[size_t(t.column(name))] = v; };
        auto note = [&](std::string code, std::string text) { row.notes.push_back({std::move(code), std::move(text)}); };
        auto S = [&](Q q) { return sums.get(z, q); };
        const double px = S(q_pixels);
        if (in.has_grid) set("pixel_count", px);
        if (waste) {
            auto fill = [&](const std::map<std::string, ZoneWaste>& m, bool served) {
                auto it = m.find(row.zone_id);
                ZoneWaste none;
                const ZoneWaste& w = it == m.end() ? none : it->second;
                for (const auto& f : kWasteFields)
                    set(std::string(served ? "waste_served_" : "waste_") + f.name, w.*(f.member));
            };
            fill(waste->host, false);
            if (waste->has_served && !waste->served_not_computed.count(row.zone_id)) fill(waste->served, true);
            if (auto n = waste->notes.find(row.zone_id); n != waste->notes.end())
                row.notes.insert(row.notes.end(), n->second.begin(), n->second.end());
        }
        if (!in.has_grid) {
            note("no_raster", "no raster input: raster-based potentials not computed");
            t.rows.push_back(std::move(row));
            continue;
        }
        if (px == 0) {
            note("outside_grid", "outside the analysis grid: raster-based potentials not computed");
            t.rows.push_back(std::move(row));
            continue;
        }
        set("land_area_m2", px * in.grid.pixel_area());
        for (const Note& n : in.notes)  // a layer the run lacks: every row says which sources it leaves empty
            if (n.code.starts_with("no_") && n.code.ends_with("_layer")) row.notes.push_back(n);
        // Coverage of every layer over the pixels that need it; a note wherever it is short of 100 %.
        for (const LayerCoverage* l : layers) {
            const double need = S(l->denominator), valid = S(l->valid);
            set(std::string(l->name) + "_nodata_px", need - valid);
            if (need == 0) continue;  // e.g. no roofs for the roof slope to screen
            const double share = valid / need;
            set(std::string(l->name) + "_coverage", share);
            if (share == 0)
                note(std::string(l->name) + "_coverage_none", fmt::format("no {} in {}", l->what, l->of));
            else if (share < 1)
                note(std::string(l->name) + "_coverage_partial",
                     fmt::format("{} covers {} of {}: {}", l->what, percent(share), l->of, l->partial));
        }
        if (S(q_roof_valid_px) > 0) set("roof_area_m2", S(q_roof_area_m2));
        if (S(q_ghi_valid_px) > 0) set("ghi_mean_kwh_m2", S(q_ghi_sum_kwh_m2) / S(q_ghi_valid_px));
        // Roof PV: theoretical wherever roof and GHI have values; the technical tier also needs the
        // screening layers, and is empty when they cover none of the zone's roofs.
        const bool roof_faces = S(q_roof_px) == 0 || S(q_roof_face_px) > 0;
        if (S(q_roof_pv_px) > 0) {
            set("solar_roof_theoretical_mwh", S(q_roof_theoretical_kwh) / 1000);
            if (roof_faces) {
                set("eligible_roof_area_m2", S(q_eligible_roof_m2));
                const PvTiers pv = solar_roof_zone(S(q_eligible_roof_m2), S(q_roof_plane_kwh),
                                                   S(q_roof_plane_included_kwh), in.scenario.solar_roof);
                set("solar_roof_capacity_kw", pv.capacity_kw);
                set("solar_roof_technical_mwh", pv.technical_kwh / 1000);
                set("solar_roof_usable_mwh", pv.usable_kwh / 1000);
                set("solar_roof_usable_co2_t", pv.usable_kwh / 1000 * co2_el);
            } else {
                note("roof_screening_none", "no roof has a value in every screening layer given (slope, aspect, "
                                            "shade): roof PV technical and usable tiers and solar heat not computed");
            }
        }
        if (in.landuse && S(q_land_pv_px) > 0) {
            set("landuse_land_area_m2", S(q_land_area_m2));
            set("solar_land_existing_area_m2", S(q_existing_pv_m2));
            set("solar_land_theoretical_mwh", S(q_land_theoretical_kwh) / 1000);
            const PvTiers pv = solar_land_zone(S(q_land_panel_m2), S(q_land_plane_kwh), S(q_land_plane_usable_kwh),
                                               in.scenario.solar_land);
            set("solar_land_capacity_kw", pv.capacity_kw);
            set("solar_land_technical_mwh", pv.technical_kwh / 1000);
            set("solar_land_usable_mwh", pv.usable_kwh / 1000);
            set("solar_land_usable_co2_t", pv.usable_kwh / 1000 * co2_el);
        }
        // Open ground where roof data is missing (method.md §10): never the whole pixel silently.
        const double no_roof_px = px - S(q_roof_valid_px);
        if (no_roof_px > 0 && S(q_ground_px) > 0) {
            if (in.classes)
                note("open_ground_built_share",
                     fmt::format("no roof data on {} of the zone: open ground there is the pixel less its land-use "
                                 "class's built share ({})", percent(no_roof_px / px), in.classes->origin()));
            else
                note("open_ground_whole_pixel",
                     fmt::format("no roof data on {} of the zone and no land-use classes: ground-source heat takes the "
                                 "whole pixel as open ground there", percent(no_roof_px / px)));
        }
        if (in.temperature && S(q_temperature_valid_px) > 0)
            set("temperature_mean_c", S(q_temperature_sum_c) / S(q_temperature_valid_px));
        std::optional<double> households;
        if (in.population && S(q_population_valid_px) > 0) {
            set("population", S(q_population));
            households = S(q_population) / in.scenario.solar_heat.persons_per_household;
            set("households", households);
        }
        std::optional<double> sh_capped, gh_capped;
        if (in.heat_demand && S(q_heat_demand_valid_px) > 0)
            sh_capped = S(q_solar_heat_capped_gj), gh_capped = S(q_ground_heat_capped_gj);
        if (S(q_roof_pv_px) > 0 && roof_faces) {
            HeatTiers h = solar_heat_zone(S(q_eligible_roof_m2), S(q_roof_plane_kwh), households, sh_capped,
                                          in.scenario.solar_roof, in.scenario.solar_heat);
            set("solar_heat_theoretical_gj", h.theoretical_gj);
            set("solar_heat_technical_gj", h.technical_gj);
            set("solar_heat_usable_gj", h.usable_gj);
            if (h.usable_gj) set("solar_heat_usable_co2_t", *h.usable_gj * co2_heat);
        }
        if (S(q_ground_px) > 0) {
            HeatTiers h = ground_heat_zone(S(q_ground_open_m2), S(q_ground_field_m2), in.classes.has_value(), households,
                                           gh_capped, in.scenario.ground_heat);
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
