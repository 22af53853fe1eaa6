#pragma once
// Scenario: every parameter of method.md with its unit, default and source. The typed structs are
// what kernels read; describe() lists them with metadata for `repot params`, validation and the manifest.
#include <array>
#include <string>
#include <vector>

namespace repot {

struct SolarRoofParams {
    double coverage = 0.80;            // share of eligible roof carrying panels
    double density_kw_m2 = 0.167;      // panel capacity per m² of panel
    double design_factor = 0.88;       // K, JIS C 8907 form
    double usable_factor = 0.85;       // share of buildings that can carry panels
    double max_tilt_deg = 60;          // roofs at or above this slope are not eligible
    double north_min_tilt_deg = 15;    // north-facing roofs at or above this slope are not eligible
    double north_sector_deg = 90;      // "facing north" = aspect within this angle of north
    double min_shade_factor = 0.70;    // share of unshaded irradiation needed when a shade layer is given
    double flat_below_deg = 3;         // roofs below this slope count as flat
    double flat_panel_tilt_deg = 15;   // flat roofs carry panels at this tilt...
    double flat_panel_aspect_deg = 180;  // ...facing this way (south)
};

struct SolarLandParams {
    double density_kw_m2 = 0.05;       // ≈ 1 MW per 2 ha
    double panel_tilt_deg = 30;
    double panel_aspect_deg = 180;
    double design_factor = 0.88;
    double max_terrain_slope_deg = 20;  // usable only below this terrain slope (when a slope layer is given)
};

struct IrradiationParams {
    double albedo = 0.2;
    // Monthly weights used to split a 1-band annual GHI into months (normalised before use):
    // JMA Tokyo 1991-2018 monthly GHI climatology, kWh/m².
    std::array<double, 12> monthly_profile{80.94, 90.04, 114.53, 132.56, 147.89, 122.46,
                                           137.06, 134.02, 99.1,  84.85,  70.69,  69.57};
};

struct SolarHeatParams {
    double persons_per_household = 2.0;
    double collector_m2_per_household = 6.0;
    double collector_efficiency = 0.40;
    double hot_water_gj_per_household = 12.0;
};

struct GroundHeatParams {
    double default_open_ground_fraction = 0.1;  // gsh_fraction without a land-use layer
    double borehole_spacing_m = 6;
    double borehole_length_m = 100;
    double extraction_w_per_m = 30;
    double full_load_hours = 1800;
    double cop = 4;
    double heating_gj_per_household = 10.2;
    double cooling_gj_per_household = 0.7;
};

struct WasteScenarioParams {
    double lhv_default_kj_per_kg = 9000;
    double eta_el_max = 0.25;
    double eta_heat = 0.20;
    double eta_el_plant_default = 0.15;
    double self_use = 0.3;
    double heat_use_share = 0.5;
    double biogenic_fraction = 0.56;
};

struct Co2Params {
    double electricity_t_per_mwh = 0.525;
    double heat_t_per_gj = 0.0624;
};

struct Scenario {
    std::string name = "default";  // the file's top-level `name`, else its stem (load_scenario)
    SolarRoofParams solar_roof;
    SolarLandParams solar_land;
    IrradiationParams irradiation;
    SolarHeatParams solar_heat;
    GroundHeatParams ground_heat;
    WasteScenarioParams waste;
    Co2Params co2;
};

// One parameter, pointing into a Scenario.
struct ParamInfo {
    std::string section, key, unit, source;
    bool assumption = false;    // our assumption rather than a published figure
    double min = 0, max = 0;    // valid closed range
    double* value = nullptr;    // first element
    int count = 1;              // 12 for monthly arrays
    bool set_by_user = false;   // filled by load_scenario
};

std::vector<ParamInfo> describe(Scenario& s);

// Reads a TOML scenario ([section] key = value); unknown sections/keys, values out of range and
// malformed numbers are errors naming the file. Returns the parameters set by the file.
std::vector<std::string> load_scenario(const std::string& path, Scenario& s);
void validate(Scenario& s);  // range checks; throws UsageError naming the parameter

// The full scenario as TOML, each value commented with its unit and source.
std::string scenario_to_toml(Scenario& s);

// Normalised monthly shares from the profile.
std::array<double, 12> monthly_shares(const IrradiationParams& p);

}  // namespace repot
