#pragma once
// Zone geometries as the survey needs them (method.md §2, docs/reliability.md): polygons only, valid,
// finite; overlaps between zones measured.
#include <ogr_geometry.h>

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace repot {

// Checks one zone's geometry (already in the grid CRS). Returns the geometry to use: nullptr for a
// null or empty one (with a warning), a MakeValid repair of an invalid polygon (with a warning naming the
// zone and both areas). Throws DataError for a point, line or other non-polygon, and for coordinates
// that are not finite. `where` names file and zone in messages.
std::unique_ptr<OGRGeometry> checked_zone_geometry(std::unique_ptr<OGRGeometry> g, const std::string& where,
                                                   std::vector<std::string>& warnings);

// The part of a geometry inside a box (xmin, ymin, xmax, ymax), for burning: GDAL's rasterizer loses
// polygons whose coordinates reach far (1e300) beyond the window. nullopt when the box holds it whole.
std::unique_ptr<OGRGeometry> clipped_to(const OGRGeometry& g, const std::array<double, 4>& box);

// Area of the intersection of two zone geometries, m² (0 when they only touch).
double overlap_area(const OGRGeometry& a, const OGRGeometry& b);

}  // namespace repot
