#include "ogr_polygons.hpp"

namespace repot::prepare {
namespace {

Ring ring_points(const OGRLinearRing& ring) {
    Ring out;
    out.reserve(static_cast<std::size_t>(ring.getNumPoints()));
    for (int i = 0; i < ring.getNumPoints(); ++i) out.push_back({ring.getX(i), ring.getY(i)});
    return out;
}

OGRLinearRing* ogr_ring(const Ring& ring) {
    auto* out = new OGRLinearRing();
    out->setNumPoints(static_cast<int>(ring.size()));
    for (std::size_t i = 0; i < ring.size(); ++i) out->setPoint(static_cast<int>(i), ring[i].x, ring[i].y);
    out->closeRings();
    return out;
}

}  // namespace

void collect_polygons(const OGRGeometry& geometry, std::vector<PolygonRings>& out) {
    switch (wkbFlatten(geometry.getGeometryType())) {
        case wkbPolygon: {
            const OGRPolygon* polygon = geometry.toPolygon();
            if (polygon->IsEmpty()) return;
            PolygonRings rings;
            rings.outer = ring_points(*polygon->getExteriorRing());
            for (int i = 0; i < polygon->getNumInteriorRings(); ++i)
                rings.holes.push_back(ring_points(*polygon->getInteriorRing(i)));
            out.push_back(std::move(rings));
            return;
        }
        case wkbMultiPolygon:
        case wkbGeometryCollection:
            for (const OGRGeometry* part : *geometry.toGeometryCollection()) collect_polygons(*part, out);
            return;
        default:
            return;
    }
}

std::unique_ptr<OGRMultiPolygon> to_ogr(const std::vector<PolygonRings>& polygons) {
    auto out = std::make_unique<OGRMultiPolygon>();
    for (const PolygonRings& p : polygons) {
        auto* polygon = new OGRPolygon();
        polygon->addRingDirectly(ogr_ring(p.outer));
        for (const Ring& hole : p.holes) polygon->addRingDirectly(ogr_ring(hole));
        out->addGeometryDirectly(polygon);
    }
    return out;
}

}  // namespace repot::prepare
