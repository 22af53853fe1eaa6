#include "gdal_support.hpp"

#include <cpl_error.h>
#include <fmt/format.h>

#include <cmath>

#include "repot/error.hpp"

namespace repot::prepare {

QuietGdalErrors::QuietGdalErrors() {
    CPLPushErrorHandler(CPLQuietErrorHandler);
    CPLErrorReset();
}

QuietGdalErrors::~QuietGdalErrors() { CPLPopErrorHandler(); }

std::string last_gdal_error(const std::string& fallback) {
    const char* msg = CPLGetLastErrorMsg();
    return (msg && *msg) ? std::string(msg) : fallback;
}

std::unique_ptr<OGRSpatialReference> parse_projected_metre_crs(const std::string& text, const std::string& flag) {
    auto srs = std::make_unique<OGRSpatialReference>();
    if (text.empty() ||
        srs->SetFromUserInput(text.c_str(), OGRSpatialReference::SET_FROM_USER_INPUT_LIMITATIONS_get()) != OGRERR_NONE)
        throw UsageError(fmt::format("{} '{}' is not a CRS GDAL knows (try EPSG:6677)", flag, text));
    if (!srs->IsProjected())
        throw UsageError(fmt::format(
            "{} '{}' is not a projected CRS: areas need metres (for Tokyo use EPSG:6677, JGD2011 / Japan Plane Rectangular CS IX)",
            flag, text));
    if (std::abs(srs->GetLinearUnits() - 1.0) > 1e-9)
        throw UsageError(fmt::format("{} '{}' is not in metres (unit: {} m)", flag, text, srs->GetLinearUnits()));
    srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

OpenedLayer open_vector_layer(const std::string& path, const std::string& layer) {
    OpenedLayer out;
    out.dataset.reset(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    if (!out.dataset) throw DataError(fmt::format("{}: cannot open as a vector source: {}", path, last_gdal_error()));
    if (out.dataset->GetLayerCount() == 0) throw DataError(fmt::format("{}: has no layer", path));
    if (layer.empty()) {
        out.layer = out.dataset->GetLayer(0);
    } else {
        out.layer = out.dataset->GetLayerByName(layer.c_str());
        if (!out.layer) {
            std::string names;
            for (auto* l : out.dataset->GetLayers()) names += fmt::format("{}'{}'", names.empty() ? "" : ", ", l->GetName());
            throw DataError(fmt::format("{}: has no layer '{}' (layers: {})", path, layer, names));
        }
    }
    return out;
}

void apply_where(OGRLayer& layer, const std::string& path, const std::string& where) {
    if (where.empty()) return;
    if (layer.SetAttributeFilter(where.c_str()) != OGRERR_NONE)
        throw UsageError(fmt::format("--where \"{}\" is not valid for {}: {}", where, path, last_gdal_error()));
}

int require_field(OGRLayer& layer, const std::string& path, const std::string& field) {
    OGRFeatureDefn* defn = layer.GetLayerDefn();
    const int index = defn->GetFieldIndex(field.c_str());
    if (index >= 0) return index;
    std::string names;
    for (int i = 0; i < defn->GetFieldCount(); ++i)
        names += fmt::format("{}{}", i ? ", " : "", defn->GetFieldDefn(i)->GetNameRef());
    throw DataError(fmt::format("{}: layer '{}' has no field '{}' (fields: {})", path, layer.GetName(), field, names));
}

}  // namespace repot::prepare
