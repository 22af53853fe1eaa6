#include "pixel_mapper.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

#include "crs.hpp"
#include "repot/error.hpp"

namespace repot {

namespace {
// Lattice spacing: a power of two of grid pixels (so the weights below are exact), 16 to 256, at most
// 256 m where that allows more than 16: between nodes the map is bilinear, within 1 mm of PROJ's transform
// at 256 m (0.94 mm on a 1 m grid, 0.24 mm at 0.5 m: test_pixel_mapper; the curvature bound d² tan φ / 2R
// at 36° N is 3.7 mm), far below a pixel. On a 1 m grid a node every 256 px — a tile of the engine is one
// lattice cell — is 16 times fewer transforms than every 64 px: PROJ was most of what a census mesh cost.
int lattice_step(const GridSpec& g) {
    const double pixel_m = std::sqrt(g.pixel_area());
    int step = 16;
    while (step < 256 && 2 * step * pixel_m <= 256.0) step *= 2;
    return step;
}

// Between the lattice nodes around a pixel: the one expression of every caller, so that a pixel maps to
// the same bits wherever it is asked for.
double bilinear(const std::vector<double>& L, size_t row0, size_t row1, size_t i0, size_t i1, double tc, double tr) {
    const double a = L[row0 + i0] * (1 - tc) + L[row0 + i1] * tc;
    const double b = L[row1 + i0] * (1 - tc) + L[row1 + i1] * tc;
    return a * (1 - tr) + b * tr;
}

}  // namespace

PixelMapper::PixelMapper(const GridSpec& from, const GridSpec& to)
    : grid_(from), step_(lattice_step(from)), shift_(std::countr_zero(unsigned(step_))) {
    inv_src_ = invert(to.geotransform, "raster");
    if (!same_crs(from.crs_wkt, to.crs_wkt)) {
        auto a = srs_from_wkt(from.crs_wkt), b = srs_from_wkt(to.crs_wkt);
        ct_.reset(OGRCreateCoordinateTransformation(&a, &b));
        if (!ct_) throw DataError("cannot transform between the grid CRS and a layer's CRS");
    }
}

bool PixelMapper::axis_aligned() const {
    return !ct_ && grid_.geotransform[2] == 0 && grid_.geotransform[4] == 0 && inv_src_[2] == 0 && inv_src_[4] == 0;
}

// Nodes at every step_-th column and row counted from the grid's origin, not the window's: a pixel maps
// to the same point in whatever window it is read, so the pre-pass that counts pixel centres per
// source cell and the reads that share each cell's value agree pixel for pixel.
void PixelMapper::build_lattice(const Window& w, Lattice& l) const {
    l.c0 = node_of(w.x0), l.r0 = node_of(w.y0);
    l.ncol = size_t(node_of(w.x0 + w.width - 1) + 2 - l.c0);
    l.nrow = size_t(node_of(w.y0 + w.height - 1) + 2 - l.r0);
    const size_t n = l.ncol * l.nrow;
    l.x.resize(n), l.y.resize(n);
    for (size_t j = 0; j < l.nrow; ++j)
        for (size_t i = 0; i < l.ncol; ++i) {
            const int c = (l.c0 + int(i)) * step_, r = (l.r0 + int(j)) * step_;
            l.x[j * l.ncol + i] = grid_.centre_x(c, r);
            l.y[j * l.ncol + i] = grid_.centre_y(c, r);
        }
    std::vector<int> ok(n);
    ct_->Transform(int(n), l.x.data(), l.y.data(), nullptr, ok.data());
    const auto& iv = inv_src_;
    for (size_t k = 0; k < n; ++k) {
        const double X = l.x[k], Y = l.y[k];
        l.x[k] = ok[k] ? iv[0] + X * iv[1] + Y * iv[2] : NAN;
        l.y[k] = ok[k] ? iv[3] + X * iv[4] + Y * iv[5] : NAN;
    }
}

// Calls visit(r, at) for each row r of w, where at(c, x, y) sets the source coordinates of column c.
// Through a CRS change the lattice of w must be built first (lattice_).
template <class Visit>
void PixelMapper::for_each_row(const Window& w, Visit&& visit) const {
    const auto& iv = inv_src_;
    if (!ct_) {
        // Same CRS: both geotransforms are affine, so is the map; columns and rows step evenly. Counted
        // from the grid's first column, so a pixel maps to the same bits in any window.
        const auto& g = grid_.geotransform;
        const double dsx = g[1] * iv[1] + g[4] * iv[2], dsy = g[1] * iv[4] + g[4] * iv[5];
        for (int r = 0; r < w.height; ++r) {
            const double row = w.y0 + r + 0.5;
            const double X0 = g[0] + 0.5 * g[1] + row * g[2], Y0 = g[3] + 0.5 * g[4] + row * g[5];
            const double sx0 = iv[0] + X0 * iv[1] + Y0 * iv[2], sy0 = iv[3] + X0 * iv[4] + Y0 * iv[5];
            visit(r, [&](int c, double& x, double& y) {
                const double gc = w.x0 + c;
                x = sx0 + gc * dsx, y = sy0 + gc * dsy;
            });
        }
        return;
    }
    // Exact transforms on the lattice, bilinear in between.
    const Lattice& l = lattice_;
    for (int r = 0; r < w.height; ++r) {
        const int gr = w.y0 + r, j = node_of(gr);
        const double tr = double(gr - j * step_) / step_;
        const size_t row0 = size_t(j - l.r0) * l.ncol, row1 = row0 + l.ncol;
        visit(r, [&](int c, double& x, double& y) {
            const int gc = w.x0 + c, i = node_of(gc);
            const size_t i0 = size_t(i - l.c0), i1 = i0 + 1;
            const double tc = double(gc - i * step_) * (1.0 / step_);  // exact: step_ is a power of two
            x = bilinear(l.x, row0, row1, i0, i1, tc, tr), y = bilinear(l.y, row0, row1, i0, i1, tc, tr);
        });
    }
}

// for_each_row's map of one pixel (gc, gr) of the grid, to the same bits.
void PixelMapper::lattice_point(int gc, int gr, double& x, double& y) const {
    const Lattice& l = lattice_;
    const int j = node_of(gr), i = node_of(gc);
    const double tr = double(gr - j * step_) / step_;
    const size_t row0 = size_t(j - l.r0) * l.ncol, row1 = row0 + l.ncol;
    const size_t i0 = size_t(i - l.c0), i1 = i0 + 1;
    const double tc = double(gc - i * step_) * (1.0 / step_);
    x = bilinear(l.x, row0, row1, i0, i1, tc, tr), y = bilinear(l.y, row0, row1, i0, i1, tc, tr);
}

void PixelMapper::map(const Window& w, Eigen::ArrayXd& sx, Eigen::ArrayXd& sy) const {
    if (ct_) build_lattice(w, lattice_);
    sx.resize(w.size());
    sy.resize(w.size());
    for_each_row(w, [&](int r, auto at) {
        double* out_x = sx.data() + int64_t(r) * w.width;
        double* out_y = sy.data() + int64_t(r) * w.width;
        for (int c = 0; c < w.width; ++c) at(c, out_x[c], out_y[c]);
    });
}

namespace {
// Values that lie between a and b lie in one source cell when a and b lie more than eps (far above
// rounding) inside it.
bool one_cell(double a, double b) {
    constexpr double eps = 1e-6;
    const auto [lo, hi] = std::minmax(a, b);
    return std::floor(lo - eps) == std::floor(hi + eps);
}
constexpr int64_t kMixed = -2;  // not one source cell
}  // namespace

int64_t PixelMapper::cell_of(double x, double y, int width, int height) {
    return x >= 0 && y >= 0 && x < width && y < height ? int64_t(y) * width + int64_t(x) : -1;
}

// The cells of pixels [a, b) of one row inside one lattice cell, where the map is linear along the row:
// the pixels between two ends in one cell are in it too. Linearity also tells where the row crosses each
// cell edge between its ends: cut there and check each piece by its ends, whose maps are taken once (a
// crossing costs two). A piece whose ends disagree (a cut one pixel off by rounding) is halved until
// they agree. at(c, x, y) maps column c of the row; emit(p, q, cell) takes pixels [p, q) in order.
template <class At, class Emit>
void PixelMapper::split_row(int a, int b, int width, int height, At&& at, Emit&& emit) const {
    auto halve = [&](auto& self, int p, int q) -> void {
        double xa, ya, xb, yb;
        at(p, xa, ya);
        at(q - 1, xb, yb);
        if (q - p == 1 || (one_cell(xa, xb) && one_cell(ya, yb))) return emit(p, q, cell_of(xa, ya, width, height));
        const int m = p + (q - p) / 2;
        self(self, p, m);
        self(self, m, q);
    };
    struct End {
        int c;  // a piece's first or last pixel, and its map
        double x = 0, y = 0;
    };
    End first{a}, last{b - 1};
    at(first.c, first.x, first.y);
    at(last.c, last.x, last.y);
    if (one_cell(first.x, last.x) && one_cell(first.y, last.y))
        return emit(a, b, cell_of(first.x, first.y, width, height));
    cuts_.clear();
    auto crossings = [&](double va, double vb) {
        if (!(std::isfinite(va) && std::isfinite(vb)) || b - 1 == a || std::floor(va) == std::floor(vb)) return;
        if (std::abs(vb - va) > b - a) return;  // more edges than pixels: halving finds them
        const double per_px = (vb - va) / (b - 1 - a);
        for (double k = std::floor(std::min(va, vb)) + 1; k <= std::max(va, vb); ++k) {
            const double t = (k - va) / per_px;  // where the row meets the edge k, in pixels from a
            const double cut = per_px > 0 ? std::ceil(t) : std::floor(t) + 1;
            cuts_.push_back(a + int(std::clamp(cut, 1.0, double(b - 1 - a))));
        }
    };
    crossings(first.x, last.x);
    crossings(first.y, last.y);
    if (cuts_.size() > 1) {
        std::sort(cuts_.begin(), cuts_.end());
        cuts_.erase(std::unique(cuts_.begin(), cuts_.end()), cuts_.end());
    }
    End p = first;
    for (size_t k = 0; k <= cuts_.size(); ++k) {
        End q = last, next{};
        if (k < cuts_.size()) {
            q.c = cuts_[k] - 1, next.c = cuts_[k];
            at(q.c, q.x, q.y);
            at(next.c, next.x, next.y);
        }
        if (one_cell(p.x, q.x) && one_cell(p.y, q.y)) emit(p.c, q.c + 1, cell_of(p.x, p.y, width, height));
        else halve(halve, p.c, q.c + 1);
        p = next;
    }
}

namespace {
// The farthest index from `from` (where ok holds) towards `beyond` (excluded) at which ok holds, by binary
// search: ok is meant to hold on a stretch from `from`, and every index it returns is checked by ok itself.
template <class Ok>
int farthest(int from, int beyond, Ok&& ok) {
    int good = from, bad = beyond;
    while (std::abs(bad - good) > 1) {
        const int m = good + (bad - good) / 2;
        (ok(m) ? good : bad) = m;
    }
    return good;
}
}  // namespace

// The one cell of grid columns ca..cb × rows ra..rb inside one lattice cell, or kMixed: every pixel of such a
// rectangle maps between the extremes of its four corners (the map is bilinear there).
int64_t PixelMapper::rect_cell(int ca, int cb, int ra, int rb, int width, int height) const {
    double x[4], y[4];
    lattice_point(ca, ra, x[0], y[0]), lattice_point(cb, ra, x[1], y[1]);
    lattice_point(ca, rb, x[2], y[2]), lattice_point(cb, rb, x[3], y[3]);
    const auto [xl, xh] = std::minmax({x[0], x[1], x[2], x[3]});
    const auto [yl, yh] = std::minmax({y[0], y[1], y[2], y[3]});
    return one_cell(xl, xh) && one_cell(yl, yh) ? cell_of(xl, yl, width, height) : kMixed;  // NaN fails the test
}

// Lattice cell k of w's lattice (row-major): its first grid row, and its grid columns [c0, c1) and rows
// [r0, r1) inside w.
PixelMapper::CellExtent PixelMapper::extent(size_t k, const Window& w) const {
    const Lattice& l = lattice_;
    const size_t ncell = l.ncol - 1;
    const int top = (l.r0 + int(k / ncell)) * step_, left = (l.c0 + int(k % ncell)) * step_;
    return {top, std::max(w.x0, left), std::min(w.x0 + w.width, left + step_), std::max(w.y0, top),
            std::min(w.y0 + w.height, top + step_)};
}

// Per lattice cell of w, through a CRS change: its one cell (uniform_, when its four nodes lie in one cell).
// Else a cell edge crosses it. One that runs along the rows leaves it one cell from its top row down to a row
// found by binary search (rect_cell proves the band) and one from its bottom row up: those rows get their cell
// (row_cell_), the row or two between are kMixed. One that runs across the rows (no row is one cell) leaves it
// one cell from its left column to a column found the same way and one from its right column (columns_): only
// the columns between are split per row. split_row splits kMixed stretches.
void PixelMapper::classify_cells(const Window& w, int width, int height) const {
    build_lattice(w, lattice_);
    const Lattice& l = lattice_;
    const size_t ncell = l.ncol - 1, nrowcell = l.nrow - 1;
    uniform_.assign(ncell * nrowcell, kMixed);
    row_cell_.resize(uniform_.size() * size_t(step_));
    columns_.resize(uniform_.size());
    for (size_t k = 0; k < uniform_.size(); ++k) {
        const size_t n00 = (k / ncell) * l.ncol + k % ncell, n10 = n00 + l.ncol;
        const auto [x0, x1] = std::minmax({l.x[n00], l.x[n00 + 1], l.x[n10], l.x[n10 + 1]});
        const auto [y0, y1] = std::minmax({l.y[n00], l.y[n00 + 1], l.y[n10], l.y[n10 + 1]});
        if (one_cell(x0, x1) && one_cell(y0, y1)) {  // NaN fails the test
            uniform_[k] = cell_of(x0, y0, width, height);
            continue;
        }
        // The lattice cell's pixels inside w: columns c0..c1, rows r0..r1 of the grid (inclusive here).
        const CellExtent e = extent(k, w);
        const int c0 = e.c0, c1 = e.c1 - 1, r0 = e.r0, r1 = e.r1 - 1;
        auto row = [&](int r) -> int64_t& { return row_cell_[row_index(k, e.top, r)]; };  // grid row r
        for (int r = r0; r <= r1; ++r) row(r) = kMixed;
        // Rows: from the top row down, then from the bottom row up to the first row the top band took.
        int taken = r0 - 1;
        if (const int64_t a = rect_cell(c0, c1, r0, r0, width, height); a != kMixed) {
            taken = farthest(r0, r1 + 1, [&](int r) { return rect_cell(c0, c1, r0, r, width, height) == a; });
            for (int r = r0; r <= taken; ++r) row(r) = a;
        }
        bool bottom = false;
        if (taken < r1)
            if (const int64_t b = rect_cell(c0, c1, r1, r1, width, height); b != kMixed) {
                const int to = farthest(r1, taken, [&](int r) { return rect_cell(c0, c1, r, r1, width, height) == b; });
                for (int r = to; r <= r1; ++r) row(r) = b;
                bottom = true;
            }
        // Columns, where no row is one cell.
        ColumnSplit& cs = columns_[k];
        cs = ColumnSplit{c0, c1 + 1};
        if (taken >= r0 || bottom) continue;
        if ((cs.left = rect_cell(c0, c0, r0, r1, width, height)) != kMixed)
            cs.left_end = 1 + farthest(c0, c1 + 1, [&](int c) { return rect_cell(c0, c, r0, r1, width, height) == cs.left; });
        if (cs.left_end <= c1 && (cs.right = rect_cell(c1, c1, r0, r1, width, height)) != kMixed)
            cs.right_begin = farthest(c1, cs.left_end - 1, [&](int c) { return rect_cell(c, c1, r0, r1, width, height) == cs.right; });
    }
}

void PixelMapper::cell_runs(const Window& w, int width, int height, std::vector<CellRun>& out) const {
    out.clear();
    auto add = [&](int64_t begin, int64_t end, int64_t cell) {
        if (!out.empty() && out.back().cell == cell && out.back().end == begin) out.back().end = end;
        else out.push_back({begin, end, cell});
    };
    if (axis_aligned()) {
        // The source column depends on the column only, the source row on the row only: the columns'
        // stretches in one source column are found once per window (x is monotonic along a row: a
        // galloping search finds where floor(x) changes), then each row is those stretches at its y.
        struct Stretch {
            int begin, end;
            double x;
        };
        std::vector<Stretch> stretches;
        for_each_row(Window{w.x0, w.y0, w.width, 1}, [&](int, auto at) {
            double x, y, xc, yc;
            auto same = [&](int c, double fx) { return at(c, xc, yc), std::floor(xc) == fx; };
            for (int a = 0; a < w.width;) {
                at(a, x, y);
                const double fx = std::floor(x);
                // floor(x) is fx at column `inside` and differs at `beyond` (or beyond = width)
                int inside = a, beyond = a + 1, step = 1;
                while (beyond < w.width && same(beyond, fx))
                    inside = beyond, step *= 2, beyond = std::min(w.width, inside + step);
                while (beyond - inside > 1) {
                    const int m = inside + (beyond - inside) / 2;
                    (same(m, fx) ? inside : beyond) = m;
                }
                stretches.push_back({a, beyond, x});
                a = beyond;
            }
        });
        for_each_row(w, [&](int r, auto at) {
            double x, y;
            at(0, x, y);
            const int64_t row = int64_t(r) * w.width;
            for (const Stretch& s : stretches) add(row + s.begin, row + s.end, cell_of(s.x, y, width, height));
        });
        return;
    }
    if (ct_) classify_cells(w, width, height);
    const size_t ncell = ct_ ? lattice_.ncol - 1 : 0;
    for_each_row(w, [&](int r, auto at) {
        const int64_t row = int64_t(r) * w.width;
        const int gr = w.y0 + r;
        const size_t lattice_row = ct_ ? size_t(node_of(gr) - lattice_.r0) * ncell : 0;
        auto emit = [&](int p, int q, int64_t cell) { add(row + p, row + q, cell); };
        for (int a = 0; a < w.width;) {
            const int node = node_of(w.x0 + a);
            const int b = std::min(w.width, (node + 1) * step_ - w.x0);  // pixels [a, b): one lattice cell
            if (ct_) {
                const size_t k = lattice_row + size_t(node - lattice_.c0);
                int64_t cell = uniform_[k];
                if (cell == kMixed) cell = row_cell_[row_index(k, node_of(gr) * step_, gr)];
                if (cell != kMixed) {
                    add(row + a, row + b, cell);
                    a = b;
                    continue;
                }
                const ColumnSplit& cs = columns_[k];  // an edge across the rows: one cell left and right of it
                const int m0 = cs.left_end - w.x0, m1 = cs.right_begin - w.x0;
                if (m0 > a) add(row + a, row + m0, cs.left);
                if (m1 > m0) split_row(m0, m1, width, height, at, emit);
                if (b > m1) add(row + m1, row + b, cs.right);
                a = b;
                continue;
            }
            split_row(a, b, width, height, at, emit);
            a = b;
        }
    });
}

void PixelMapper::cell_counts(const Window& w, int width, int height, std::vector<CellCount>& out) const {
    out.clear();
    auto count = [&](int64_t cell, int64_t n) {
        if (!out.empty() && out.back().cell == cell) out.back().pixels += n;
        else out.push_back({cell, n});
    };
    if (!ct_) {
        cell_runs(w, width, height, runs_);
        for (const CellRun& run : runs_) count(run.cell, run.end - run.begin);
        return;
    }
    // Through a CRS change, by lattice cell: a uniform one at once, a mixed one by rows.
    classify_cells(w, width, height);
    for (size_t k = 0; k < uniform_.size(); ++k) {
        const auto [top, c0, c1, r0, r1] = extent(k, w);
        if (uniform_[k] != kMixed) {
            count(uniform_[k], int64_t(c1 - c0) * (r1 - r0));
            continue;
        }
        const ColumnSplit& cs = columns_[k];
        if (cs.left_end > c0) count(cs.left, int64_t(cs.left_end - c0) * (r1 - r0));
        if (c1 > cs.right_begin) count(cs.right, int64_t(c1 - cs.right_begin) * (r1 - r0));
        for (int r = r0; r < r1; ++r) {
            const int64_t cell = row_cell_[row_index(k, top, r)];
            if (cell != kMixed) {
                count(cell, c1 - c0);
                continue;
            }
            auto at = [&](int c, double& x, double& y) { lattice_point(w.x0 + c, r, x, y); };
            if (cs.right_begin > cs.left_end)
                split_row(cs.left_end - w.x0, cs.right_begin - w.x0, width, height, at,
                          [&](int p, int q, int64_t cell) { count(cell, q - p); });
        }
    }
}

}  // namespace repot
