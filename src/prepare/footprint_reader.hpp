#pragma once
// Reads building footprints from any OGR layer as polygons in the output CRS, with the attributes
// `prepare roofs` needs. Features can be fetched for one rectangle of the output CRS at a time
// (an OGR spatial filter), which is what keeps memory bounded: only one tile's buildings are read.
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "gdal_support.hpp"
#include "repot/prepare.hpp"

namespace repot::prepare {

struct Footprint {
    std::int64_t fid = 0;
    std::vector<PolygonRings> polygons;   // output CRS
    Extent envelope;                      // output CRS
    double geometry_area = 0;             // Σ exact polygon areas (m²)
    double target_area = 0;               // the total the footprint's pixels must add up to
    bool area_field_missing = false;      // --area-field given but null or <= 0
    std::optional<double> height;         // --height-field, when set and > 0
    Point2 centroid;                      // output CRS
    bool repaired = false;                // made valid by --make-valid
};

class FootprintReader {
public:
    FootprintReader(const PrepareRoofsOptions& options, const OGRSpatialReference& target);

    // Restricts the next features to those whose bounding box meets `rect` (output CRS); rewinds.
    void restrict_to(const std::optional<Extent>& rect);
    // Validity is checked with GEOS in the first pass; later passes only repair the features
    // that pass found invalid (the check costs more than the rest of the work).
    void set_check_validity(bool check) { check_validity_ = check; }
    // The next footprint with a polygon, or nothing at the end. Null and empty geometries are
    // counted and skipped.
    std::optional<Footprint> next();

    std::int64_t empty_skipped() const { return empty_skipped_; }

private:
    std::unique_ptr<OGRGeometry> polygonal_geometry(OGRFeature& feature, bool& repaired);
    Footprint to_footprint(OGRFeature& feature, const OGRGeometry& geometry);

    std::string path_;
    OpenedLayer source_;
    std::unique_ptr<OGRCoordinateTransformation> to_target_, to_source_;
    int area_index_ = -1, height_index_ = -1;
    bool make_valid_ = false;
    bool check_validity_ = true;
    std::unordered_set<std::int64_t> invalid_fids_;
    std::int64_t empty_skipped_ = 0;
};

}  // namespace repot::prepare
