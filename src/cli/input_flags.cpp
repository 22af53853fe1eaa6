#include "input_flags.hpp"

namespace repot::cli {

void add_input_flags(CLI::App* cmd, RunOptions& o) {
    cmd->add_option("--zones", o.zones, "Municipal boundaries: any OGR vector file")->required();
    cmd->add_option("--zones-layer", o.zones_layer, "Layer of the zones file (default: the first)");
    cmd->add_option("--zone-id-field", o.zone_id_field, "Field with the municipality code")->required();
    cmd->add_option("--zone-name-field", o.zone_name_field, "Field with the municipality name");
    cmd->add_option("--zone-population-field", o.zone_population_field,
                    "Field with each municipality's population, to share union waste plants by "
                    "(after a population column of --waste-members, before --population)");
    cmd->add_option("--roof", o.roof, "Roof area raster, m² per pixel; its grid is the analysis grid unless --grid");
    cmd->add_option("--roof-slope", o.roof_slope, "Roof slope raster, degrees (needs --roof-aspect)");
    cmd->add_option("--roof-aspect", o.roof_aspect, "Roof aspect raster, degrees clockwise from north");
    cmd->add_option("--roof-shade", o.roof_shade, "Shade factor raster, 0..1 share of unshaded irradiation");
    cmd->add_option("--ghi", o.ghi, "Global horizontal irradiation, kWh/m²: 1 band (annual) or 12 (monthly)");
    cmd->add_option("--temperature", o.temperature, "Air temperature, °C: 1 or 12 bands");
    cmd->add_option("--landuse", o.landuse, "Land-use class raster (codes of the class table)");
    cmd->add_option("--landuse-classes", o.landuse_classes,
                    "Class table: builtin:l03b (default, MLIT L03-b), builtin:jaxa (JAXA land cover) or a CSV "
                    "code,name,pv_fraction,gsh_fraction,excluded[,existing_pv][,built_share]");
    cmd->add_option("--terrain-slope", o.terrain_slope, "Terrain slope raster, degrees (land PV usable below 20°)");
    cmd->add_option("--inclusion", o.inclusion, "Inclusion layer 0..1 (repeatable; multiplied)");
    cmd->add_option("--population", o.population, "Persons per cell, any grid (totals conserved)");
    cmd->add_option("--heat-demand", o.heat_demand, "Heat demand, GJ/yr per cell (replaces the population-based demand)");
    cmd->add_option("--waste-plants", o.waste_plants, "Incineration plants: CSV or any OGR layer, one row per plant");
    cmd->add_option("--waste-members", o.waste_members, "CSV operator_lg_code,member_city_code: who a union plant serves");
    cmd->add_option("--grid", o.grid, "Analysis grid: a raster, or EPSG:CODE:RES:XMIN,YMIN,XMAX,YMAX");

}

}  // namespace repot::cli
