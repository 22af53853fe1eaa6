#include "zone_geometry.hpp"

#include <fmt/format.h>

#include <cmath>

#include "repot/error.hpp"

namespace repot {

namespace {

bool polygonal(OGRwkbGeometryType t) {
    t = wkbFlatten(t);
    return t == wkbPolygon || t == wkbMultiPolygon || t == wkbCurvePolygon || t == wkbMultiSurface;
}

double area_of(const OGRGeometry& g) {
    const auto t = wkbFlatten(g.getGeometryType());
    if (t == wkbPolygon || t == wkbCurvePolygon) return g.toCurvePolygon()->get_Area();
    if (t == wkbMultiPolygon || t == wkbMultiSurface || t == wkbGeometryCollection)
        return g.toGeometryCollection()->get_Area();
    return 0;
}

// The polygons of a MakeValid result (which may mix in the lines and points of collapsed parts).
std::unique_ptr<OGRGeometry> polygons_of(std::unique_ptr<OGRGeometry> g) {
    if (!g || polygonal(g->getGeometryType())) return g;
    auto out = std::make_unique<OGRMultiPolygon>();
    if (const auto* c = dynamic_cast<const OGRGeometryCollection*>(g.get()))
        for (const auto* part : *c)
            if (polygonal(part->getGeometryType())) {
                std::unique_ptr<OGRGeometry> mp(OGRGeometryFactory::forceToMultiPolygon(part->clone()));
                for (const auto* p : *mp->toMultiPolygon()) out->addGeometry(p);
            }
    return out;
}

}  // namespace

std::unique_ptr<OGRGeometry> checked_zone_geometry(std::unique_ptr<OGRGeometry> g, const std::string& where,
                                                   std::vector<std::string>& warnings) {
    if (!g || g->IsEmpty()) {
        warnings.push_back(fmt::format("{}: no geometry (null or empty): its raster-based potentials are empty", where));
        return nullptr;
    }
    if (!polygonal(g->getGeometryType()))
        throw DataError(fmt::format("{}: geometry is a {}; zones must be polygons or multipolygons", where,
                                    g->getGeometryName()));
    OGREnvelope e;
    g->getEnvelope(&e);
    if (!std::isfinite(e.MinX) || !std::isfinite(e.MaxX) || !std::isfinite(e.MinY) || !std::isfinite(e.MaxY))
        throw DataError(fmt::format("{}: geometry has coordinates that are not finite numbers (NaN or infinity)", where));
    if (g->IsValid()) return g;
    const double before = area_of(*g);
    std::unique_ptr<OGRGeometry> fixed = polygons_of(std::unique_ptr<OGRGeometry>(g->MakeValid()));
    if (!fixed || fixed->IsEmpty() || !fixed->IsValid())
        throw DataError(fmt::format("{}: invalid geometry that MakeValid cannot repair into polygons", where));
    warnings.push_back(fmt::format("{}: invalid geometry (e.g. self-intersecting) repaired with MakeValid: area "
                                   "{:.1f} m² as read, {:.1f} m² repaired",
                                   where, before, area_of(*fixed)));
    return fixed;
}

std::unique_ptr<OGRGeometry> clipped_to(const OGRGeometry& g, const std::array<double, 4>& box) {
    OGREnvelope e;
    g.getEnvelope(&e);
    if (e.MinX >= box[0] && e.MinY >= box[1] && e.MaxX <= box[2] && e.MaxY <= box[3]) return nullptr;
    OGRLinearRing ring;
    ring.addPoint(box[0], box[1]);
    ring.addPoint(box[2], box[1]);
    ring.addPoint(box[2], box[3]);
    ring.addPoint(box[0], box[3]);
    ring.closeRings();
    OGRPolygon rect;
    rect.addRing(&ring);
    std::unique_ptr<OGRGeometry> part(g.Intersection(&rect));
    if (!part) throw DataError("cannot clip a zone to the analysis grid (GEOS failed)");
    return polygons_of(std::move(part));
}

double overlap_area(const OGRGeometry& a, const OGRGeometry& b) {
    if (!a.Intersects(&b)) return 0;
    std::unique_ptr<OGRGeometry> i(a.Intersection(&b));
    return i ? area_of(*i) : 0;
}

}  // namespace repot
