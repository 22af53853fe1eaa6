// An experiment for issue 12's "kernels that add straight into the zone sums" (docs/performance.md,
// seventh round): what the span stage of a roof + GHI run costs as the engine runs it — coverage, roof
// and ground-heat kernels writing columns, then ZoneSums::add summing them in fixed point — against one
// fused pass that rounds and sums each pixel's quantities in registers, writing no column. Both on the
// same synthetic spans of 4,096 pixels in one zone (a window filled by one municipality), roof and GHI
// complete, the flat-roof plane on the lattice: the common case of the benchmark's roof runs.
//
//   repot_kernel_fusion [--spans N] [--roof-share S]
//
// Prints ns per pixel of each and exits 1 unless the fused sums equal the engine's bit for bit (the
// fixed-point sums do not depend on how pixels are grouped, so a fused pass must find the same quanta).
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

// The engine's span stage (engine.cpp run_kernels and plan_columns, for this layer set).
struct EngineStage {
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
        if (fresh) plan_for(b, complete);
        sums.add(b.zone.segment(s.offset, s.count), values, plan, /*one_zone=*/true);
    }
    void plan_for(const Block& b, CompleteLayers complete) {
        auto written = [&](int q) { return !std::isnan(values(0, q)); };
        plan_equal_columns(b, false, complete, plan);
        std::erase_if(plan.copies, [&](const auto& c) { return !written(c.first) || !written(c.second); });
        std::erase_if(plan.ones, [&](int q) { return !written(q); });
        std::vector<bool> derived(q_count, false);
        for (const auto& c : plan.copies) derived[size_t(c.first)] = true;
        for (int q : plan.ones) derived[size_t(q)] = true;
        for (int q : plan.zeros) derived[size_t(q)] = true;
        plan.summed.clear();
        for (int q = 0; q < q_count; ++q)
            if (written(q) && !derived[size_t(q)]) plan.summed.push_back(q);
        ColumnPlan always;
        plan_equal_columns(b, false, CompleteLayers{}, always);
        for (const auto& c : always.copies) skip.set(size_t(c.first));
        for (int q : always.ones) skip.set(size_t(q));
    }
};

// The same sums without columns: each quantity computed from the layers and rounded to its quantum as
// ZoneSums::add rounds it (sum_quanta), in one loop per quantity with eight partial sums (the form the
// compiler vectorises; one loop for all six spilled registers and ran slower).
template <class F>
int64_t sum_rounded(int n, double quantum, F value) {
    const double shift = 6755399441055744.0 * quantum;
    double part[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; ++k) part[k] += (value(i + k) + shift) - shift;
    double s = ((part[0] + part[4]) + (part[1] + part[5])) + ((part[2] + part[6]) + (part[3] + part[7]));
    for (; i < n; ++i) s += (value(i) + shift) - shift;
    return int64_t(s / quantum);  // whole, below 2^53
}

struct Fused {
    __int128 roof_area = 0, ghi_sum = 0, theoretical = 0, plane = 0, open = 0, roof_px = 0;  // in quanta, as ZoneSums
    void run(const double* __restrict R, const double* __restrict H, const double* __restrict Hp, double area,
             const std::vector<double>& quantum, int n) {
        roof_area += sum_rounded(n, quantum[q_roof_area_m2], [&](int i) { return R[i]; });
        ghi_sum += sum_rounded(n, quantum[q_ghi_sum_kwh_m2], [&](int i) { return H[i]; });
        theoretical += sum_rounded(n, quantum[q_roof_theoretical_kwh], [&](int i) { return H[i] * R[i]; });
        plane += sum_rounded(n, quantum[q_roof_plane_kwh], [&](int i) { return R[i] * Hp[i]; });
        open += sum_rounded(n, quantum[q_ground_open_m2], [&](int i) { return std::max(area - R[i], 0.0); });
        int64_t px = 0;
        for (int i = 0; i < n; ++i) px += R[i] > 0;
        roof_px += px;
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
        else return std::fprintf(stderr, "usage: repot_kernel_fusion [--spans N] [--roof-share S]\n"), 2;
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
    EngineStage engine;
    ZoneSums sums(1, 0, b.pixel_area);
    Fused fused;
    const std::vector<double> quantum = ZoneSums::quanta(b.pixel_area);

    auto t0 = std::chrono::steady_clock::now();
    for (int k = 0; k < spans; ++k) engine.run(b, Span{(k % 16) * kSpan, kSpan}, sc, sums);
    const double engine_s = seconds_since(t0);
    t0 = std::chrono::steady_clock::now();
    for (int k = 0; k < spans; ++k) {
        const Eigen::Index off = (k % 16) * kSpan;
        fused.run(b.roof.data() + off, b.ghi_year.data() + off, b.roof_plane_year.data() + off, b.pixel_area, quantum, int(kSpan));
    }
    const double fused_s = seconds_since(t0);

    const double px = double(spans) * double(kSpan);
    std::printf("engine stage %.3f ns/px (%zu columns summed), fused %.3f ns/px: %.2f x\n", engine_s / px * 1e9,
                engine.plan.summed.size(), fused_s / px * 1e9, engine_s / fused_s);
    bool same = true;
    auto check = [&](const char* name, Q q, __int128 fused_quanta) {
        const bool ok = sums.fixed(1, q) == fused_quanta;
        if (!ok) std::printf("differs: %s engine %.17g fused %.17g quanta\n", name, double(sums.fixed(1, q)), double(fused_quanta));
        same &= ok;
    };
    check("roof area", q_roof_area_m2, fused.roof_area);
    check("GHI sum", q_ghi_sum_kwh_m2, fused.ghi_sum);
    check("theoretical", q_roof_theoretical_kwh, fused.theoretical);
    check("plane", q_roof_plane_kwh, fused.plane);
    check("open ground", q_ground_open_m2, fused.open);
    check("roof pixels", q_roof_px, fused.roof_px * int64_t(1.0 / quantum[q_roof_px]));
    std::printf(same ? "fused sums equal the engine's\n" : "fused sums differ\n");
    return same ? 0 : 1;
}
