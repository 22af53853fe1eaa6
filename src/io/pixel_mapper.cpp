#include "pixel_mapper.hpp"

#include <cmath>
#include <vector>

#include "crs.hpp"
#include "repot/error.hpp"

namespace repot {

PixelMapper::PixelMapper(const GridSpec& from, const GridSpec& to) : grid_(from) {
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

void PixelMapper::map(const Window& w, Eigen::ArrayXd& sx, Eigen::ArrayXd& sy) const {
    const auto& iv = inv_src_;
    sx.resize(w.size());
    sy.resize(w.size());
    if (!ct_) {
        // Same CRS: both geotransforms are affine, so is the map; columns and rows step evenly.
        const auto& g = grid_.geotransform;
        for (int r = 0; r < w.height; ++r) {
            const double row = w.y0 + r + 0.5;
            const double X0 = g[0] + (w.x0 + 0.5) * g[1] + row * g[2], Y0 = g[3] + (w.x0 + 0.5) * g[4] + row * g[5];
            const double sx0 = iv[0] + X0 * iv[1] + Y0 * iv[2], sy0 = iv[3] + X0 * iv[4] + Y0 * iv[5];
            const double dsx = g[1] * iv[1] + g[4] * iv[2], dsy = g[1] * iv[4] + g[4] * iv[5];
            for (int c = 0; c < w.width; ++c) {
                sx(int64_t(r) * w.width + c) = sx0 + c * dsx;
                sy(int64_t(r) * w.width + c) = sy0 + c * dsy;
            }
        }
        return;
    }
    // Exact transforms on a lattice every `step` pixels, bilinear in between: a 16-pixel cell of a
    // projected grid is far too small for the curvature of a datum/projection change to show.
    constexpr int step = 16;
    auto lattice = [](int n) {
        std::vector<int> v;
        for (int i = 0; i < n - 1; i += step) v.push_back(i);
        v.push_back(n - 1);
        return v;
    };
    std::vector<int> lc = lattice(w.width), lr = lattice(w.height);
    size_t nl = lc.size() * lr.size();
    std::vector<double> X(nl), Y(nl);
    std::vector<int> ok(nl);
    for (size_t j = 0; j < lr.size(); ++j)
        for (size_t i = 0; i < lc.size(); ++i) {
            X[j * lc.size() + i] = grid_.centre_x(w.x0 + lc[i], w.y0 + lr[j]);
            Y[j * lc.size() + i] = grid_.centre_y(w.x0 + lc[i], w.y0 + lr[j]);
        }
    ct_->Transform(int(nl), X.data(), Y.data(), nullptr, ok.data());
    std::vector<double> LX(nl), LY(nl);
    for (size_t k = 0; k < nl; ++k) {
        LX[k] = ok[k] ? iv[0] + X[k] * iv[1] + Y[k] * iv[2] : NAN;
        LY[k] = ok[k] ? iv[3] + X[k] * iv[4] + Y[k] * iv[5] : NAN;
    }
    const size_t ncol = lc.size();
    // Per column once: its lattice cell and weight (the division is hoisted out of the pixel loop).
    std::vector<size_t> i0s(size_t(w.width)), i1s(size_t(w.width));
    std::vector<double> tcs(size_t(w.width));
    for (int c = 0; c < w.width; ++c) {
        size_t i0 = std::min(size_t(c / step), ncol - 1), i1 = std::min(i0 + 1, ncol - 1);
        i0s[size_t(c)] = i0, i1s[size_t(c)] = i1;
        tcs[size_t(c)] = lc[i1] == lc[i0] ? 0 : double(c - lc[i0]) / (lc[i1] - lc[i0]);
    }
    for (int r = 0; r < w.height; ++r) {
        size_t j0 = std::min(size_t(r / step), lr.size() - 1), j1 = std::min(j0 + 1, lr.size() - 1);
        double tr = lr[j1] == lr[j0] ? 0 : double(r - lr[j0]) / (lr[j1] - lr[j0]);
        const double *X0 = &LX[j0 * ncol], *X1 = &LX[j1 * ncol], *Y0 = &LY[j0 * ncol], *Y1 = &LY[j1 * ncol];
        double* out_x = sx.data() + int64_t(r) * w.width;
        double* out_y = sy.data() + int64_t(r) * w.width;
        for (int c = 0; c < w.width; ++c) {
            const size_t i0 = i0s[size_t(c)], i1 = i1s[size_t(c)];
            const double tc = tcs[size_t(c)];
            auto lerp2 = [&](const double* L0, const double* L1) {
                double a = L0[i0] * (1 - tc) + L0[i1] * tc;
                double b = L1[i0] * (1 - tc) + L1[i1] * tc;
                return a * (1 - tr) + b * tr;
            };
            out_x[c] = lerp2(X0, X1);
            out_y[c] = lerp2(Y0, Y1);
        }
    }
}

}  // namespace repot
