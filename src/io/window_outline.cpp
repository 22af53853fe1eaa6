#include "window_outline.hpp"

#include <vector>

namespace repot {

namespace {

enum Side : char { kInside, kAbove, kBelow, kLeft, kRight };

struct Frame {
    double x0, dx, y0, dy;  // pixel = (X − x0) / dx, line = (Y − y0) / dy
    int width, height;
    Side side(double X, double Y) const {
        constexpr double m = 2;  // pixels: far beyond GDAL's rounding of a crossing to the nearest pixel edge
        const double line = (Y - y0) / dy, pixel = (X - x0) / dx;
        return pixel < -m ? kLeft : pixel > width + m ? kRight : line < -m ? kAbove : line > height + m ? kBelow : kInside;
    }
};

// The ring with each run of one outside side cut to its ends; false when the whole ring lies on one side.
bool cut_ring(const OGRLinearRing& ring, const Frame& f, OGRLinearRing& out) {
    const int n = ring.getNumPoints() - 1;  // closed: the last point repeats the first
    if (n < 3) return false;
    std::vector<Side> side(static_cast<size_t>(n));
    bool one_side = true;
    for (int i = 0; i < n; ++i) {
        side[size_t(i)] = f.side(ring.getX(i), ring.getY(i));
        one_side &= side[size_t(i)] != kInside && side[size_t(i)] == side[0];
    }
    if (one_side) return false;
    std::vector<double> x, y;
    for (int i = 0; i < n; ++i) {
        const Side s = side[size_t(i)], before = side[size_t((i + n - 1) % n)], after = side[size_t((i + 1) % n)];
        if (s == kInside || before != s || after != s) x.push_back(ring.getX(i)), y.push_back(ring.getY(i));
    }
    x.push_back(x.front()), y.push_back(y.front());
    out.setPoints(int(x.size()), x.data(), y.data());
    return true;
}

// The polygon cut ring by ring; false when its exterior lies wholly on one side (its holes lie inside it).
bool cut_polygon(const OGRPolygon& p, const Frame& f, OGRPolygon& out) {
    const OGRLinearRing* exterior = p.getExteriorRing();
    OGRLinearRing ring;
    if (!exterior || !cut_ring(*exterior, f, ring)) return false;
    out.addRing(&ring);
    for (int k = 0; k < p.getNumInteriorRings(); ++k)
        if (OGRLinearRing hole; cut_ring(*p.getInteriorRing(k), f, hole)) out.addRing(&hole);
    return true;
}

}  // namespace

std::unique_ptr<OGRGeometry> window_outline(const OGRGeometry& g, const std::array<double, 6>& gt, int width, int height) {
    const OGRwkbGeometryType type = wkbFlatten(g.getGeometryType());
    if (gt[2] != 0 || gt[4] != 0 || (type != wkbPolygon && type != wkbMultiPolygon))
        return std::unique_ptr<OGRGeometry>(g.clone());
    const Frame f{gt[0], gt[1], gt[3], gt[5], width, height};
    auto out = std::make_unique<OGRMultiPolygon>();
    auto add = [&](const OGRPolygon& p) {
        auto cut = std::make_unique<OGRPolygon>();
        if (cut_polygon(p, f, *cut)) out->addGeometryDirectly(cut.release());
    };
    if (type == wkbPolygon) add(*g.toPolygon());
    else
        for (const OGRPolygon* p : *g.toMultiPolygon()) add(*p);
    if (out->IsEmpty()) return nullptr;
    return out;
}

}  // namespace repot
