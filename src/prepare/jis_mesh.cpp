// JIS X 0410 standard area mesh codes (標準地域メッシュ) and the 100 m subdivision of MLIT's L03-b.
//
//   1st level  pppp        lat = pp / 1.5 deg, lon = 100 + qq deg; cell 40' x 1 deg (about 80 km)
//   2nd level  + r c       8 x 8 of the 1st level, digits 0-7 (row from south, column from west): 5' x 7'30"
//   3rd level  + r c       10 x 10 of the 2nd level, digits 0-9: 30" x 45" (about 1 km)
//   4th level  + q         half of the 3rd level: 1 SW, 2 SE, 3 NW, 4 NE: 15" x 22.5" (500 m)
//   5th level  + q         half of the 4th level, same digits: 7.5" x 11.25" (250 m)
//   100 m      3rd + r c   10 x 10 of the 3rd level, digits 0-9: 3" x 4.5"
//
// Everything is counted in quarter arc-seconds, where all of these sizes are whole numbers.
#include <stdexcept>

#include <fmt/format.h>

#include "repot/error.hpp"
#include "repot/message_text.hpp"
#include "repot/prepare.hpp"

namespace repot::prepare {
namespace {

constexpr std::int64_t arcsec = 4;   // quarter arc-seconds per arc-second

// The 1st-level codes that exist: lat part 30 (20 deg N, Okinotorishima) to 68 (Hokkaido, 45 deg 20' N),
// lon part 22 (122 deg E, Yonaguni) to 53 (153 deg E, Minamitorishima).
constexpr int first_lat_min = 30, first_lat_max = 68, first_lon_min = 22, first_lon_max = 53;

int digit(std::string_view code, std::size_t i) { return code[i] - '0'; }

void require_digit_range(std::string_view code, std::size_t i, int lo, int hi, const char* what) {
    const int d = digit(code, i);
    if (d < lo || d > hi)
        throw std::invalid_argument(fmt::format("mesh code '{}': digit {} ({}) is {}, must be {}-{}", code,
                                                i + 1, what, d, lo, hi));
}

// Quadrant digit of the 4th/5th level: which half in latitude and longitude.
void add_quadrant(MeshCell& cell, int quadrant, std::int64_t half_height, std::int64_t half_width) {
    if (quadrant == 3 || quadrant == 4) cell.south += half_height;   // 3 NW, 4 NE
    if (quadrant == 2 || quadrant == 4) cell.west += half_width;     // 2 SE, 4 NE
}

}  // namespace

int mesh_code_digits(MeshLevel level) {
    switch (level) {
        case MeshLevel::first: return 4;
        case MeshLevel::second: return 6;
        case MeshLevel::third: return 8;
        case MeshLevel::fourth: return 9;
        case MeshLevel::fifth: return 10;
        case MeshLevel::hundred_metre: return 10;
    }
    return 0;
}

std::int64_t mesh_cell_height(MeshLevel level) {
    switch (level) {
        case MeshLevel::first: return 2400 * arcsec;   // 40'
        case MeshLevel::second: return 300 * arcsec;   // 5'
        case MeshLevel::third: return 30 * arcsec;
        case MeshLevel::fourth: return 15 * arcsec;
        case MeshLevel::fifth: return 30;              // 7.5"
        case MeshLevel::hundred_metre: return 3 * arcsec;
    }
    return 0;
}

std::int64_t mesh_cell_width(MeshLevel level) {
    switch (level) {
        case MeshLevel::first: return 3600 * arcsec;   // 1 deg
        case MeshLevel::second: return 450 * arcsec;   // 7'30"
        case MeshLevel::third: return 45 * arcsec;
        case MeshLevel::fourth: return 90;             // 22.5"
        case MeshLevel::fifth: return 45;              // 11.25"
        case MeshLevel::hundred_metre: return 18;      // 4.5"
    }
    return 0;
}

MeshLevel parse_mesh_level(std::string_view text) {
    if (text == "1") return MeshLevel::first;
    if (text == "2") return MeshLevel::second;
    if (text == "3") return MeshLevel::third;
    if (text == "4") return MeshLevel::fourth;
    if (text == "5") return MeshLevel::fifth;
    if (text == "100m") return MeshLevel::hundred_metre;
    throw UsageError(fmt::format("--level '{}' is not a mesh level: use 1, 2, 3, 4, 5 or 100m", text));
}

std::string mesh_level_name(MeshLevel level) {
    switch (level) {
        case MeshLevel::first: return "1st level (80 km)";
        case MeshLevel::second: return "2nd level (10 km)";
        case MeshLevel::third: return "3rd level (1 km)";
        case MeshLevel::fourth: return "4th level (500 m)";
        case MeshLevel::fifth: return "5th level (250 m)";
        case MeshLevel::hundred_metre: return "100 m subdivision (L03-b)";
    }
    return "?";
}

MeshCell decode_mesh_code(std::string_view code, std::optional<MeshLevel> level) {
    for (char ch : code)
        if (ch < '0' || ch > '9')
            throw std::invalid_argument(
                fmt::format("mesh code {} has a character that is not a digit", quote_for_message(code)));

    MeshLevel lv;
    if (level) {
        lv = *level;
        if (code.size() != std::size_t(mesh_code_digits(lv)))
            throw std::invalid_argument(fmt::format("mesh code {} has {} digits; a {} code has {}", quote_for_message(code),
                                                    code.size(), mesh_level_name(lv), mesh_code_digits(lv)));
    } else {
        switch (code.size()) {
            case 4: lv = MeshLevel::first; break;
            case 6: lv = MeshLevel::second; break;
            case 8: lv = MeshLevel::third; break;
            case 9: lv = MeshLevel::fourth; break;
            case 10:
                throw std::invalid_argument(fmt::format(
                    "mesh code '{}' has 10 digits: 5th level (250 m) or 100 m subdivision? give --level 5 or --level 100m",
                    code));
            default:
                throw std::invalid_argument(fmt::format(
                    "mesh code {} has {} digits; JIS X 0410 codes have 4, 6, 8, 9 or 10", quote_for_message(code),
                    code.size()));
        }
    }

    const int lat_part = digit(code, 0) * 10 + digit(code, 1);
    const int lon_part = digit(code, 2) * 10 + digit(code, 3);
    if (lat_part < first_lat_min || lat_part > first_lat_max || lon_part < first_lon_min || lon_part > first_lon_max)
        throw std::invalid_argument(fmt::format(
            "mesh code '{}': 1st-level code {:02d}{:02d} is outside Japan's mesh (latitude part {}-{}, longitude part {}-{})",
            code, lat_part, lon_part, first_lat_min, first_lat_max, first_lon_min, first_lon_max));

    MeshCell cell;
    cell.level = lv;
    cell.south = lat_part * mesh_cell_height(MeshLevel::first);   // pp/1.5 deg = pp * 40'
    cell.west = (100 + lon_part) * quarter_arcsec_per_degree;
    if (lv != MeshLevel::first) {
        require_digit_range(code, 4, 0, 7, "2nd-level row");
        require_digit_range(code, 5, 0, 7, "2nd-level column");
        cell.south += digit(code, 4) * mesh_cell_height(MeshLevel::second);
        cell.west += digit(code, 5) * mesh_cell_width(MeshLevel::second);
    }
    if (lv != MeshLevel::first && lv != MeshLevel::second) {
        // 0-9 is every digit: nothing to check beyond "is a digit".
        cell.south += digit(code, 6) * mesh_cell_height(MeshLevel::third);
        cell.west += digit(code, 7) * mesh_cell_width(MeshLevel::third);
    }
    if (lv == MeshLevel::fourth || lv == MeshLevel::fifth) {
        require_digit_range(code, 8, 1, 4, "4th-level quadrant");
        add_quadrant(cell, digit(code, 8), mesh_cell_height(MeshLevel::fourth), mesh_cell_width(MeshLevel::fourth));
    }
    if (lv == MeshLevel::fifth) {
        require_digit_range(code, 9, 1, 4, "5th-level quadrant");
        add_quadrant(cell, digit(code, 9), mesh_cell_height(MeshLevel::fifth), mesh_cell_width(MeshLevel::fifth));
    }
    if (lv == MeshLevel::hundred_metre) {
        cell.south += digit(code, 8) * mesh_cell_height(MeshLevel::hundred_metre);
        cell.west += digit(code, 9) * mesh_cell_width(MeshLevel::hundred_metre);
    }
    cell.height = mesh_cell_height(lv);
    cell.width = mesh_cell_width(lv);
    return cell;
}

}  // namespace repot::prepare
