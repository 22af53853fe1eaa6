#include "inputs.hpp"

#include <fmt/format.h>
#include <ogr_spatialref.h>

#include <climits>
#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>

#include "../io/crs.hpp"
#include "repot/error.hpp"

namespace repot {

namespace {

void require_projected(const std::string& wkt, const std::string& what) {
    OGRSpatialReference srs;
    srs.importFromWkt(wkt.c_str());
    if (srs.IsGeographic())
        throw UsageError(fmt::format("{}: the analysis grid must be in a projected CRS in metres (e.g. EPSG:6677); "
                                     "geographic grids need per-row cell areas and are not supported yet", what));
    if (!srs.IsProjected() || std::abs(srs.GetLinearUnits() - 1.0) > 1e-9)
        throw UsageError(fmt::format("{}: the analysis grid must be in a projected CRS in metres", what));
}


}  // namespace

namespace {
// The grid of a raster, in whatever CRS it has.
GridSpec raster_grid(const std::string& path) {
    auto ds = open_raster(path);
    GridSpec g;
    g.width = ds->GetRasterXSize();
    g.height = ds->GetRasterYSize();
    const OGRSpatialReference* srs = ds->GetSpatialRef();
    if (!has_crs(srs)) throw DataError(fmt::format("{}: raster has no CRS; assign one (gdal_edit.py -a_srs EPSG:...)", path));
    if (ds->GetGeoTransform(g.geotransform.data()) != CE_None)
        throw DataError(fmt::format("{}: raster has no geotransform (not georeferenced)", path));
    g.crs_wkt = wkt2_of(*srs);
    return g;
}
}  // namespace

GridSpec grid_from_raster(const std::string& path) {
    GridSpec g = raster_grid(path);
    require_projected(g.crs_wkt, path);
    return g;
}

std::optional<GridSpec> choose_grid(const RunOptions& o, std::string& source) {
    source = o.grid;
    if (!o.grid.empty()) return grid_from_spec(o.grid);
    const std::string* candidates[] = {&o.roof, &o.ghi, &o.landuse, &o.roof_slope, &o.terrain_slope, &o.population};
    bool any = !o.roof_aspect.empty() || !o.roof_shade.empty() || !o.temperature.empty() || !o.heat_demand.empty() ||
               !o.inclusion.empty();
    for (const std::string* path : candidates) {
        if (path->empty()) continue;
        any = true;
        GridSpec g = raster_grid(*path);
        OGRSpatialReference srs;
        srs.importFromWkt(g.crs_wkt.c_str());
        if (srs.IsGeographic()) continue;  // a mesh in degrees is resampled, never the grid
        require_projected(g.crs_wkt, *path);
        source = *path;
        return g;
    }
    if (any)
        throw UsageError("no projected raster among --roof, --ghi, --landuse, --roof-slope, --terrain-slope, "
                         "--population to take the analysis grid from: give --grid EPSG:CODE:RES:XMIN,YMIN,XMAX,YMAX");
    return std::nullopt;
}

GridSpec grid_from_spec(const std::string& spec) {
    if (spec.rfind("EPSG:", 0) != 0) return grid_from_raster(spec);
    int code = 0;
    double res = 0, x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    char tail = 0;
    if (std::sscanf(spec.c_str(), "EPSG:%d:%lf:%lf,%lf,%lf,%lf%c", &code, &res, &x0, &y0, &x1, &y1, &tail) != 6 ||
        !std::isfinite(res) || !std::isfinite(x0) || !std::isfinite(y0) || !std::isfinite(x1) || !std::isfinite(y1) ||
        res <= 0 || x1 <= x0 || y1 <= y0)
        throw UsageError(fmt::format("--grid '{}': expected EPSG:CODE:RES:XMIN,YMIN,XMAX,YMAX with finite numbers, "
                                     "XMIN<XMAX, YMIN<YMAX, RES>0", spec));
    // Pixel rows and columns are ints (and windows within them): refuse only what overflows that.
    const double cols = std::ceil((x1 - x0) / res - 1e-9), rows = std::ceil((y1 - y0) / res - 1e-9);
    if (cols > INT_MAX || rows > INT_MAX)
        throw UsageError(fmt::format("--grid '{}': {:.0f} × {:.0f} pixels; at most {} per side", spec, cols, rows, INT_MAX));
    OGRSpatialReference srs;
    if (srs.importFromEPSG(code) != OGRERR_NONE) throw UsageError(fmt::format("--grid '{}': unknown EPSG code {}", spec, code));
    GridSpec g;
    g.crs_wkt = wkt2_of(srs);
    require_projected(g.crs_wkt, "--grid " + spec);
    g.width = int(std::ceil((x1 - x0) / res - 1e-9));
    g.height = int(std::ceil((y1 - y0) / res - 1e-9));
    g.geotransform = {x0, res, 0, y1, 0, -res};
    return g;
}

std::vector<const RasterInput*> Inputs::rasters() const {
    std::vector<const RasterInput*> v;
    for (auto* o : {&roof, &ghi, &slope, &aspect, &shade, &temperature, &landuse, &terrain_slope, &population, &heat_demand})
        if (*o) v.push_back(&**o);
    for (const auto& i : inclusion) v.push_back(&i);
    return v;
}

namespace {
std::string ground_heat_default_note(const Scenario& s) {
    return fmt::format("no land-use layer: ground-source heat takes every pixel's open ground with fraction {} "
                       "(ground_heat.default_open_ground_fraction)",
                       s.ground_heat.default_open_ground_fraction);
}
}  // namespace

void use_scenario(Inputs& in, const Scenario& s, const std::vector<std::string>& set) {
    in.scenario = s;
    in.scenario_set = set;
    for (auto& n : in.notes)
        if (n.code == "ground_heat_default_fraction") n.text = ground_heat_default_note(s);
    if (!in.plants.empty()) validate(in.waste_params());
}

Inputs open_inputs(const RunOptions& o) {
    Inputs in;
    in.transposition_per_pixel = o.transposition_per_pixel;
    if (!o.scenario.empty()) in.scenario_set = load_scenario(o.scenario, in.scenario);
    if ((o.roof_slope.empty()) != (o.roof_aspect.empty()))
        throw UsageError("--roof-slope and --roof-aspect go together: a face's energy needs both");

    const auto grid = choose_grid(o, in.grid_source);
    in.has_grid = grid.has_value();
    if (grid) in.grid = *grid;
    const GridSpec& g = in.grid;
    if (!o.zone_population_field.empty() && o.waste_members.empty())
        throw UsageError("--zone-population-field needs --waste-members: it only shares union waste plants");
    in.zones = ZoneSet::load({o.zones, o.zones_layer, o.zone_id_field, o.zone_name_field, o.zone_population_field},
                             grid ? &g : nullptr, o.threads);
    if (!grid)
        in.notes.push_back({"no_raster", "no raster and no --grid: only table-based sources (waste) are computed; "
                                         "pixel counts and areas are empty"});

    auto open = [&](const std::string& path, LayerRules rules) { return RasterInput::open(path, rules, g, o.threads); };
    auto open_opt = [&](std::optional<RasterInput>& slot, const std::string& path, LayerRules rules) {
        if (!path.empty()) slot = open(path, rules);
    };
    // Plausible ranges (docs/method.md §10): a value outside is an input error, never a number in a report.
    // Roof above its cell's area is warned about (below); 16 times it is not roof in m² (wrong units?), and
    // beyond it the zone sums' fixed point would no longer be exact (ZoneSums::quanta).
    open_opt(in.roof, o.roof, {"roof", LayerKind::extensive, {1}, 0, DBL_MAX, 16});
    open_opt(in.ghi, o.ghi, {"ghi", LayerKind::intensive, {1, 12}, 0, 3000});
    if (in.ghi && in.ghi->bands == 12) in.ghi->rules.max_value = 400;  // kWh/m² in a month
    open_opt(in.slope, o.roof_slope, {"roof-slope", LayerKind::intensive, {1}, 0, 90});
    open_opt(in.aspect, o.roof_aspect, {"roof-aspect", LayerKind::categorical, {1}, 0, 360});
    open_opt(in.shade, o.roof_shade, {"roof-shade", LayerKind::intensive, {1}, 0, 1});
    open_opt(in.temperature, o.temperature, {"temperature", LayerKind::intensive, {1, 12}, -60, 60});
    open_opt(in.landuse, o.landuse, {"landuse", LayerKind::categorical, {1}});
    open_opt(in.terrain_slope, o.terrain_slope, {"terrain-slope", LayerKind::intensive, {1}, 0, 90});
    // The densest place ever recorded, Kowloon Walled City, held ~1.2 persons/m² (33,000 on 2.6 ha); no
    // census cell holds more than 1 (Tokyo's densest 500 m meshes: ~0.06). Heat demand: 50 GJ/m² of land a
    // year is a block of towers at ~1 GJ/m² of floor.
    open_opt(in.population, o.population, {"population", LayerKind::extensive, {1}, 0, DBL_MAX, 1.0});
    open_opt(in.heat_demand, o.heat_demand, {"heat-demand", LayerKind::extensive, {1}, 0, DBL_MAX, 50});
    for (const auto& p : o.inclusion) in.inclusion.push_back(open(p, {"inclusion", LayerKind::intensive, {1}, 0, 1}));

    if (in.roof && in.roof->aligned) in.roof->rules.warn_above = g.pixel_area() * (1 + 1e-6);
    if (o.roof_slope.size() + o.roof_shade.size() && o.roof.empty())
        throw UsageError("--roof-slope, --roof-aspect and --roof-shade screen roofs: they need --roof");
    if (grid && o.roof.empty())
        in.notes.push_back({"no_roof_layer", "no roof layer (--roof): roof PV and solar heat are not computed"});
    if (grid && o.ghi.empty())
        in.notes.push_back({"no_ghi_layer", "no irradiation layer (--ghi): roof PV, land PV and solar heat are not computed"});
    if (!o.landuse_classes.empty() && o.landuse.empty())
        throw UsageError("--landuse-classes needs --landuse");
    if (in.landuse) in.classes = LandUseTable::select(o.landuse_classes.empty() ? LandUseTable::default_id : o.landuse_classes);
    else if (grid) {
        in.notes.push_back({"no_landuse_layer", "no land-use layer (--landuse): land PV is not computed"});
        in.notes.push_back({"ground_heat_default_fraction", ground_heat_default_note(in.scenario)});
    }
    if (!grid) {
        // no raster: no heat source runs, nothing to say about its demand
    } else if (o.heat_demand.empty() && o.population.empty())
        in.notes.push_back({"no_heat_demand", "no --population or --heat-demand: the usable tiers of solar heat and "
                                              "ground-source heat are not computed (they are capped by local demand)"});
    else if (!o.heat_demand.empty())
        in.notes.push_back({"heat_demand_per_cell", "heat demand from --heat-demand: the demand caps of solar and "
                                                    "ground-source heat apply per cell"});
    else
        in.notes.push_back({"heat_demand_per_zone", "heat demand from --population: the demand caps of solar and "
                                                    "ground-source heat apply per municipality"});

    if (!o.waste_members.empty() && o.waste_plants.empty()) throw UsageError("--waste-members needs --waste-plants");
    if (!o.waste_plants.empty()) {
        std::set<std::string> ids;
        for (const auto& z : in.zones.zones()) ids.insert(z.id);
        const ZoneSet& zones = in.zones;
        in.plants = read_waste_plants(o.waste_plants, ids, [&zones](double x, double y, const std::string& wkt) {
            return zones.locate(x, y, wkt);
        });
        if (!o.waste_members.empty()) {
            WasteMembership membership = read_waste_membership(o.waste_members);
            if (!membership.has_population_column && o.zone_population_field.empty() && o.population.empty())
                throw UsageError("--waste-members needs populations to share union plants by: a population column in "
                                 "the membership table, --zone-population-field or --population");
            in.members = std::move(membership.members);
            in.member_population = std::move(membership.population);
            for (const auto& [op, list] : in.members)
                for (const auto& m : list)
                    if (!ids.count(m))
                        throw DataError(fmt::format("{}: member {} of operator {} is not a zone id of {}", o.waste_members,
                                                    m, op, o.zones));
        }
        validate(in.waste_params());
    }
    return in;
}

WasteParams Inputs::waste_params() const {
    const auto& w = scenario.waste;
    return WasteParams{w.lhv_default_kj_per_kg, w.eta_el_max,       w.eta_heat,
                       w.eta_el_plant_default,  w.self_use,         w.heat_use_share,
                       w.biogenic_fraction,     scenario.co2.electricity_t_per_mwh, scenario.co2.heat_t_per_gj};
}

}  // namespace repot
