// The engine's fixed lattice of tiles (grid.hpp): tile sizes by pixel size, and the pieces a block is
// computed in, by hand.
#include <doctest/doctest.h>

#include "repot/grid.hpp"

using namespace repot;

namespace {
GridSpec grid(double pixel_m, int width, int height) {
    GridSpec g;
    g.geotransform = {0, pixel_m, 0, 0, 0, -pixel_m};
    g.width = width, g.height = height;
    return g;
}
}  // namespace

TEST_CASE("tile lattice: 256 px, or the largest power of two no wider than 8 km, down to 64") {
    CHECK(TileLattice(grid(10, 100, 100)).tile_px() == 256);    // 2.56 km
    CHECK(TileLattice(grid(1, 100, 100)).tile_px() == 256);     // 256 m
    CHECK(TileLattice(grid(31, 100, 100)).tile_px() == 256);    // 7.9 km
    CHECK(TileLattice(grid(32, 100, 100)).tile_px() == 128);    // 256 px would be 8.19 km
    CHECK(TileLattice(grid(100, 100, 100)).tile_px() == 64);    // 6.4 km
    CHECK(TileLattice(grid(1000, 100, 100)).tile_px() == 64);   // the floor: 64 km
}

TEST_CASE("tile lattice: a block's pieces, one per tile it overlaps, tiles clipped to the grid") {
    const TileLattice t(grid(100, 150, 100));  // tiles of 64 px: columns 0, 64, 128 (22 wide), rows 0, 64 (36 high)
    const auto pieces = t.pieces(Window{48, 40, 100, 40});  // x 48..147, y 40..79
    REQUIRE(pieces.size() == 6);
    auto same = [](const Window& a, const Window& b) {
        return a.x0 == b.x0 && a.y0 == b.y0 && a.width == b.width && a.height == b.height;
    };
    CHECK(same(pieces[0].piece, {48, 40, 16, 24}));
    CHECK(same(pieces[0].tile, {0, 0, 64, 64}));
    CHECK(same(pieces[1].piece, {64, 40, 64, 24}));
    CHECK(same(pieces[2].piece, {128, 40, 20, 24}));
    CHECK(same(pieces[2].tile, {128, 0, 22, 64}));
    CHECK(same(pieces[3].piece, {48, 64, 16, 16}));
    CHECK(same(pieces[5].piece, {128, 64, 20, 16}));
    CHECK(same(pieces[5].tile, {128, 64, 22, 36}));
    // A block inside one tile is its own single piece.
    const auto one = t.pieces(Window{0, 0, 32, 32});
    REQUIRE(one.size() == 1);
    CHECK(same(one[0].piece, {0, 0, 32, 32}));
    CHECK(same(one[0].tile, {0, 0, 64, 64}));
}
