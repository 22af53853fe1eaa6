// read_waste_membership (src/io/waste_table.cpp): the --waste-members CSV, read through GDAL's CSV
// driver from /vsimem/.
#include <cmath>

#include <cpl_vsi.h>
#include <gdal_priv.h>

#include "fuzz_support.hpp"
#include "repot/waste.hpp"

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    GDALAllRegister();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const char* path = "/vsimem/fuzz_members.csv";
    VSILFILE* f = VSIFileFromMemBuffer(path, const_cast<GByte*>(data), vsi_l_offset(size), FALSE);
    VSIFCloseL(f);
    repot::fuzz::expect_repot_errors_only([&] {
        const auto m = repot::read_waste_membership(path);
        for (const auto& [op, members] : m.members) {
            repot::fuzz::check(!op.empty() && !members.empty(), "operators have members");
            for (const auto& z : members) repot::fuzz::check(!z.empty(), "member codes are not empty");
        }
        for (const auto& [zone, persons] : m.population)
            repot::fuzz::check(persons >= 0 && std::isfinite(persons), "populations are finite and >= 0");
    });
    VSIUnlink(path);
    return 0;
}
