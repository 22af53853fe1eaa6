#pragma once
// Footprints whose interiors overlap, found per tile so that their union can be rasterized once
// instead of each of them (`prepare roofs --overlaps union`, the default).
#include <cstddef>
#include <vector>

#include "footprint_reader.hpp"

namespace repot::prepare {

// Groups (of two or more) of footprints linked by overlapping interiors; footprints that only
// touch (a shared wall) are not linked. Candidates come from a sweep over the bounding boxes, the
// test itself is GEOS's (intersects and does not merely touch).
std::vector<std::vector<std::size_t>> overlapping_groups(const std::vector<Footprint>& footprints);

// The union (GEOS) of a group's polygons.
std::vector<PolygonRings> union_of(const std::vector<Footprint>& footprints, const std::vector<std::size_t>& group);

}  // namespace repot::prepare
