#pragma once
// maps/overview.png: a per-pixel map shown as density per hectare, municipal outlines on top, a legend
// and a scale; drawn with cairo (GDAL draws no text).
#include <string>
#include <vector>
class OGRGeometry;
namespace repot {
struct OverviewSpec {
    std::string map_path;          // one-band raster (GeoTIFF/COG), value per pixel, nodata set, projected CRS in metres
    double value_scale = 1;        // pixel value × value_scale = legend unit per pixel (e.g. 0.001 for kWh -> MWh)
    std::string title;             // e.g. "Usable roof PV"
    std::string unit;              // legend unit of the density, e.g. "MWh/ha/yr"
    std::vector<const OGRGeometry*> outlines;  // zone polygons in the map's CRS (may include nulls: skipped)
    std::string out_path;          // PNG to write
    int max_side_px = 1600;        // the longer side of the map area in the picture
};
// Throws repot::DataError (include/repot/error.hpp) naming the file on any failure.
void write_overview_png(const OverviewSpec& spec);
}  // namespace repot
