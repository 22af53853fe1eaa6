// The span stage of a roof + GHI run both ways the engine has (docs/performance.md, seventh round): the
// column kernels — coverage, roof and ground heat writing columns, ZoneSums::add summing them in fixed
// point, the way every span with a map or other layers goes — against sums_direct, which adds the
// same quantities straight from the layers (issue 12's "kernels that add into the zone sums"). Both on the
// same synthetic spans of 4,096 pixels in one zone (a window filled by one municipality), roof and GHI
// complete, the flat-roof plane on the lattice.
//
//   repot_direct_sums [--spans N] [--roof-share S]
//
// Prints ns per pixel of each and exits 1 unless every zone sum of the two ways is the same bit for bit.
#include <Eigen/Core>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "repot/accumulate.hpp"
#include "repot/block.hpp"
#include "repot/kernels.hpp"
#include "repot/scenario.hpp"

namespace {

using namespace repot;
constexpr Eigen::Index kSpan = 4096;  // the engine's span

// The engine's column stage for this layer set (engine.cpp run_kernels).
struct ColumnStage {
    Columns values;
    ColumnPlan plan;
    ColumnMask skip;
    MonthlyEnergy monthly;
    void run(const Block& b, Span s, const Scenario& sc, ZoneSums& sums) {
        const bool fresh = values.rows() != s.count;
        if (fresh) values.setConstant(s.count, q_count, NAN), skip.reset();
        const CompleteLayers complete = coverage_kernel(b, s, values, skip);
        solar_roof_kernel(b, s, sc.solar_roof, SkyContext{}, values, &monthly, skip);
        ground_heat_kernel(b, s, sc.ground_heat, nullptr, values, skip);
        if (fresh) plan_columns(b, false, complete, values, plan, skip);
        sums.add(b.zone.segment(s.offset, s.count), values, plan, /*one_zone=*/true);
    }
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
    int spans = 20000;
    double roof_share = 0.4;  // the `spread` roof: about 40 % of pixels with roof
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--spans")) spans = std::atoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--roof-share")) roof_share = std::atof(argv[i + 1]);
        else return std::fprintf(stderr, "usage: repot_direct_sums [--spans N] [--roof-share S]\n"), 2;
    }
    // One block of 16 spans (a 256 × 256 window), used over and over: the stage, not the reads, is measured.
    const Eigen::Index n = 16 * kSpan;
    Block b;
    b.width = int(n), b.height = 1, b.pixel_area = 1.0, b.latitude_deg = 35.7;
    b.zone.setConstant(n, 1);
    b.roof.resize(n), b.ghi_year.resize(n), b.roof_plane_year.resize(n);
    std::mt19937_64 rng(12);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    for (Eigen::Index i = 0; i < n; ++i) {
        b.roof(i) = u(rng) < roof_share ? 0.2 + 0.8 * u(rng) : 0.0;
        b.ghi_year(i) = 1250.0 + 30.0 * u(rng);
        b.roof_plane_year(i) = 1.12 * b.ghi_year(i);
    }
    const Scenario sc;
    ColumnStage columns;
    ZoneSums by_columns(1, 0, b.pixel_area), direct(1, 0, b.pixel_area);
    MonthlyEnergy monthly;

    auto t0 = std::chrono::steady_clock::now();
    for (int k = 0; k < spans; ++k) columns.run(b, Span{(k % 16) * kSpan, kSpan}, sc, by_columns);
    const double columns_s = seconds_since(t0);
    t0 = std::chrono::steady_clock::now();
    bool taken = true;
    for (int k = 0; k < spans; ++k) taken &= sums_direct(b, Span{(k % 16) * kSpan, kSpan}, nullptr, direct, &monthly);
    const double direct_s = seconds_since(t0);
    if (!taken) return std::printf("sums_direct refused a complete span\n"), 1;

    const double px = double(spans) * double(kSpan);
    std::printf("columns %.3f ns/px (%zu summed), direct %.3f ns/px: %.2f x\n", columns_s / px * 1e9,
                columns.plan.summed.size(), direct_s / px * 1e9, columns_s / direct_s);
    bool same = true;
    for (int q = 0; q < q_count; ++q)
        if (by_columns.fixed(1, Q(q)) != direct.fixed(1, Q(q))) {
            std::printf("differs: quantity %d, columns %.17g direct %.17g quanta\n", q, double(by_columns.fixed(1, Q(q))),
                        double(direct.fixed(1, Q(q))));
            same = false;
        }
    std::printf(same ? "every zone sum equal\n" : "zone sums differ\n");
    return same ? 0 : 1;
}
