#pragma once
// What of a zone's polygons GDAL's rasterizer needs to fill one window, so that filling a window costs
// its rows times the vertices near it, not times every vertex of the zone.
#include <ogr_geometry.h>

#include <array>
#include <memory>

namespace repot {

// The polygons of g (Polygon or MultiPolygon, in the coordinates of the geotransform gt, north up) with
// every run of consecutive ring vertices that lie all left of, all right of, all above or all below a
// width × height window (by more than two pixels) cut to the run's first and last vertex. GDAL fills a
// pixel when an odd number of ring crossings on its row lies left of its centre (llrasterize.cpp): every
// edge that reaches the window stays as it was, and a run's chord lies on the same side as the run, so it
// crosses each row of the window as often, modulo 2, as the run did (above and below: never). So the
// window burns pixel for pixel as with g. Rings wholly on one side are dropped; nullptr when nothing is
// left. A rotated geotransform, or another geometry type, gives a copy of g.
std::unique_ptr<OGRGeometry> window_outline(const OGRGeometry& g, const std::array<double, 6>& gt, int width, int height);

// How an outline of window_outline covers its window: wholly (every pixel burns), not at all, or in part
// (some edge comes within two pixels of the window: GDAL must burn it). With no edge that near, every pixel
// centre lies on the same side of every edge, so the parity of the crossings left of one point decides
// for all (the rule GDAL fills by). A rotated geotransform or another geometry type: in part.
enum class WindowCover { none, whole, part };
WindowCover window_cover(const OGRGeometry& outline, const std::array<double, 6>& gt, int width, int height);

}  // namespace repot
