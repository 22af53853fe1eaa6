// load_scenario (src/core/scenario.cpp): a --scenario TOML file through CLI11's TOML reader and
// repot's validation. It takes a path, so the input is written to a scratch file. A scenario that
// loads must pass validate() again (every value finite and in range).
#include "fuzz_support.hpp"
#include "repot/scenario.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string& path = repot::fuzz::scratch_path(".toml");
    repot::fuzz::write_file(path, repot::fuzz::text_of(data, size));
    repot::fuzz::expect_repot_errors_only([&] {
        repot::Scenario s;
        (void)repot::load_scenario(path, s);
        try {
            repot::validate(s);
        } catch (const repot::UsageError&) {
            repot::fuzz::check(false, "a loaded scenario validates");
        }
    });
    return 0;
}
