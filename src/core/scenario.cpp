#include "repot/scenario.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <optional>
#include <sstream>
#include <string_view>

#include "repot/error.hpp"
#include "repot/message_text.hpp"

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

namespace {

// Why a parameter's value is not valid, or "" when it is.
std::string range_problem(const ParamInfo& p) {
    for (int k = 0; k < p.count; ++k) {
        double v = p.value[k];
        if (!std::isfinite(v) || v < p.min || v > p.max)
            return fmt::format("scenario parameter [{}] {} = {} is outside its valid range {}..{} ({})", p.section,
                               p.key, v, p.min, p.max, p.unit);
    }
    return {};
}

}  // namespace

void validate(Scenario& s) {
    for (const auto& p : describe(s))
        if (const std::string why = range_problem(p); !why.empty()) throw UsageError(why);
    auto& prof = s.irradiation.monthly_profile;
    if (std::accumulate(prof.begin(), prof.end(), 0.0) <= 0)
        throw UsageError("scenario parameter [irradiation] monthly_profile must have a positive sum");
}

namespace {

// Where a TOML node came from, as "line N" (toml++ counts lines and columns from 1).
std::string line_of(const toml::source_region& where) { return fmt::format("line {}", where.begin.line); }

const char* type_name(toml::node_type t) {
    switch (t) {
        case toml::node_type::string: return "a string";
        case toml::node_type::integer: return "an integer";
        case toml::node_type::floating_point: return "a number";
        case toml::node_type::boolean: return "a boolean";
        case toml::node_type::date: return "a date";
        case toml::node_type::time: return "a time";
        case toml::node_type::date_time: return "a date-time";
        case toml::node_type::array: return "an array";
        case toml::node_type::table: return "a table";
        default: return "nothing";
    }
}

// A TOML integer or float as a double; nullopt for any other type.
std::optional<double> number_of(const toml::node& n) {
    if (const auto* f = n.as_floating_point()) return f->get();
    if (const auto* i = n.as_integer()) return static_cast<double>(i->get());
    return std::nullopt;
}

// The text of line `line` (1-based) of `text`, for showing a syntax error in context.
std::string_view text_line(std::string_view text, std::size_t line) {
    std::size_t pos = 0;
    for (std::size_t l = 1; l < line && pos != std::string_view::npos; ++l) {
        pos = text.find('\n', pos);
        if (pos != std::string_view::npos) ++pos;
    }
    if (pos == std::string_view::npos || pos > text.size()) return {};
    const std::size_t eol = text.find('\n', pos);
    return text.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
}

std::string section_list(const std::vector<ParamInfo>& params) {
    std::string out, last;
    for (const auto& p : params) {
        if (p.section == last) continue;  // describe() lists each section's parameters together
        out += (out.empty() ? "" : ", ") + p.section;
        last = p.section;
    }
    return out;
}

}  // namespace

std::vector<std::string> load_scenario(const std::string& path, Scenario& s) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UsageError(fmt::format("{}: cannot open scenario file", path));
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    // toml++ rather than CLI11's config reader: it is a full TOML parser and says where a problem is.
    toml::table doc;
    try {
        doc = toml::parse(text, path);
    } catch (const toml::parse_error& e) {
        const auto& at = e.source().begin;
        throw UsageError(fmt::format("{}: line {}, column {}: not valid TOML: {} (the line reads {})", path, at.line,
                                     at.column, escape_for_message(e.description()),
                                     quote_for_message(text_line(text, at.line))));
    }
    auto params = describe(s);
    std::vector<std::string> set;
    s.name = std::filesystem::path(path).stem().string();
    for (auto&& [section_key, section_node] : doc) {
        const std::string section(section_key.str());
        const std::string where = fmt::format("{}: {}", path, line_of(section_key.source()));
        if (section == "name") {  // the scenario's name, for map metadata and reports
            const auto name = section_node.value<std::string>();
            if (!name || name->empty())
                throw UsageError(fmt::format("{}: name is {}; expected a non-empty string", where,
                                             type_name(section_node.type())));
            s.name = *name;
            continue;
        }
        const bool known = std::any_of(params.begin(), params.end(), [&](const ParamInfo& p) { return p.section == section; });
        const toml::table* table = section_node.as_table();
        if (!table)
            throw UsageError(fmt::format("{}: {} = ... is outside any [section]; expected a section header such as "
                                         "[solar_roof] (sections: {}; see `repot params`)",
                                         where, quote_for_message(section), section_list(params)));
        if (!known)
            throw UsageError(fmt::format("{}: unknown scenario section [{}] (sections: {}; see `repot params`)", where,
                                         escape_for_message(section), section_list(params)));
        for (auto&& [key, node] : *table) {
            const std::string name(key.str());
            const std::string at = fmt::format("{}: {}", path, line_of(key.source()));
            auto it = std::find_if(params.begin(), params.end(),
                                   [&](const ParamInfo& p) { return p.section == section && p.key == name; });
            if (it == params.end())
                throw UsageError(fmt::format("{}: unknown scenario parameter [{}] {} (see `repot params`)", at, section,
                                             quote_for_message(name)));
            const std::string id = fmt::format("[{}] {}", section, name);
            if (it->count == 1) {
                const auto v = number_of(node);
                if (!v)
                    throw UsageError(fmt::format("{}: {} is {}; expected a number ({})", at, id, type_name(node.type()),
                                                 it->unit));
                it->value[0] = *v;
            } else {
                const toml::array* values = node.as_array();
                if (!values)
                    throw UsageError(fmt::format("{}: {} is {}; expected an array of {} numbers", at, id,
                                                 type_name(node.type()), it->count));
                if (int(values->size()) != it->count)
                    throw UsageError(fmt::format("{}: {} takes {} values, found {}", at, id, it->count, values->size()));
                for (int k = 0; k < it->count; ++k) {
                    const auto v = number_of((*values)[size_t(k)]);
                    if (!v)
                        throw UsageError(fmt::format("{}: {} value {} is {}; expected a number", at, id, k + 1,
                                                     type_name((*values)[size_t(k)].type())));
                    it->value[k] = *v;
                }
            }
            // Range checked here too, so that the message can give the line.
            if (const std::string why = range_problem(*it); !why.empty())
                throw UsageError(fmt::format("{}: {}", at, why));
            set.push_back(section + "." + name);
        }
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
