#include "footprint_reader.hpp"

#include <fmt/format.h>
#include <ogr_geometry.h>

#include <charconv>

#include "ogr_polygons.hpp"
#include "repot/error.hpp"
#include "repot/message_text.hpp"

namespace repot::prepare {
namespace {

bool is_polygonal_type(OGRwkbGeometryType type) {
    const OGRwkbGeometryType flat = wkbFlatten(type);
    return OGR_GT_IsSubClassOf(flat, wkbCurvePolygon) || OGR_GT_IsSubClassOf(flat, wkbMultiSurface);
}

int numeric_field(OGRLayer& layer, const std::string& path, const std::string& field, const char* flag) {
    if (field.empty()) return -1;
    const int index = require_field(layer, path, field);
    const OGRFieldType type = layer.GetLayerDefn()->GetFieldDefn(index)->GetType();
    if (type != OFTInteger && type != OFTInteger64 && type != OFTReal && type != OFTString)
        throw DataError(fmt::format("{}: {} '{}' is of type {}, not a number", path, flag, field,
                                    OGRFieldDefn::GetFieldTypeName(type)));
    return index;
}

// Null, unset, or (in a text column) empty: no value.
std::optional<double> field_number(OGRFeature& feature, int index, const std::string& path) {
    if (index < 0 || !feature.IsFieldSetAndNotNull(index)) return std::nullopt;
    if (feature.GetFieldDefnRef(index)->GetType() != OFTString) return feature.GetFieldAsDouble(index);
    const std::string text = feature.GetFieldAsString(index);
    if (text.empty()) return std::nullopt;
    double value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size())
        throw DataError(fmt::format("{}: feature {}: field '{}' holds {}, not a number", path, feature.GetFID(),
                                    feature.GetFieldDefnRef(index)->GetNameRef(), quote_for_message(text)));
    return value;
}

}  // namespace

FootprintReader::FootprintReader(const PrepareRoofsOptions& options, const OGRSpatialReference& target)
    : path_(options.footprints), source_(open_vector_layer(options.footprints, options.layer)),
      make_valid_(options.make_valid) {
    OGRLayer& layer = *source_.layer;
    const OGRSpatialReference* source_srs = layer.GetSpatialRef();
    if (!source_srs)
        throw DataError(fmt::format("{}: layer '{}' has no CRS; assign one first (ogr2ogr -a_srs EPSG:...)", path_,
                                    layer.GetName()));
    to_target_.reset(OGRCreateCoordinateTransformation(source_srs, &target));
    to_source_.reset(OGRCreateCoordinateTransformation(&target, source_srs));
    if (!to_target_ || !to_source_)
        throw DataError(fmt::format("{}: cannot transform its CRS to the output CRS: {}", path_, last_gdal_error()));
    area_index_ = numeric_field(layer, path_, options.area_field, "--area-field");
    height_index_ = numeric_field(layer, path_, options.height_field, "--height-field");
    apply_where(layer, path_, options.where);
}

void FootprintReader::restrict_to(const std::optional<Extent>& rect) {
    OGRLayer& layer = *source_.layer;
    if (!rect) {
        layer.SetSpatialFilter(nullptr);
    } else {
        // The densified bounds of the rectangle in the source CRS contain its whole image, curved or not.
        double xmin, ymin, xmax, ymax;
        if (!to_source_->TransformBounds(rect->xmin, rect->ymin, rect->xmax, rect->ymax, &xmin, &ymin, &xmax, &ymax, 21))
            throw DataError(fmt::format("{}: the output grid cannot be transformed to the footprints' CRS: {}", path_,
                                        last_gdal_error()));
        layer.SetSpatialFilterRect(xmin, ymin, xmax, ymax);
    }
    layer.ResetReading();
}

