#pragma once
// Conversions between OGR geometries and the plain polygon rings of the exact-area code.
#include <ogr_geometry.h>

#include <memory>
#include <vector>

#include "repot/prepare.hpp"

namespace repot::prepare {

// Appends the polygons of a (multi)polygon. In collections (what MakeValid and unions may return)
// only the polygonal members count: lines and points have no area.
void collect_polygons(const OGRGeometry& geometry, std::vector<PolygonRings>& out);

// The polygons as one OGR MultiPolygon.
std::unique_ptr<OGRMultiPolygon> to_ogr(const std::vector<PolygonRings>& polygons);

}  // namespace repot::prepare
