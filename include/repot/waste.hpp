#pragma once
// Waste energy from incineration plants (method.md §7, CO2 factors §8): per-plant tiers, the sum by
// host municipality and the allocation to the municipalities a union plant serves.
// Plain structs only: the GDAL reader (src/io/waste_table.cpp) fills them, the kernel
// (src/kernels/waste.cpp) computes on them, src/io/plants_csv.cpp lists them. docs/waste.md has
// the accepted columns and every choice made here.
//
// Units: throughput t/yr, LHV kJ/kg, electricity MWh/yr, heat and fuel input GJ/yr, CO2 t/yr,
// efficiencies and shares as fractions (0..1).
#include "repot/results.hpp"
#include <array>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace repot {

struct WasteParams {
    double lhv_default_kj_per_kg = 9000;  // when a plant reports neither a measured nor a calculated LHV
    double eta_el_max = 0.25;             // technical electricity: a modern plant's efficiency (assumption)
    double eta_heat = 0.20;               // technical heat: recoverable heat share of the input
    double eta_el_plant_default = 0.15;   // usable electricity when a plant reports no nominal efficiency
    double self_use = 0.3;                // share of generation the plant consumes itself (assumption)
    double heat_use_share = 0.5;          // share of recoverable heat that finds a user nearby (assumption)
    double biogenic_fraction = 0.56;      // renewable share of the input, municipal-waste average
    double co2_t_per_mwh = 0.525;         // grid electricity, TEPCO FY2012 actual
    double co2_t_per_gj_heat = 0.0624;    // city gas 13A in an 80 % boiler: 0.0499 / 0.8
};

// One row of the plant table. Optional inputs are the ones a table may lack; the reader turns
// empty cells, and zeros in the LHV and efficiency columns, into "not reported".
struct WastePlant {
    std::string id;             // facility_code (or the row number when the table has no id)
    std::string name;           // facility_name
    std::string operator_code;  // operator_lg_code: the municipality or union running the plant
    std::string operator_name;
    std::string host_zone;      // municipality code where the plant stands
    std::string source;         // "file, row N" for messages
    double throughput_t = 0;    // annual throughput; 0 = idle, retired or not yet running
    std::optional<double> lhv_measured_kj_per_kg;
    std::optional<double> lhv_calculated_kj_per_kg;
    std::optional<double> efficiency_nominal;  // nominal (design) power efficiency, fraction
    std::optional<double> power_capacity_kw;
    // Reported actuals, shown beside the computed values, never used in the computation.
    std::optional<double> power_generated_mwh;
    std::optional<double> power_external_mwh;  // of which supplied outside the plant
    std::optional<double> power_sold_mwh;
    std::optional<double> heat_used_actual_gj;
    std::optional<double> heat_external_actual_gj;
    // Set when the host came from a point geometry (x, y in the layer's CRS) rather than a code.
    std::optional<double> x, y;
    std::string xy_crs_wkt;  // the CRS of x, y
};

enum class LhvSource { measured, calculated, default_value };
const char* to_string(LhvSource s);

// The energy quantities that are summed per zone and allocated to member municipalities.
struct WasteEnergy {
    double throughput_t = 0;
    double theoretical_gj = 0;           // E_in = M * LHV
    double biogenic_theoretical_gj = 0;  // E_in * biogenic_fraction
    double power_technical_mwh = 0;      // E_in * eta_el_max / 3.6
    double heat_technical_gj = 0;        // E_in * eta_heat
    double power_usable_mwh = 0;         // E_in * eta_el_plant * (1 - self_use) / 3.6
    double heat_usable_gj = 0;           // E_in * eta_heat * heat_use_share
    double biogenic_usable_mwh = 0;      // power_usable_mwh * biogenic_fraction
    double biogenic_heat_usable_gj = 0;  // heat_usable_gj * biogenic_fraction
    double power_usable_co2_t = 0;       // power_usable_mwh * co2_t_per_mwh
    double heat_usable_co2_t = 0;        // heat_usable_gj * co2_t_per_gj_heat
};

// Column name (without the waste_ / waste_served_ prefix) and member of every WasteEnergy field,
// in output order. Allocation and the writers iterate over this list, so a new field is added once.
struct WasteField {
    const char* name;
    double WasteEnergy::*member;
};
inline constexpr std::array<WasteField, 11> kWasteFields{{
    {"throughput_t", &WasteEnergy::throughput_t},
    {"theoretical_gj", &WasteEnergy::theoretical_gj},
    {"biogenic_theoretical_gj", &WasteEnergy::biogenic_theoretical_gj},
    {"power_technical_mwh", &WasteEnergy::power_technical_mwh},
    {"heat_technical_gj", &WasteEnergy::heat_technical_gj},
    {"power_usable_mwh", &WasteEnergy::power_usable_mwh},
    {"heat_usable_gj", &WasteEnergy::heat_usable_gj},
    {"biogenic_usable_mwh", &WasteEnergy::biogenic_usable_mwh},
    {"biogenic_heat_usable_gj", &WasteEnergy::biogenic_heat_usable_gj},
    {"power_usable_co2_t", &WasteEnergy::power_usable_co2_t},
    {"heat_usable_co2_t", &WasteEnergy::heat_usable_co2_t},
}};

