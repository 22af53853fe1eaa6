#pragma once
// Small GDAL helpers shared by the prepare commands: error capture, CRS parsing, dataset opening.
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <memory>
#include <string>

namespace repot::prepare {

// While alive, GDAL errors are not printed on stderr: the prepare commands turn them into
// DataError messages (with the file and what to do), so the user sees one clear line.
class QuietGdalErrors {
public:
    QuietGdalErrors();
    ~QuietGdalErrors();
    QuietGdalErrors(const QuietGdalErrors&) = delete;
    QuietGdalErrors& operator=(const QuietGdalErrors&) = delete;
};

// The last GDAL error message, or `fallback` when GDAL gave none.
std::string last_gdal_error(const std::string& fallback = "unknown GDAL error");

// --crs value -> CRS with x = easting, y = northing. Throws UsageError if unknown, geographic
// or not in metres (`flag` names the option in the message).
std::unique_ptr<OGRSpatialReference> parse_projected_metre_crs(const std::string& text, const std::string& flag);

// Opens a vector source and picks the layer (first when `layer` is empty). Throws DataError.
struct OpenedLayer {
    GDALDatasetUniquePtr dataset;
    OGRLayer* layer = nullptr;
};
OpenedLayer open_vector_layer(const std::string& path, const std::string& layer);

// Applies an OGR SQL WHERE clause; throws UsageError when OGR refuses it.
void apply_where(OGRLayer& layer, const std::string& path, const std::string& where);

// Index of a field, or a DataError listing the fields the layer has.
int require_field(OGRLayer& layer, const std::string& path, const std::string& field);

}  // namespace repot::prepare
