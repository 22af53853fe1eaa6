#pragma once
// The map of one municipality on its report page: the run's usable-PV map cut to the zone (with a
// margin), density per hectare, its outline, a legend and a scale: the overview renderer on a clip.
#include <map>
#include <memory>
#include <string>

#include <ogr_geometry.h>

namespace repot {

// zone_id -> polygon of municipalities.gpkg (in the maps' CRS).
std::map<std::string, std::unique_ptr<OGRGeometry>> read_zone_outlines(const std::string& gpkg_path);

// PNG bytes of `map_path` cut to `outline`'s envelope; the picture goes through the file `png_path`.
std::string zone_map_png(const std::string& map_path, const OGRGeometry& outline, const std::string& title,
                         const std::string& png_path);

}  // namespace repot
