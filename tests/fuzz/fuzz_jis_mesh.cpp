// decode_mesh_code and parse_mesh_level (src/prepare/jis_mesh.cpp). The first byte chooses the level
// (none, 1..5, 100m, or a text for parse_mesh_level), the rest is the code. decode_mesh_code's contract
// is std::invalid_argument with a sentence (read_mesh_table turns it into a DataError naming the row),
// so that is the one exception accepted from it. A decoded cell must lie in Japan's mesh.
#include <optional>
#include <stdexcept>

#include "fuzz_support.hpp"
#include "repot/prepare.hpp"

using namespace repot;
using namespace repot::prepare;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const std::string code = repot::fuzz::text_of(data + 1, size - 1);
    static const std::optional<MeshLevel> levels[] = {std::nullopt,       MeshLevel::first, MeshLevel::second,
                                                      MeshLevel::third,   MeshLevel::fourth, MeshLevel::fifth,
                                                      MeshLevel::hundred_metre};
    if (data[0] >= 7) {
        repot::fuzz::expect_repot_errors_only([&] { (void)parse_mesh_level(code); });
        return 0;
    }
    const auto level = levels[data[0]];
    repot::fuzz::expect_repot_errors_only([&] {
        MeshCell cell;
        try {
            cell = decode_mesh_code(code, level);
        } catch (const std::invalid_argument&) {
            return;
        }
        repot::fuzz::check(code.size() == size_t(mesh_code_digits(cell.level)), "code length fits the level");
        repot::fuzz::check(!level || cell.level == *level, "the given level is kept");
        repot::fuzz::check(cell.height == mesh_cell_height(cell.level) && cell.width == mesh_cell_width(cell.level),
                           "cell size is the level's");
        repot::fuzz::check(cell.south_deg() >= 20 && cell.north_deg() <= 46 && cell.west_deg() >= 122 &&
                               cell.east_deg() <= 154,
                           "cell lies in Japan's mesh");
    });
    return 0;
}
