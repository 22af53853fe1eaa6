#pragma once
// The output grid of `prepare roofs` and its tiles.
#include <vector>

#include "repot/prepare.hpp"

namespace repot::prepare {

// Extent snapped outward to multiples of `res` (so grids of the same resolution align), at least one pixel.
PixelGrid snapped_grid(const Extent& extent, double res);
// Exactly `extent`; throws UsageError unless its sides are whole numbers of pixels.
PixelGrid exact_grid(const Extent& extent, double res);

struct Tile {
    int col0 = 0, row0 = 0;   // position in the full grid
    PixelGrid grid;           // the tile's own pixels
    Extent extent() const;
};

// Tiles of at most `size` x `size` pixels, row by row. Tile origins are computed from the full
// grid's origin and whole pixel counts, so neighbouring tiles share their edges exactly.
std::vector<Tile> plan_tiles(const PixelGrid& grid, int size);

}  // namespace repot::prepare
