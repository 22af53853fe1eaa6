#pragma once
// Small CRS helpers shared by the GDAL readers.
#include <ogr_spatialref.h>

#include <array>
#include <string>

namespace repot {

// A CRS that names a real reference system: GeoPackage's srs_id 0 reads as "Undefined ..." in GDAL 3.6.
bool has_crs(const OGRSpatialReference* srs);
// From WKT, with x = easting/longitude whatever the CRS's axis order says.
OGRSpatialReference srs_from_wkt(const std::string& wkt);
bool same_crs(const std::string& wkt_a, const std::string& wkt_b);
// The CRS as WKT2 (2019), the form grids and layers are compared and recorded in.
std::string wkt2_of(const OGRSpatialReference& srs);
// Inverse geotransform; DataError naming `what` if it cannot be inverted.
std::array<double, 6> invert(const std::array<double, 6>& gt, const std::string& what);

}  // namespace repot
