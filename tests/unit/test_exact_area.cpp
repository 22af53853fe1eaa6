// Exact area of polygons per pixel. Every expected value below is worked out by hand from the
// geometry (the comments say how), never taken from the code's output.
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <numbers>
#include <random>
#include <utility>

#include "repot/prepare.hpp"

using repot::prepare::for_each_pixel_area;
using repot::prepare::PixelGrid;
using repot::prepare::polygon_area;
using repot::prepare::PolygonRings;
using repot::prepare::Ring;
using repot::prepare::ring_signed_area;

namespace {

using PixelAreas = std::map<std::pair<int, int>, double>;   // (col, row) -> area

PixelAreas areas_of(const PolygonRings& polygon, const PixelGrid& grid) {
    PixelAreas out;
    for_each_pixel_area(polygon, grid, [&](int col, int row, double area) {
        CHECK_MESSAGE(out.count({col, row}) == 0, "pixel reported twice");
        out[{col, row}] = area;
    });
    return out;
}

double total(const PixelAreas& areas) {
    double sum = 0;
    for (const auto& [pixel, area] : areas) sum += area;
    return sum;
}

void check_equal(const PixelAreas& got, const PixelAreas& expected, double tol = 1e-12) {
    CHECK(got.size() == expected.size());
    for (const auto& [pixel, area] : expected) {
        INFO("pixel col " << pixel.first << " row " << pixel.second);
        REQUIRE(got.count(pixel) == 1);
        CHECK(got.at(pixel) == doctest::Approx(area).epsilon(tol));
    }
}

Ring reversed(Ring r) { return Ring(r.rbegin(), r.rend()); }

}  // namespace

TEST_CASE("ring_signed_area: counter-clockwise positive, clockwise negative, closing point optional") {
    const Ring square{{0, 0}, {2, 0}, {2, 2}, {0, 2}};
    CHECK(ring_signed_area(square) == doctest::Approx(4));
    CHECK(ring_signed_area(reversed(square)) == doctest::Approx(-4));
    Ring closed = square;
    closed.push_back(square.front());
    CHECK(ring_signed_area(closed) == doctest::Approx(4));
    // Far from the origin, as EPSG:6677 coordinates are: a 3 m x 3 m square keeps its 9 m².
    const Ring far{{-9331.5, -32701.5}, {-9328.5, -32701.5}, {-9328.5, -32698.5}, {-9331.5, -32698.5}};
    CHECK(ring_signed_area(far) == doctest::Approx(9).epsilon(1e-12));
}

TEST_CASE("exact area: axis-aligned rectangle straddling pixel edges") {
    // Rectangle x 0.5..2.5, y 0.5..1.5 on 1 m pixels, grid top at y = 3 (row 1 is y 1..2, row 2 is y 0..1).
    // Overlap in x: col 0 -> 0.5, col 1 -> 1, col 2 -> 0.5; in y: row 1 -> 0.5, row 2 -> 0.5.
    const PolygonRings rect{{{0.5, 0.5}, {2.5, 0.5}, {2.5, 1.5}, {0.5, 1.5}}, {}};
    const PixelGrid grid{0, 3, 1, 1, 4, 3};
    const PixelAreas got = areas_of(rect, grid);
    check_equal(got, {{{0, 1}, 0.25}, {{1, 1}, 0.5}, {{2, 1}, 0.25}, {{0, 2}, 0.25}, {{1, 2}, 0.5}, {{2, 2}, 0.25}});
    CHECK(total(got) == doctest::Approx(2));
}

TEST_CASE("exact area: triangle cut by the diagonal of a pixel") {
    // Triangle (0,0) (2,0) (0,2): the region x + y <= 2 in a 2 x 2 grid of 1 m pixels (top at y = 2).
    // Pixel x 0..1, y 0..1 lies wholly inside (its far corner (1,1) is on the hypotenuse): 1.
    // Pixels x 1..2, y 0..1 and x 0..1, y 1..2 hold half a pixel each: 0.5.
    // Pixel x 1..2, y 1..2 touches the triangle in one point only: absent.
    const PolygonRings triangle{{{0, 0}, {2, 0}, {0, 2}}, {}};
    const PixelGrid grid{0, 2, 1, 1, 2, 2};
    check_equal(areas_of(triangle, grid), {{{0, 1}, 1.0}, {{1, 1}, 0.5}, {{0, 0}, 0.5}});
}

