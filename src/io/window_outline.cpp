#include "window_outline.hpp"

#include <algorithm>
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

// Whether the segment a–b (pixel coordinates) meets the rectangle [x0, x1] × [y0, y1].
bool meets(double ax, double ay, double bx, double by, double x0, double y0, double x1, double y1) {
    if (std::max(ax, bx) < x0 || std::min(ax, bx) > x1 || std::max(ay, by) < y0 || std::min(ay, by) > y1) return false;
    // The boxes overlap: the segment misses the rectangle only when all its corners lie on one side of its line.
    auto side = [&](double x, double y) { return (bx - ax) * (y - ay) - (by - ay) * (x - ax); };
    const double s[4] = {side(x0, y0), side(x1, y0), side(x0, y1), side(x1, y1)};
    const bool all_positive = s[0] > 0 && s[1] > 0 && s[2] > 0 && s[3] > 0;
    const bool all_negative = s[0] < 0 && s[1] < 0 && s[2] < 0 && s[3] < 0;
    return !all_positive && !all_negative;
}

}  // namespace

WindowCover window_cover(const OGRGeometry& outline, const std::array<double, 6>& gt, int width, int height) {
    const OGRwkbGeometryType type = wkbFlatten(outline.getGeometryType());
    if (gt[2] != 0 || gt[4] != 0 || (type != wkbPolygon && type != wkbMultiPolygon)) return WindowCover::part;
    const Frame f{gt[0], gt[1], gt[3], gt[5], width, height};
    constexpr double m = 2;  // pixels, as in Frame::side
    const double px = width / 2.0, py = height / 2.0;  // a point of the window; its side is every pixel's
    bool inside = false;
    auto ring = [&](const OGRLinearRing& r) {
        const int n = r.getNumPoints();
        for (int i = 0; i + 1 < n; ++i) {
            const double ax = (r.getX(i) - f.x0) / f.dx, ay = (r.getY(i) - f.y0) / f.dy;
            const double bx = (r.getX(i + 1) - f.x0) / f.dx, by = (r.getY(i + 1) - f.y0) / f.dy;
            if (meets(ax, ay, bx, by, -m, -m, width + m, height + m)) return false;
            if ((ay > py) != (by > py) && ax + (py - ay) / (by - ay) * (bx - ax) < px) inside = !inside;
        }
        return true;
    };
    auto polygon = [&](const OGRPolygon& p) {
        for (const OGRLinearRing* r : p)
            if (!ring(*r)) return false;
        return true;
    };
    if (type == wkbPolygon) {
        if (!polygon(*outline.toPolygon())) return WindowCover::part;
    } else {
        for (const OGRPolygon* p : *outline.toMultiPolygon())
            if (!polygon(*p)) return WindowCover::part;
    }
    return inside ? WindowCover::whole : WindowCover::none;
}

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
