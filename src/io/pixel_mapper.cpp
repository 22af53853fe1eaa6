#include "pixel_mapper.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

#include "crs.hpp"
#include "repot/error.hpp"

namespace repot {

namespace {
// Lattice spacing: a power of two of grid pixels (so the weights below are exact), 16 to 64, at most
// 160 m where that allows more than 16: the curvature of a datum or projection change over 160 m moves a
// point by about 1 mm (d² tan φ / 2R at 36° N), far below a pixel. On a 1 m grid one node every 64 px,
// not 16, is 16 times fewer transforms: PROJ and libm fell from 15 % to 2 % of a run with a census mesh.
int lattice_step(const GridSpec& g) {
    const double pixel_m = std::sqrt(g.pixel_area());
    int step = 16;
    while (step < 64 && 2 * step * pixel_m <= 160.0) step *= 2;
    return step;
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
            auto lerp2 = [&](const std::vector<double>& L) {
                const double a = L[row0 + i0] * (1 - tc) + L[row0 + i1] * tc;
                const double b = L[row1 + i0] * (1 - tc) + L[row1 + i1] * tc;
                return a * (1 - tr) + b * tr;
            };
            x = lerp2(l.x), y = lerp2(l.y);
        });
    }
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

void PixelMapper::cell_runs(const Window& w, int width, int height, std::vector<CellRun>& out) const {
    out.clear();
    auto cell_of = [&](double x, double y) -> int64_t {
        return x >= 0 && y >= 0 && x < width && y < height ? int64_t(y) * width + int64_t(x) : -1;
    };
    auto add = [&](int64_t begin, int64_t end, int64_t cell) {
        if (!out.empty() && out.back().cell == cell && out.back().end == begin) out.back().end = end;
        else out.push_back({begin, end, cell});
    };
    // Values that lie between a and b lie in one source cell when a and b lie more than eps (far above
    // rounding) inside it.
    constexpr double eps = 1e-6;
    auto one_cell = [](double a, double b) {
        const auto [lo, hi] = std::minmax(a, b);
        return std::floor(lo - eps) == std::floor(hi + eps);
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
            for (const Stretch& s : stretches) add(row + s.begin, row + s.end, cell_of(s.x, y));
        });
        return;
    }
    // Through a CRS change a pixel is a bilinear mix of the four lattice nodes around it: when they lie
    // in one source cell, so do all step_ × step_ pixels between them (kMixed: they do not).
    constexpr int64_t kMixed = -2;
    if (ct_) build_lattice(w, lattice_);
    const Lattice& l = lattice_;
    std::vector<int> cuts;  // a lattice cell's stretch of a row, cut where it crosses cell edges
    struct End {
        int c;  // a piece's first or last pixel, and its map
        double x = 0, y = 0;
    };
    const size_t ncell = ct_ ? l.ncol - 1 : 0;
    if (ct_) {
        uniform_.assign(ncell * (l.nrow - 1), kMixed);
        for (size_t k = 0; k < uniform_.size(); ++k) {
            const size_t n00 = (k / ncell) * l.ncol + k % ncell, n10 = n00 + l.ncol;
            const auto [x0, x1] = std::minmax({l.x[n00], l.x[n00 + 1], l.x[n10], l.x[n10 + 1]});
            const auto [y0, y1] = std::minmax({l.y[n00], l.y[n00 + 1], l.y[n10], l.y[n10 + 1]});
            if (one_cell(x0, x1) && one_cell(y0, y1)) uniform_[k] = cell_of(x0, y0);  // NaN fails the test
        }
    }
    for_each_row(w, [&](int r, auto at) {
        const int64_t row = int64_t(r) * w.width;
        const size_t lattice_row = ct_ ? size_t(node_of(w.y0 + r) - l.r0) * ncell : 0;
        for (int a = 0; a < w.width;) {
            const int node = node_of(w.x0 + a);
            const int b = std::min(w.width, (node + 1) * step_ - w.x0);  // pixels [a, b): one lattice cell
            if (ct_ && uniform_[lattice_row + size_t(node - l.c0)] != kMixed) {
                add(row + a, row + b, uniform_[lattice_row + size_t(node - l.c0)]);
                a = b;
                continue;
            }
            // Along a row within a lattice cell the map is linear: the pixels between two ends in one cell
            // are in it too. Linearity also tells where the row crosses each cell edge between its ends:
            // cut there and check each piece by its ends, whose maps are taken once (a crossing costs two).
            // A piece whose ends disagree (a cut one pixel off by rounding) is halved until they agree.
            auto halve = [&](auto& self, int p, int q) -> void {  // pixels [p, q) of the row
                double xa, ya, xb, yb;
                at(p, xa, ya);
                at(q - 1, xb, yb);
                if (q - p == 1 || (one_cell(xa, xb) && one_cell(ya, yb))) return add(row + p, row + q, cell_of(xa, ya));
                const int m = p + (q - p) / 2;
                self(self, p, m);
                self(self, m, q);
            };
            End first{a}, last{b - 1};
            at(first.c, first.x, first.y);
            at(last.c, last.x, last.y);
            cuts.clear();
            auto crossings = [&](double va, double vb) {
                if (!(std::isfinite(va) && std::isfinite(vb)) || b - 1 == a || std::floor(va) == std::floor(vb)) return;
                if (std::abs(vb - va) > b - a) return;  // more edges than pixels: halving finds them
                const double per_px = (vb - va) / (b - 1 - a);
                for (double k = std::floor(std::min(va, vb)) + 1; k <= std::max(va, vb); ++k) {
                    const double t = (k - va) / per_px;  // where the row meets the edge k, in pixels from a
                    const double cut = per_px > 0 ? std::ceil(t) : std::floor(t) + 1;
                    cuts.push_back(a + int(std::clamp(cut, 1.0, double(b - 1 - a))));
                }
            };
            crossings(first.x, last.x);
            crossings(first.y, last.y);
            std::sort(cuts.begin(), cuts.end());
            cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
            End p = first;
            for (size_t k = 0; k <= cuts.size(); ++k) {
                End q = last, next{};
                if (k < cuts.size()) {
                    q.c = cuts[k] - 1, next.c = cuts[k];
                    at(q.c, q.x, q.y);
                    at(next.c, next.x, next.y);
                }
                if (one_cell(p.x, q.x) && one_cell(p.y, q.y)) add(row + p.c, row + q.c + 1, cell_of(p.x, p.y));
                else halve(halve, p.c, q.c + 1);
                p = next;
            }
            a = b;
        }
    });
}

}  // namespace repot
