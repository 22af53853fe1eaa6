// Exact area of a polygon inside each pixel of a grid.
//
// Each ring is clipped with Sutherland–Hodgman against axis-aligned lines. For a concave ring the
// clipped result may contain zero-width "bridges" along the clip line, but its signed area is still
// exactly the area of the ring inside the clip region, which is all we need. Holes are subtracted
// through their signed area. The grid window covered by the polygon is halved recursively (always
// across its longer side) until single pixels remain, so a polygon with V vertices covering P pixels
// costs about V·log P + P, not V·P.
#include <algorithm>
#include <cmath>

#include "repot/prepare.hpp"

namespace repot::prepare {
namespace {

enum class Axis { x, y };

double coord(const Point2& p, Axis axis) { return axis == Axis::x ? p.x : p.y; }

// Intersection of segment a-b with the line coord == limit. Computed from the endpoint with the
// smaller coordinate so that both sides of a split get bit-identical points.
Point2 crossing(Point2 a, Point2 b, Axis axis, double limit) {
    if (coord(a, axis) > coord(b, axis)) std::swap(a, b);
    const double t = (limit - coord(a, axis)) / (coord(b, axis) - coord(a, axis));
    if (axis == Axis::x) return {limit, a.y + t * (b.y - a.y)};
    return {a.x + t * (b.x - a.x), limit};
}

// Keeps the part of the ring with coord <= limit (keep_low) or coord >= limit.
Ring clip_half_plane(const Ring& ring, Axis axis, double limit, bool keep_low) {
    Ring out;
    if (ring.empty()) return out;
    out.reserve(ring.size() + 4);
    auto inside = [&](const Point2& p) {
        return keep_low ? coord(p, axis) <= limit : coord(p, axis) >= limit;
    };
    Point2 prev = ring.back();
    bool prev_inside = inside(prev);
    for (const Point2& cur : ring) {
        const bool cur_inside = inside(cur);
        if (cur_inside != prev_inside) out.push_back(crossing(prev, cur, axis, limit));
        if (cur_inside) out.push_back(cur);
        prev = cur;
        prev_inside = cur_inside;
    }
    return out;
}

// A ring whose points all lie on one vertical or horizontal line encloses nothing.
bool encloses_something(const Ring& ring) {
    if (ring.size() < 3) return false;
    auto [xmin, xmax] = std::minmax_element(ring.begin(), ring.end(),
                                            [](const Point2& a, const Point2& b) { return a.x < b.x; });
    auto [ymin, ymax] = std::minmax_element(ring.begin(), ring.end(),
                                            [](const Point2& a, const Point2& b) { return a.y < b.y; });
    return xmin->x < xmax->x && ymin->y < ymax->y;
}

// `weight` * signed area of the (clipped) ring is its contribution: +area for the outer ring,
// -area for holes, whatever the orientation they were given in.
struct WeightedRing {
    Ring points;
    double weight;
};
using Rings = std::vector<WeightedRing>;

Rings clip_all(const Rings& rings, Axis axis, double limit, bool keep_low) {
    Rings out;
    out.reserve(rings.size());
    for (const WeightedRing& ring : rings) {
        Ring clipped = clip_half_plane(ring.points, axis, limit, keep_low);
        if (encloses_something(clipped)) out.push_back({std::move(clipped), ring.weight});
    }
    return out;
}

struct Window {
    int c0, r0, c1, r1;   // half-open pixel range
};

// Rings are in pixel coordinates (x = column, y = row, both growing from the grid's top-left
// corner) and already clipped to the window.
void subdivide(const Rings& rings, Window w, double pixel_area, const PixelAreaSink& sink) {
    if (rings.empty()) return;
    if (w.c1 - w.c0 == 1 && w.r1 - w.r0 == 1) {
        double area = 0;
        for (const WeightedRing& ring : rings) area += ring.weight * ring_signed_area(ring.points);
        // Where a hole covers the whole pixel the outer and hole areas cancel to rounding noise.
        if (area > 1e-12) sink(w.c0, w.r0, area * pixel_area);
        return;
    }
    if (w.c1 - w.c0 >= w.r1 - w.r0) {
        const int cm = w.c0 + (w.c1 - w.c0) / 2;
        subdivide(clip_all(rings, Axis::x, cm, true), {w.c0, w.r0, cm, w.r1}, pixel_area, sink);
        subdivide(clip_all(rings, Axis::x, cm, false), {cm, w.r0, w.c1, w.r1}, pixel_area, sink);
    } else {
        const int rm = w.r0 + (w.r1 - w.r0) / 2;
        subdivide(clip_all(rings, Axis::y, rm, true), {w.c0, w.r0, w.c1, rm}, pixel_area, sink);
        subdivide(clip_all(rings, Axis::y, rm, false), {w.c0, rm, w.c1, w.r1}, pixel_area, sink);
    }
}

Ring to_pixel_coordinates(const Ring& ring, const PixelGrid& grid) {
    Ring out;
    out.reserve(ring.size());
    for (const Point2& p : ring)
        out.push_back({(p.x - grid.x_min) / grid.pixel_width, (grid.y_max - p.y) / grid.pixel_height});
    // The closing point repeats the first one; an edge of length zero adds nothing, drop it.
    if (out.size() > 1 && out.front().x == out.back().x && out.front().y == out.back().y) out.pop_back();
    return out;
}

}  // namespace

double ring_signed_area(const Ring& ring) {
    const std::size_t n = ring.size();
    if (n < 3) return 0;
    // Relative to the first vertex: projected coordinates are large (1e4–1e6 m) and the products
    // of large numbers would lose the digits that matter for a 10 m² building.
    const Point2 o = ring.front();
    double twice = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const Point2& a = ring[i];
        const Point2& b = ring[(i + 1) % n];
        twice += (a.x - o.x) * (b.y - o.y) - (b.x - o.x) * (a.y - o.y);
    }
    return twice / 2;
}

