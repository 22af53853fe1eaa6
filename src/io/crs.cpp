#include "crs.hpp"

#include <fmt/format.h>
#include <gdal.h>

#include "repot/error.hpp"

namespace repot {

bool has_crs(const OGRSpatialReference* srs) {
    if (!srs || srs->IsEmpty() || srs->IsLocal()) return false;
    const char* name = srs->GetName();
    return !(name && std::string(name).rfind("Undefined", 0) == 0 && !srs->GetAuthorityCode(nullptr));
}

OGRSpatialReference srs_from_wkt(const std::string& wkt) {
    OGRSpatialReference srs;
    srs.importFromWkt(wkt.c_str());
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

bool same_crs(const std::string& a, const std::string& b) {
    if (a == b) return true;
    auto sa = srs_from_wkt(a), sb = srs_from_wkt(b);
    return sa.IsSame(&sb) != 0;
}

std::array<double, 6> invert(const std::array<double, 6>& gt, const std::string& path) {
    std::array<double, 6> inv{};
    if (!GDALInvGeoTransform(const_cast<double*>(gt.data()), inv.data()))
        throw DataError(fmt::format("{}: geotransform cannot be inverted", path));
    return inv;
}

std::string wkt2_of(const OGRSpatialReference& srs) {
    char* wkt = nullptr;
    const char* opts[] = {"FORMAT=WKT2_2019", nullptr};
    srs.exportToWkt(&wkt, opts);
    std::string s = wkt ? wkt : "";
    CPLFree(wkt);
    return s;
}

}  // namespace repot