TEST_CASE("exact area: orientation of the rings does not matter") {
    const Ring outer{{0, 0}, {4, 0}, {4, 4}, {0, 4}};
    const Ring hole{{0.5, 0.5}, {2.5, 0.5}, {2.5, 2.5}, {0.5, 2.5}};
    const PixelGrid grid{0, 4, 1, 1, 4, 4};
    const PixelAreas ccw = areas_of({outer, {hole}}, grid);
    check_equal(areas_of({reversed(outer), {hole}}, grid), ccw);
    check_equal(areas_of({outer, {reversed(hole)}}, grid), ccw);
}

TEST_CASE("exact area: polygon with a hole") {
    // Outer 0..4 x 0..4, hole 0.5..2.5 x 0.5..2.5, 1 m pixels, grid top at y = 4.
    // The hole covers hx[i] * hy[j] of the pixel x i..i+1, y j..j+1, with hx = hy = {0.5, 1, 0.5, 0}.
    // Pixel area = 1 - hx[i] * hy[j]; that pixel is in row 3 - j.
    const PolygonRings square_with_hole{{{0, 0}, {4, 0}, {4, 4}, {0, 4}}, {{{0.5, 0.5}, {2.5, 0.5}, {2.5, 2.5}, {0.5, 2.5}}}};
    const PixelGrid grid{0, 4, 1, 1, 4, 4};
    const double h[4] = {0.5, 1, 0.5, 0};
    PixelAreas expected;
    for (int i = 0; i < 4; ++i)
        for (int j = 0; j < 4; ++j)
            if (1 - h[i] * h[j] > 0) expected[{i, 3 - j}] = 1 - h[i] * h[j];
    const PixelAreas got = areas_of(square_with_hole, grid);
    check_equal(got, expected);
    CHECK(expected.count({1, 2}) == 0);   // the pixel x 1..2, y 1..2 is wholly in the hole
    CHECK(total(got) == doctest::Approx(16 - 4));
    CHECK(polygon_area(square_with_hole) == doctest::Approx(12));
}

TEST_CASE("exact area: concave U shape (clipping makes zero-width bridges)") {
    // U: bottom bar 0..3 x 0..1, arms 0..1 and 2..3 up to y = 3; the notch x 1..2, y 1..3 is empty.
    const PolygonRings u{{{0, 0}, {3, 0}, {3, 3}, {2, 3}, {2, 1}, {1, 1}, {1, 3}, {0, 3}}, {}};
    const PixelGrid grid{0, 3, 1, 1, 3, 3};
    check_equal(areas_of(u, grid), {{{0, 2}, 1}, {{1, 2}, 1}, {{2, 2}, 1}, {{0, 1}, 1}, {{2, 1}, 1}, {{0, 0}, 1}, {{2, 0}, 1}});
    // Shifted by half a pixel every edge splits pixels; the pieces still add up to the U's area, 7.
    const PolygonRings shifted{{{0.5, 0.5}, {3.5, 0.5}, {3.5, 3.5}, {2.5, 3.5}, {2.5, 1.5}, {1.5, 1.5}, {1.5, 3.5}, {0.5, 3.5}}, {}};
    CHECK(total(areas_of(shifted, PixelGrid{0, 4, 1, 1, 4, 4})) == doctest::Approx(7));
}

TEST_CASE("exact area: a polygon crossing tile borders adds up to the same pixels") {
    // Diamond (2,0) (4,2) (2,4) (0,2), area 8, on a 4 x 4 grid of 1 m pixels (top at y = 4).
    // In each 2 x 2 quadrant: the pixel at the centre corner is whole (1), the two beside it
    // hold half a pixel (0.5), the outer corner pixel nothing.
    const PolygonRings diamond{{{2, 0}, {4, 2}, {2, 4}, {0, 2}}, {}};
    const PixelGrid whole{0, 4, 1, 1, 4, 4};
    const PixelAreas expected{{{1, 1}, 1}, {{2, 1}, 1}, {{1, 2}, 1}, {{2, 2}, 1},
                              {{0, 1}, 0.5}, {{1, 0}, 0.5}, {{2, 0}, 0.5}, {{3, 1}, 0.5},
                              {{0, 2}, 0.5}, {{1, 3}, 0.5}, {{2, 3}, 0.5}, {{3, 2}, 0.5}};
    check_equal(areas_of(diamond, whole), expected);

    // The same grid as four 3 x 3 / 1 x 3 / ... tiles split at column 3 and row 1: tile pixels shifted back.
    PixelAreas merged;
    const int col_splits[3] = {0, 3, 4}, row_splits[3] = {0, 1, 4};
    for (int ti = 0; ti < 2; ++ti)
        for (int tj = 0; tj < 2; ++tj) {
            const int c0 = col_splits[ti], r0 = row_splits[tj];
            const PixelGrid tile{double(c0), 4.0 - r0, 1, 1, col_splits[ti + 1] - c0, row_splits[tj + 1] - r0};
            for (const auto& [pixel, area] : areas_of(diamond, tile)) merged[{pixel.first + c0, pixel.second + r0}] += area;
        }
    check_equal(merged, expected);
}

