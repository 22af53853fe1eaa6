#pragma once
// municipalities.gpkg: the zone polygons with every column of potential.csv, an optional plants layer,
// and a default QGIS style (layer_styles) so that the file opens as a choropleth.
#include <optional>
#include <string>
#include <vector>

#include "repot/results.hpp"

class OGRGeometry;

namespace repot {

struct PlantPoint {
    double x = 0, y = 0;  // in MunicipalitiesGpkgSpec::crs_wkt
};

struct GpkgPlants {
    std::string csv;  // the text of plants.csv as repot writes it (header line, then one row per plant)
    std::vector<std::optional<PlantPoint>> points;  // one per data row, or empty: attributes only (no geometry)
};

struct MunicipalitiesGpkgSpec {
    const ResultsTable* table = nullptr;         // potential.csv's model, rows in output order
    std::vector<const OGRGeometry*> geometries;  // one per table row, same order; null = no geometry
    std::string crs_wkt;                         // CRS of the geometries (the analysis grid's)
    std::optional<GpkgPlants> plants;
    std::string path;  // the .gpkg to create (must not exist yet)
};

// Throws repot::DataError (include/repot/error.hpp) naming the path on any GDAL/OGR failure.
void write_municipalities_gpkg(const MunicipalitiesGpkgSpec& spec);

}  // namespace repot
