// The in-plane irradiation of a fixed plane computed at the nodes of a lattice k times finer than the
// GHI's cells and then interpolated (the default for flat-roof panels, docs/method.md §10, with k = 8
// for a 1 km GHI on a grid of 125 m or finer) against the per-pixel evaluation kept as the reference
// (interpolate the monthly GHI to the pixel, then transpose): the bound is 1e-4 of the pixel's
// annual GHI, over tilt 0–90°, every aspect, monthly clearness across the Erbs range and beyond its
// clamp, 12-band and 1-band GHI, with neighbouring cells 13 % apart (far more than real 1 km fields).
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <map>

#include "repot/scenario.hpp"
#include "repot/solar_geometry.hpp"

using namespace repot;

namespace {
// Bilinear between the four cells (rows: c00, c10, c01, c11) at (tx, ty).
Eigen::ArrayXd bilinear(const Eigen::ArrayXXd& cells, double tx, double ty) {
    return ((cells.row(0) * (1 - tx) + cells.row(1) * tx) * (1 - ty) + (cells.row(2) * (1 - tx) + cells.row(3) * tx) * ty)
        .transpose();
}
}  // namespace

TEST_CASE("transposition on the lattice of the GHI cells: within 1e-4 of the annual GHI of the per-pixel evaluation") {
    const double lat = 35.7;
    const solar::MonthlySky sky = solar::MonthlySky::at(lat);
    const solar::TranspositionTable table(lat, 0.2);
    const IrradiationParams irradiation;
    const std::array<double, 12> shares = monthly_shares(irradiation);
    const std::array<double, 4> apart{0.0, 0.08, -0.05, 0.03};  // the four cells around the pixel
    std::map<int, double> worst;  // per lattice refinement k
    int evaluations = 0;
    for (const bool one_band : {false, true})
        for (const double level : {0.45, 0.7, 1.0, 1.3, 1.7}) {  // monthly K_T from about 0.15 to 0.95
            Eigen::ArrayXXd cells(4, 12);
            for (int c = 0; c < 4; ++c)
                for (int m = 0; m < 12; ++m) {
                    // 12 bands: each month its own clearness (the profile varies by month); 1 band: the
                    // annual total split with the scenario's profile, as the engine does.
                    const double monthly = one_band ? 1280.0 * shares[size_t(m)] : irradiation.monthly_profile[size_t(m)];
                    cells(c, m) = monthly * level * (1 + apart[size_t(c)] * (1 + 0.1 * m / 11.0));
                }
            for (int tilt = 0; tilt <= 90; tilt += 5)
                for (int aspect = 0; aspect < 360; aspect += 5)
                    for (const double tx : {0.1, 0.5, 0.9})
                        for (const double ty : {0.2, 0.5, 0.8}) {
                            const Eigen::ArrayXd ghi = bilinear(cells, tx, ty);  // the pixel's monthly GHI
                            const Eigen::ArrayXXd ghi_row = ghi.transpose();
                            const double reference = solar::inplane_fixed_plane(ghi_row, sky, table, tilt, aspect)(0);
                            for (const int k : {1, 8}) {
                                // The four lattice nodes around the pixel: GHI bilinear there, transposed.
                                const double x0 = std::floor(tx * k) / k, y0 = std::floor(ty * k) / k;
                                Eigen::ArrayXXd nodes(4, 12);
                                nodes.row(0) = bilinear(cells, x0, y0).transpose();
                                nodes.row(1) = bilinear(cells, x0 + 1.0 / k, y0).transpose();
                                nodes.row(2) = bilinear(cells, x0, y0 + 1.0 / k).transpose();
                                nodes.row(3) = bilinear(cells, x0 + 1.0 / k, y0 + 1.0 / k).transpose();
                                Eigen::ArrayXXd node_months;
                                Eigen::ArrayXXd annual(4, 1);
                                annual.col(0) = solar::inplane_fixed_plane(nodes, sky, table, tilt, aspect, &node_months);
                                const double u = (tx - x0) * k, v = (ty - y0) * k;
                                const double lattice = bilinear(annual, u, v)(0);
                                worst[k] = std::max(worst[k], std::abs(lattice - reference) / ghi.sum());
                                // The months add up to the annual value through the same interpolation.
                                CHECK(bilinear(node_months, u, v).sum() == doctest::Approx(lattice).epsilon(1e-12));
                            }
                            ++evaluations;
                        }
        }
    MESSAGE("largest difference over ", evaluations, " pixels: ", worst[1], " of the annual GHI on the cells (k = 1), ",
            worst[8], " on the lattice (k = 8)");
    CHECK(evaluations == 2 * 5 * 19 * 72 * 9);
    CHECK(worst[8] <= 1e-4);
    CHECK(worst[8] > 0);            // two methods are compared, not one twice
    CHECK(worst[1] > 10 * worst[8]);  // the lattice is what keeps the error small
}