double polygon_area(const PolygonRings& polygon) {
    double area = std::abs(ring_signed_area(polygon.outer));
    for (const Ring& hole : polygon.holes) area -= std::abs(ring_signed_area(hole));
    return area;
}

void for_each_pixel_area(const PolygonRings& polygon, const PixelGrid& grid, const PixelAreaSink& sink) {
    if (grid.cols <= 0 || grid.rows <= 0) return;
    Ring outer = to_pixel_coordinates(polygon.outer, grid);
    if (outer.size() < 3) return;

    double xmin = outer[0].x, xmax = xmin, ymin = outer[0].y, ymax = ymin;
    for (const Point2& p : outer) {
        xmin = std::min(xmin, p.x);
        xmax = std::max(xmax, p.x);
        ymin = std::min(ymin, p.y);
        ymax = std::max(ymax, p.y);
    }
    // Pixel window of the polygon, limited to the grid. Bounds are clamped before the int cast.
    auto clamp_to = [](double v, int hi) { return static_cast<int>(std::clamp(v, 0.0, double(hi))); };
    const Window w{clamp_to(std::floor(xmin), grid.cols), clamp_to(std::floor(ymin), grid.rows),
                   clamp_to(std::ceil(xmax), grid.cols), clamp_to(std::ceil(ymax), grid.rows)};
    if (w.c0 >= w.c1 || w.r0 >= w.r1) return;

    Rings rings;
    auto add_ring = [&rings](Ring points, double role) {
        const double a = ring_signed_area(points);
        if (a == 0) return;
        rings.push_back({std::move(points), a > 0 ? role : -role});
    };
    add_ring(std::move(outer), +1);
    for (const Ring& hole : polygon.holes) add_ring(to_pixel_coordinates(hole, grid), -1);

    // Cut away what lies outside the window (and so outside the grid) before subdividing.
    rings = clip_all(rings, Axis::x, w.c0, false);
    rings = clip_all(rings, Axis::x, w.c1, true);
    rings = clip_all(rings, Axis::y, w.r0, false);
    rings = clip_all(rings, Axis::y, w.r1, true);
    subdivide(rings, w, grid.pixel_width * grid.pixel_height, sink);
}

}  // namespace repot::prepare
