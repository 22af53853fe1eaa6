// parse_irradiation_points (src/prepare/irradiation_points.cpp): the station tables of
// `repot prepare irradiation`, both layouts. An odd first byte adds a --filter on a column that a
// MONSOLA table has, so filtering is fuzzed too. Points that parse must be usable as they are.
#include <cmath>

#include "fuzz_support.hpp"
#include "irradiation_points.hpp"

using namespace repot::prepare;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    std::vector<std::pair<std::string, std::string>> filters;
    if (data[0] & 1) filters.emplace_back("mainland", "1");
    const std::string text = repot::fuzz::text_of(data + 1, size - 1);
    repot::fuzz::expect_repot_errors_only([&] {
        const auto t = parse_irradiation_points(text, "fuzz.csv", filters);
        repot::fuzz::check(!t.points.empty(), "a parsed table has points");
        for (const auto& p : t.points) {
            repot::fuzz::check(!p.id.empty(), "ids are not empty");
            repot::fuzz::check(p.lat >= -90 && p.lat <= 90 && p.lon >= -180 && p.lon <= 180, "lat/lon in range");
            for (double v : p.ghi) repot::fuzz::check(v >= 0 && v <= max_monthly_ghi, "monthly GHI in range");
        }
    });
    return 0;
}
