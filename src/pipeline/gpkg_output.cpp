#include "gpkg_output.hpp"

#include <fmt/format.h>
#include <ogr_spatialref.h>

#include <map>
#include <memory>

#include "../io/crs.hpp"
#include "../io/municipalities_gpkg.hpp"
#include "repot/error.hpp"

namespace repot {

namespace {

// Each plant's point in `wkt`, where the plant table gave coordinates; empty when none did.
std::vector<std::optional<PlantPoint>> plant_points(const std::vector<WastePlant>& plants, const std::string& wkt) {
    std::vector<std::optional<PlantPoint>> out(plants.size());
    bool any = false;
    OGRSpatialReference target = srs_from_wkt(wkt);
    target.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    for (size_t k = 0; k < plants.size(); ++k) {
        const WastePlant& p = plants[k];
        if (!p.x || !p.y || p.xy_crs_wkt.empty()) continue;
        OGRSpatialReference source = srs_from_wkt(p.xy_crs_wkt);
        source.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);  // x, y as OGR stored them
        std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&source, &target));
        double x = *p.x, y = *p.y;
        if (!ct || !ct->Transform(1, &x, &y))
            throw DataError(fmt::format("{}: cannot bring the plant's point into the grid's CRS", p.source));
        out[k] = PlantPoint{x, y};
        any = true;
    }
    if (!any) out.clear();
    return out;
}

}  // namespace

void stage_municipalities_gpkg(const Inputs& in, const ResultsTable& table, const std::string& plants_csv,
                               OutputDir& out) {
    std::map<std::string, const OGRGeometry*> by_id;
    for (const auto& z : in.zones.zones()) by_id[z.id] = z.geometry.get();
    MunicipalitiesGpkgSpec spec;
    spec.table = &table;
    for (const auto& row : table.rows) spec.geometries.push_back(by_id.at(row.zone_id));
    spec.crs_wkt = in.has_grid ? in.grid.crs_wkt : in.zones.source_crs_wkt();
    if (!plants_csv.empty()) spec.plants = GpkgPlants{plants_csv, plant_points(in.plants, spec.crs_wkt)};
    spec.path = out.stage_path("municipalities.gpkg");
    write_municipalities_gpkg(spec);
}

}  // namespace repot