struct WastePlantResult : WasteEnergy {
    double lhv_kj_per_kg = 0;  // the LHV used
    LhvSource lhv_source = LhvSource::default_value;
    double eta_el_plant = 0;   // the efficiency used for the usable tier
    bool eta_el_plant_is_default = true;
    // E_in * eta_el_plant / 3.6: gross generation before self-use, the like-for-like figure to
    // compare with a reported power_generated_mwh.
    double power_gross_mwh = 0;
};

// Throws UsageError when a parameter is outside its range (fractions in [0, 1], LHV > 0, CO2 >= 0).
void validate(const WasteParams& p);

// The tiers of one plant. Throws DataError, naming the plant, on an invalid input (negative or
// non-finite throughput, non-positive LHV, efficiency outside (0, 1]) and on an invariant violation
// (0 <= usable <= technical per carrier, technical <= theoretical); values are never clamped.
WastePlantResult compute_plant(const WastePlant& plant, const WasteParams& params);

// Locates a point (x, y in the layer's CRS given as WKT) in a municipality; returns its zone id or nullopt.
// x, y are as OGR stores them (traditional GIS order: longitude, latitude for a geographic CRS),
// so a locator that transforms them must set OAMS_TRADITIONAL_GIS_ORDER on the source CRS.
using ZoneLocator =
    std::function<std::optional<std::string>(double x, double y, const std::string& crs_wkt)>;

// Reads a plant table: a CSV (through OGR's CSV driver) or any one-layer OGR dataset. Features with
// a point geometry are placed with `locate`; the others need a host code column. Every host must be
// in zone_ids. Throws DataError with a one-line message naming the file, row and column.
std::vector<WastePlant> read_waste_plants(const std::string& path,
                                          const std::set<std::string>& zone_ids,
                                          const ZoneLocator& locate);

// The membership CSV: operator_lg_code, member_city_code[, population].
struct WasteMembership {
    std::map<std::string, std::vector<std::string>> members;  // operator -> member zones in file order
    bool has_population_column = false;
    // member -> persons, from the population column (empty cells are absent: the next source applies)
    std::map<std::string, double> population;
};
WasteMembership read_waste_membership(const std::string& path);
// The same, members only.
std::map<std::string, std::vector<std::string>> read_waste_members(const std::string& path);

struct ZoneWaste : WasteEnergy {
    int plants = 0;  // plants with throughput > 0 that contribute to this zone
};

// Every plant's quantities summed into its host municipality.
std::map<std::string, ZoneWaste> sum_by_host(const std::vector<WastePlant>& plants,
                                             const std::vector<WastePlantResult>& results);

// A member's population for the allocation, and where it came from (docs/waste.md: the membership
// table's column, else the zone attribute, else the population layer).
enum class PopulationSource { table, zone_attribute, layer };
struct MemberPopulation {
    std::optional<double> persons;   // nullopt: none known (outside the grid or the layer, no value given)
    PopulationSource source = PopulationSource::layer;
    double coverage = 1;             // layer only: share of the zone's grid pixels where the layer has a value
};

// Members of a union whose layer coverage is below this are allocated on their covered population
// with a note naming the coverage (the run cannot tell what lives in the uncovered part).
inline constexpr double kMemberCoverageNote = 0.99;

struct MemberAllocation {
    std::map<std::string, ZoneWaste> served;
    // Zones whose served cells are "not computed": a member without population, or a member of an
    // operator none of whose members has population. They take no share (and none of other plants).
    std::set<std::string> not_computed;
    std::map<std::string, std::vector<Note>> notes;   // zone -> notes for its row
};

// Every plant's quantities split among the members of its operator in proportion to population;
// a plant whose operator has no membership entry serves its host alone. Members without population
// get no share and are listed in not_computed; the others share the plant, each plant's shares adding
// up to its value exactly (split_exact). When no member of an operator has a positive population, its
// plants are not allocated and all its members are not_computed. Throws DataError on a negative or
// non-finite population; run-level warnings are appended to `warnings`, per-zone notes returned.
MemberAllocation allocate_to_members(const std::vector<WastePlant>& plants,
                                     const std::vector<WastePlantResult>& results,
                                     const std::map<std::string, std::vector<std::string>>& members,
                                     const std::map<std::string, MemberPopulation>& population,
                                     std::vector<std::string>& warnings);

// Splits `total` (>= 0) by non-negative `weights` (sum > 0): shares proportional to the weights,
// each a multiple of the unit in the last place of `total`, so that every partial sum is exact and
// the shares add up to `total` bit for bit whatever the order. The largest weight takes the remainder.
std::vector<double> split_exact(double total, const std::vector<double>& weights);

// The zones each plant's quantities go to in allocate_to_members: its operator's members, or its host.
std::vector<std::string> served_zones(const WastePlant& plant,
                                      const std::map<std::string, std::vector<std::string>>& members);

// plants.csv (as text, or written to a file): one row per plant with its inputs, the computed tiers, its host and the zones
// it serves, and the reported actuals beside the computed values. UTF-8, RFC 4180, fixed decimals.
std::string plants_csv(const std::vector<WastePlant>& plants, const std::vector<WastePlantResult>& results,
                       const std::map<std::string, std::vector<std::string>>& members);
void write_plants_csv(const std::string& path, const std::vector<WastePlant>& plants,
                      const std::vector<WastePlantResult>& results,
                      const std::map<std::string, std::vector<std::string>>& members);

}  // namespace repot
