#pragma once
// Municipal zones: read from any OGR layer, reprojected to the grid CRS, sorted by id, and burnt into
// each block with GDAL's pixel-centre rule.
#include <Eigen/Core>
#include <ogr_geometry.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "repot/grid.hpp"

namespace repot {

struct ZoneSource {
    std::string path, layer, id_field, name_field;
    std::string population_field;   // optional: persons per zone, for the waste membership allocation
};

struct Zone {
    std::string id, name;
    std::unique_ptr<OGRGeometry> geometry;  // in the grid CRS; null for a null or empty geometry
    std::unique_ptr<OGRGeometry> burn;      // its part near the grid, when it reaches far beyond (else null)
    OGREnvelope envelope;
    bool touches_grid = false;  // envelope intersects the grid's extent
    std::optional<double> population;  // from ZoneSource::population_field; nullopt: field null or empty
};

class ZoneSet {
public:
    // Throws DataError for a missing file/layer/field, no CRS, duplicate or empty ids, a population
    // that is not a number >= 0, and when no zone overlaps the grid. threads: how many measure the
    // overlaps of neighbouring zones (the same warnings, in the same order, for any number).
    static ZoneSet load(const ZoneSource& src, const GridSpec& grid, int threads = 1) { return load(src, &grid, threads); }
    // Without a grid (a run of table-based sources only): zones stay in their own CRS, none touches a grid.
    static ZoneSet load(const ZoneSource& src, const GridSpec* grid, int threads = 1);

    const std::vector<Zone>& zones() const { return zones_; }
    const std::string& source_crs_wkt() const { return source_wkt_; }
    // Zone id whose polygon contains the point (x, y given in the CRS `wkt`); nullopt if none.
    std::optional<std::string> locate(double x, double y, const std::string& wkt) const;
    int64_t feature_count() const { return int64_t(zones_.size()); }
    // Repaired, empty or null geometries and overlapping zones, one line each (run.json warnings).
    const std::vector<std::string>& warnings() const { return warnings_; }
    struct Overlap {
        std::string a, b;  // zone ids, a before b in id order: a takes the shared pixels and points
        double area_m2;
    };
    const std::vector<Overlap>& overlaps() const { return overlaps_; }

private:
    std::vector<Zone> zones_;
    std::vector<std::string> warnings_;
    std::vector<Overlap> overlaps_;
    std::string grid_wkt_, source_wkt_;
};

// Burns zone index + 1 (0 = outside every zone) into a window. One per worker.
class ZoneRasterizer {
public:
    explicit ZoneRasterizer(const ZoneSet& zones);
    // Returns false (and leaves `out` unspecified) when no zone has a pixel in the window. A window wholly
    // inside a zone and away from the edges of the zones before it is filled without burning.
    bool rasterize(const GridSpec& grid, const Window& w, Eigen::ArrayXi& out);
    // The last window rasterized was filled with one zone: every pixel in it.
    bool filled() const { return filled_; }

private:
    const ZoneSet& zones_;
    bool filled_ = false;
    std::vector<std::unique_ptr<OGRGeometry>> own_;  // this worker's copies
};

}  // namespace repot
