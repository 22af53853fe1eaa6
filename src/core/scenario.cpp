#include "repot/scenario.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numeric>

#include "repot/error.hpp"

namespace repot {

namespace {

constexpr const char* kPlateau = "PLATEAU SolarPotential default";
constexpr const char* kAssumption = "assumption";

ParamInfo P(const char* section, const char* key, double& v, const char* unit, const char* source,
            double lo, double hi, bool assumption = false) {
    return ParamInfo{section, key, unit, source, assumption, lo, hi, &v, 1, false};
}

}  // namespace

std::vector<ParamInfo> describe(Scenario& s) {
    auto& r = s.solar_roof;
    auto& l = s.solar_land;
    auto& i = s.irradiation;
    auto& h = s.solar_heat;
    auto& g = s.ground_heat;
    auto& w = s.waste;
    auto& c = s.co2;
    std::vector<ParamInfo> out{
        P("solar_roof", "coverage", r.coverage, "share", kPlateau, 0, 1),
        P("solar_roof", "density_kw_m2", r.density_kw_m2, "kW/m2", kPlateau, 0, 1),
        P("solar_roof", "design_factor", r.design_factor, "share", "JIS C 8907 form, REPOS value per PLATEAU", 0, 1),
        P("solar_roof", "usable_factor", r.usable_factor, "share", "Tokyo planning share of buildings that can carry panels", 0, 1, true),
        P("solar_roof", "max_tilt_deg", r.max_tilt_deg, "deg", kPlateau, 0, 90),
        P("solar_roof", "north_min_tilt_deg", r.north_min_tilt_deg, "deg", kPlateau, 0, 90),
        P("solar_roof", "north_sector_deg", r.north_sector_deg, "deg", kPlateau, 0, 180),
        P("solar_roof", "min_shade_factor", r.min_shade_factor, "share", "PLATEAU SolarPotential; NREL rooftop study", 0, 1),
        P("solar_roof", "flat_below_deg", r.flat_below_deg, "deg", kPlateau, 0, 90),
        P("solar_roof", "flat_panel_tilt_deg", r.flat_panel_tilt_deg, "deg", kPlateau, 0, 90),
        P("solar_roof", "flat_panel_aspect_deg", r.flat_panel_aspect_deg, "deg from north", kPlateau, 0, 360),
        P("solar_land", "density_kw_m2", l.density_kw_m2, "kW/m2", "about 1 MW per 2 ha (NREL reV uses 0.036)", 0, 1, true),
        P("solar_land", "panel_tilt_deg", l.panel_tilt_deg, "deg", "method.md section 4", 0, 90),
        P("solar_land", "panel_aspect_deg", l.panel_aspect_deg, "deg from north", "method.md section 4", 0, 360),
        P("solar_land", "design_factor", l.design_factor, "share", "JIS C 8907 form, as for roofs", 0, 1),
        P("solar_land", "max_terrain_slope_deg", l.max_terrain_slope_deg, "deg", "method.md section 4", 0, 90),
        P("irradiation", "albedo", i.albedo, "share", "Duffie & Beckman usual ground albedo", 0, 1),
        ParamInfo{"irradiation", "monthly_profile", "kWh/m2 per month (weights, normalised)",
                  "JMA Tokyo 1991-2018 climatology shipped with the data", false, 0, 1e6,
                  i.monthly_profile.data(), 12, false},
        P("solar_heat", "persons_per_household", h.persons_per_household, "persons", "census average for Tokyo", 0.5, 10, true),
        P("solar_heat", "collector_m2_per_household", h.collector_m2_per_household, "m2", "method.md section 5", 0, 100),
        P("solar_heat", "collector_efficiency", h.collector_efficiency, "share", "method.md section 5", 0, 1),
        P("solar_heat", "hot_water_gj_per_household", h.hot_water_gj_per_household, "GJ/yr", "method.md section 5", 0, 1000, true),
        P("ground_heat", "default_open_ground_fraction", g.default_open_ground_fraction, "share", "used without a land-use layer", 0, 1, true),
        P("ground_heat", "borehole_spacing_m", g.borehole_spacing_m, "m", "VDI 4640-2", 1, 100),
        P("ground_heat", "borehole_length_m", g.borehole_length_m, "m", "VDI 4640-2", 1, 1000),
        P("ground_heat", "extraction_w_per_m", g.extraction_w_per_m, "W/m", "VDI 4640-2, damp clay/loam at 1800 h", 0, 200),
        P("ground_heat", "full_load_hours", g.full_load_hours, "h/yr", "VDI 4640-2", 0, 8760),
        P("ground_heat", "cop", g.cop, "ratio", "method.md section 6", 1.01, 20),
        P("ground_heat", "heating_gj_per_household", g.heating_gj_per_household, "GJ/yr", "MOE 2012 detached-house figure", 0, 1000),
        P("ground_heat", "cooling_gj_per_household", g.cooling_gj_per_household, "GJ/yr", "MOE 2012 detached-house figure", 0, 1000),
        P("waste", "lhv_default_kj_per_kg", w.lhv_default_kj_per_kg, "kJ/kg", "method.md section 7", 0, 50000),
        P("waste", "eta_el_max", w.eta_el_max, "share", "modern plant", 0, 1, true),
        P("waste", "eta_heat", w.eta_heat, "share", "method.md section 7", 0, 1),
        P("waste", "eta_el_plant_default", w.eta_el_plant_default, "share", "plant without a nominal efficiency", 0, 1),
        P("waste", "self_use", w.self_use, "share", "plant's own consumption", 0, 1, true),
        P("waste", "heat_use_share", w.heat_use_share, "share", "recoverable heat that finds a user near the plant", 0, 1, true),
        P("waste", "biogenic_fraction", w.biogenic_fraction, "share", "municipal-waste average", 0, 1),
        P("co2", "electricity_t_per_mwh", c.electricity_t_per_mwh, "t-CO2/MWh", "TEPCO FY2012 actual (FY2013 planning factor)", 0, 10),
        P("co2", "heat_t_per_gj", c.heat_t_per_gj, "t-CO2/GJ", "Tokyo Gas 13A in an 80 % boiler: 0.0499 / 0.8", 0, 10),
    };
    return out;
}

void validate(Scenario& s) {
    for (const auto& p : describe(s))
        for (int k = 0; k < p.count; ++k) {
            double v = p.value[k];
            if (!std::isfinite(v) || v < p.min || v > p.max)
                throw UsageError(fmt::format("scenario parameter [{}] {} = {} is outside its valid range {}..{} ({})",
                                             p.section, p.key, v, p.min, p.max, p.unit));
        }
    auto& prof = s.irradiation.monthly_profile;
    if (std::accumulate(prof.begin(), prof.end(), 0.0) <= 0)
        throw UsageError("scenario parameter [irradiation] monthly_profile must have a positive sum");
}

std::vector<std::string> load_scenario(const std::string& path, Scenario& s) {
    std::ifstream in(path);
    if (!in) throw UsageError(fmt::format("{}: cannot open scenario file", path));
    std::vector<CLI::ConfigItem> items;
    try {
        items = CLI::ConfigTOML().from_config(in);
    } catch (const std::exception& e) {
        throw UsageError(fmt::format("{}: not a valid TOML scenario: {}", path, e.what()));
    }
    auto params = describe(s);
    std::vector<std::string> set;
    for (const auto& item : items) {
        // CLI11 reports section headers as "++"/"--" markers; they carry no value.
        if (item.name == "++" || item.name == "--") continue;
        std::string section = item.parents.empty() ? "" : item.parents.back();
        auto it = std::find_if(params.begin(), params.end(),
                               [&](const ParamInfo& p) { return p.section == section && p.key == item.name; });
        if (it == params.end())
            throw UsageError(fmt::format("{}: unknown scenario parameter [{}] {} (see `repot params`)", path, section, item.name));
        if (int(item.inputs.size()) != it->count)
            throw UsageError(fmt::format("{}: [{}] {} takes {} value(s), found {}", path, section, item.name,
                                         it->count, item.inputs.size()));
        for (int k = 0; k < it->count; ++k) {
            const std::string& text = item.inputs[k];
            size_t used = 0;
            double v = 0;
            try {
                v = std::stod(text, &used);
            } catch (const std::exception&) {
                used = 0;
            }
            if (used == 0 || used != text.size())
                throw UsageError(fmt::format("{}: [{}] {} = '{}' is not a number", path, section, item.name, text));
            it->value[k] = v;
        }
        set.push_back(section + "." + item.name);
    }
    try {
        validate(s);
    } catch (const UsageError& e) {
        throw UsageError(fmt::format("{}: {}", path, e.what()));
    }
    return set;
}

std::string scenario_to_toml(Scenario& s) {
    std::string out =
        "# repot scenario: every parameter with its default, unit and source (method.md).\n"
        "# Copy this file, change what you need and pass it with --scenario FILE.toml.\n";
    std::string section;
    for (const auto& p : describe(s)) {
        if (p.section != section) {
            section = p.section;
            out += fmt::format("\n[{}]\n", section);
        }
        std::string value;
        if (p.count == 1) {
            value = fmt::format("{}", p.value[0]);
        } else {
            value = "[";
            for (int k = 0; k < p.count; ++k) value += fmt::format("{}{}", k ? ", " : "", p.value[k]);
            value += "]";
        }
        out += fmt::format("{} = {}  # {}; {}{}\n", p.key, value, p.unit, p.source, p.assumption ? " (assumption)" : "");
    }
    return out;
}

std::array<double, 12> monthly_shares(const IrradiationParams& p) {
    double total = std::accumulate(p.monthly_profile.begin(), p.monthly_profile.end(), 0.0);
    std::array<double, 12> out{};
    for (int m = 0; m < 12; ++m) out[m] = p.monthly_profile[m] / total;
    return out;
}

}  // namespace repot
