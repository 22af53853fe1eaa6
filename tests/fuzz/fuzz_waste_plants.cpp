// read_waste_plants (src/io/waste_table.cpp): the --waste-plants table, read through GDAL's CSV
// driver from /vsimem/, then every plant through compute_plant, as `repot run` does.
#include <cpl_vsi.h>
#include <gdal_priv.h>

#include "fuzz_support.hpp"
#include "repot/waste.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    GDALAllRegister();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const char* path = "/vsimem/fuzz_plants.csv";
    static const std::set<std::string> zones{"13101", "13102", "13201", "1"};
    VSILFILE* f = VSIFileFromMemBuffer(path, const_cast<GByte*>(data), vsi_l_offset(size), FALSE);
    VSIFCloseL(f);
    repot::fuzz::expect_repot_errors_only([&] {
        const auto plants = repot::read_waste_plants(path, zones, nullptr);
        for (const auto& p : plants) {
            repot::fuzz::check(zones.count(p.host_zone) == 1, "every host is a zone of the run");
            try {
                (void)repot::compute_plant(p, repot::WasteParams{});
            } catch (const repot::DataError&) {
            }
        }
    });
    VSIUnlink(path);
    return 0;
}
