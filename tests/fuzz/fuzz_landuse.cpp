// LandUseTable::parse (src/core/landuse.cpp): the --landuse-classes CSV. A table that parses must be
// one the engine can use without further checks: fractions in 0..1, codes findable by index_of.
#include "fuzz_support.hpp"
#include "repot/landuse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    repot::fuzz::expect_repot_errors_only([&] {
        const auto t = repot::LandUseTable::parse(repot::fuzz::text_of(data, size), "fuzz.csv");
        repot::fuzz::check(!t.classes().empty(), "a parsed table has at least one class");
        for (size_t i = 0; i < t.classes().size(); ++i) {
            const auto& c = t.classes()[i];
            repot::fuzz::check(t.index_of(c.code) == int(i), "index_of finds every class");
            repot::fuzz::check(c.pv_fraction >= 0 && c.pv_fraction <= 1, "pv_fraction in 0..1");
            repot::fuzz::check(c.gsh_fraction >= 0 && c.gsh_fraction <= 1, "gsh_fraction in 0..1");
            repot::fuzz::check(c.built_share >= 0 && c.built_share <= 1, "built_share in 0..1");
            repot::fuzz::check(!(c.existing_pv && c.pv_fraction > 0), "existing PV has no new PV");
        }
    });
    return 0;
}
