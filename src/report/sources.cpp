#include "sources.hpp"

namespace repot::report {

const std::vector<SourceColumns>& source_columns() {
    // Waste's theoretical tier is the heat of the waste burnt (GJ) for both carriers (method.md §7).
    static const std::vector<SourceColumns> k{
        {"solar_roof", "太陽光発電（建物系）", "Roof PV", "solar_roof_theoretical_mwh", "solar_roof_technical_mwh",
         "solar_roof_usable_mwh", "solar_roof_usable_co2_t", "MWh", "MWh"},
        {"solar_land", "太陽光発電（土地系）", "Land PV", "solar_land_theoretical_mwh", "solar_land_technical_mwh",
         "solar_land_usable_mwh", "solar_land_usable_co2_t", "MWh", "MWh"},
        {"solar_heat", "太陽熱", "Solar heat", "solar_heat_theoretical_gj", "solar_heat_technical_gj",
         "solar_heat_usable_gj", "solar_heat_usable_co2_t", "GJ", "GJ"},
        {"ground_heat", "地中熱", "Ground-source heat", "ground_heat_theoretical_gj", "ground_heat_technical_gj",
         "ground_heat_usable_gj", "ground_heat_usable_co2_t", "GJ", "GJ"},
        {"waste_power", "廃棄物発電（立地）", "Waste power (host)", "waste_theoretical_gj", "waste_power_technical_mwh",
         "waste_power_usable_mwh", "waste_power_usable_co2_t", "GJ", "MWh"},
        {"waste_heat", "廃棄物熱利用（立地）", "Waste heat (host)", "waste_theoretical_gj", "waste_heat_technical_gj",
         "waste_heat_usable_gj", "waste_heat_usable_co2_t", "GJ", "GJ"},
        {"waste_served_power", "廃棄物発電（受益）", "Waste power (served)", "waste_served_theoretical_gj",
         "waste_served_power_technical_mwh", "waste_served_power_usable_mwh", "waste_served_power_usable_co2_t", "GJ",
         "MWh"},
        {"waste_served_heat", "廃棄物熱利用（受益）", "Waste heat (served)", "waste_served_theoretical_gj",
         "waste_served_heat_technical_gj", "waste_served_heat_usable_gj", "waste_served_heat_usable_co2_t", "GJ", "GJ"},
    };
    return k;
}

}  // namespace repot::report