std::unique_ptr<OGRGeometry> FootprintReader::polygonal_geometry(OGRFeature& feature, bool& repaired) {
    repaired = false;
    const OGRGeometry* original = feature.GetGeometryRef();
    if (!original || original->IsEmpty()) return nullptr;
    if (!is_polygonal_type(original->getGeometryType()))
        throw DataError(fmt::format("{}: feature {} is a {}; footprints must be polygons", path_, feature.GetFID(),
                                    original->getGeometryName()));

    std::unique_ptr<OGRGeometry> geometry(original->hasCurveGeometry() ? original->getLinearGeometry()
                                                                       : original->clone());
    geometry->flattenTo2D();
    if (geometry->transform(to_target_.get()) != OGRERR_NONE)
        throw DataError(fmt::format("{}: feature {} cannot be transformed to the output CRS: {}", path_,
                                    feature.GetFID(), last_gdal_error()));

    // Validity in the output CRS: that is the geometry whose area is measured.
    bool invalid = false;
    if (check_validity_) {
        invalid = !geometry->IsValid();
        if (invalid && !make_valid_)
            throw DataError(fmt::format(
                "{}: feature {} is not a valid polygon (self-intersection, bad ring or similar); fix it or pass --make-valid",
                path_, feature.GetFID()));
        if (invalid) invalid_fids_.insert(feature.GetFID());
    } else {
        invalid = invalid_fids_.count(feature.GetFID()) > 0;
    }
    if (invalid) {
        std::unique_ptr<OGRGeometry> valid(geometry->MakeValid());
        if (!valid)
            throw DataError(fmt::format("{}: feature {} is not valid and could not be repaired: {}", path_,
                                        feature.GetFID(), last_gdal_error()));
        geometry = std::move(valid);
        repaired = true;
    }
    return geometry;
}

Footprint FootprintReader::to_footprint(OGRFeature& feature, const OGRGeometry& geometry) {
    Footprint fp;
    fp.fid = feature.GetFID();
    collect_polygons(geometry, fp.polygons);
    for (const PolygonRings& p : fp.polygons) fp.geometry_area += polygon_area(p);

    OGREnvelope env;
    geometry.getEnvelope(&env);
    fp.envelope = {env.MinX, env.MinY, env.MaxX, env.MaxY};

    OGRPoint centroid;
    if (geometry.Centroid(&centroid) == OGRERR_NONE && !centroid.IsEmpty())
        fp.centroid = {centroid.getX(), centroid.getY()};
    else
        fp.centroid = {(env.MinX + env.MaxX) / 2, (env.MinY + env.MaxY) / 2};

    fp.target_area = fp.geometry_area;
    if (area_index_ >= 0) {
        const std::optional<double> area = field_number(feature, area_index_, path_);
        if (area && *area > 0)
            fp.target_area = *area;
        else
            fp.area_field_missing = true;
    }
    const std::optional<double> height = field_number(feature, height_index_, path_);
    if (height && *height > 0) fp.height = *height;
    return fp;
}

std::optional<Footprint> FootprintReader::next() {
    for (;;) {
        // A null feature is the end of the layer or a read error: tell them apart by the error state.
        CPLErrorReset();
        OGRFeatureUniquePtr feature{source_.layer->GetNextFeature()};
        if (!feature) {
            if (CPLGetLastErrorType() == CE_Failure || CPLGetLastErrorType() == CE_Fatal)
                throw DataError(fmt::format("{}: reading features failed: {}", path_, last_gdal_error()));
            return std::nullopt;
        }
        bool repaired = false;
        std::unique_ptr<OGRGeometry> geometry = polygonal_geometry(*feature, repaired);
        if (!geometry) {
            ++empty_skipped_;
            continue;
        }
        Footprint fp = to_footprint(*feature, *geometry);
        if (fp.polygons.empty()) {   // repaired into lines or points only
            ++empty_skipped_;
            continue;
        }
        fp.repaired = repaired;
        return fp;
    }
}

}  // namespace repot::prepare
