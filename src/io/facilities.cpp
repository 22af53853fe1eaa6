#include "facilities.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <ogrsf_frmts.h>

#include <algorithm>

#include "repot/error.hpp"
#include "repot/message_text.hpp"
#include "repot/text_table.hpp"

namespace repot {

FacilityCountMap count_facilities(const std::string& path, const std::string& category_field, const ZoneSet& zones,
                                  const std::vector<std::string>& categories) {
    std::unique_ptr<GDALDataset> ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    if (!ds || ds->GetLayerCount() == 0) throw DataError(fmt::format("{}: cannot open a vector layer of facilities", path));
    OGRLayer* layer = ds->GetLayer(0);
    const int field = layer->GetLayerDefn()->GetFieldIndex(category_field.c_str());
    if (field < 0)
        throw DataError(fmt::format("{}: no field {} (--facility-category-field)", path, quote_for_message(category_field)));
    const OGRSpatialReference* srs = layer->GetSpatialRef();
    if (!srs) throw DataError(fmt::format("{}: the facility layer has no CRS", path));
    char* wkt_c = nullptr;
    srs->exportToWkt(&wkt_c);
    const std::string wkt = wkt_c ? wkt_c : "";
    CPLFree(wkt_c);
    FacilityCountMap out;
    for (auto& f : *layer) {
        const std::string category = f->GetFieldAsString(field);
        if (std::find(categories.begin(), categories.end(), category) == categories.end())
            throw DataError(fmt::format("{}: feature {}: category {} is not one of {}", path, f->GetFID(),
                                        quote_for_message(category), fmt::join(categories, ", ")));
        const OGRGeometry* g = f->GetGeometryRef();
        if (!g || g->IsEmpty()) continue;
        // A point inside the feature: the point itself, or GEOS's point on the surface (on the line).
        OGRPoint p;
        if (wkbFlatten(g->getGeometryType()) == wkbPoint) {
            p = *g->toPoint();
        } else {
            std::unique_ptr<OGRGeometry> inside(OGRGeometry::FromHandle(OGR_G_PointOnSurface(OGRGeometry::ToHandle(const_cast<OGRGeometry*>(g)))));
            if (!inside || wkbFlatten(inside->getGeometryType()) != wkbPoint) continue;
            p = *inside->toPoint();
        }
        if (const auto zone = zones.locate(p.getX(), p.getY(), wkt)) out[*zone][category] += 1;
    }
    return out;
}

std::string facilities_csv(const FacilityCountMap& counts, const ZoneSet& zones) {
    std::string out = "zone_id,category,count\n";
    for (const auto& z : zones.zones()) {
        auto it = counts.find(z.id);
        if (it == counts.end()) continue;
        for (const auto& [category, n] : it->second) out += fmt::format("{},{},{}\n", csv_field(z.id), csv_field(category), n);
    }
    return out;
}

}  // namespace repot