TEST_CASE("exact area: parts outside the grid are left out") {
    // Square -1..1 x -1..1 on a grid covering x 0..2, y 0..2: only the quarter x 0..1, y 0..1 is inside.
    const PolygonRings square{{{-1, -1}, {1, -1}, {1, 1}, {-1, 1}}, {}};
    check_equal(areas_of(square, PixelGrid{0, 2, 1, 1, 2, 2}), {{{0, 1}, 1.0}});
    // Wholly outside: nothing.
    CHECK(areas_of(square, PixelGrid{5, 7, 1, 1, 2, 2}).empty());
}

TEST_CASE("exact area: 10 m pixels in EPSG:6677-sized coordinates") {
    // A 25 m x 15 m building whose lower-left corner is 5 m into a pixel of the Chiyoda grid, by hand:
    //   x -9325..-9300: col 0 (-9330..-9320) 5 m, col 1 (-9320..-9310) 10 m, col 2 (-9310..-9300) 10 m
    //   y -32725..-32710: row 1 (-32720..-32710) 10 m, row 2 (-32730..-32720) 5 m
    const PolygonRings b{{{-9325, -32725}, {-9300, -32725}, {-9300, -32710}, {-9325, -32710}}, {}};
    const PixelGrid grid{-9330, -32700, 10, 10, 5, 5};
    check_equal(areas_of(b, grid), {{{0, 1}, 50}, {{1, 1}, 100}, {{2, 1}, 100}, {{0, 2}, 25}, {{1, 2}, 50}, {{2, 2}, 50}});
}

TEST_CASE("exact area: totals equal polygon areas for many random star polygons with holes") {
    std::mt19937 rng(20240611);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const PixelGrid grid{-9400, -32600, 10, 10, 60, 60};   // 600 m x 600 m
    for (int n = 0; n < 200; ++n) {
        // Star-shaped ring around a random centre (angles increase and gaps stay below 180 degrees, so
        // the ring is simple and the centre is in its kernel); the hole is the ring scaled by 0.2
        // about the centre, so it lies inside and has 0.04 of its area.
        const double cx = -9400 + 100 + 400 * unit(rng), cy = -33200 + 100 + 400 * unit(rng);
        const int vertices = 6 + static_cast<int>(unit(rng) * 40);
        Ring outer, hole;
        for (int k = 0; k < vertices; ++k) {
            const double angle = 2 * std::numbers::pi * (k + 0.8 * unit(rng)) / vertices;
            const double r = 20 + 60 * unit(rng);
            outer.push_back({cx + r * std::cos(angle), cy + r * std::sin(angle)});
            hole.push_back({cx + 0.2 * r * std::cos(angle), cy + 0.2 * r * std::sin(angle)});
        }
        const PolygonRings polygon{outer, {hole}};
        const double expected = polygon_area(polygon);
        CHECK(expected == doctest::Approx(std::abs(ring_signed_area(outer)) * (1 - 0.04)).epsilon(1e-9));
        CHECK(total(areas_of(polygon, grid)) == doctest::Approx(expected).epsilon(1e-9));
    }
}

TEST_CASE("exact area: a disc of 2000 vertices over 1 m pixels") {
    Ring circle;
    for (int k = 0; k < 2000; ++k) {
        const double a = 2 * std::numbers::pi * k / 2000;
        circle.push_back({150.3 + 120 * std::cos(a), 149.7 + 120 * std::sin(a)});
    }
    // Area of the inscribed regular 2000-gon: n/2 r² sin(2π/n).
    const double expected = 1000 * 120.0 * 120.0 * std::sin(2 * std::numbers::pi / 2000);
    const PixelAreas got = areas_of({circle, {}}, PixelGrid{0, 300, 1, 1, 300, 300});
    CHECK(total(got) == doctest::Approx(expected).epsilon(1e-10));
    // A pixel well inside the disc is whole.
    CHECK(got.at({150, 150}) == doctest::Approx(1.0).epsilon(1e-12));
}
