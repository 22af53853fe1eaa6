// JIS X 0410 mesh code decoding, checked against corners worked out by hand from the definition:
//   1st level: lat = first two digits / 1.5, lon = last two digits + 100; cell 40' x 1 deg
//   2nd level: 8 x 8 (5' x 7'30"), 3rd: 10 x 10 (30" x 45"), 4th/5th: halves 1 SW 2 SE 3 NW 4 NE,
//   100 m: 10 x 10 of the 3rd level (3" x 4.5").
// The running example is Tokyo Station (35.6812 N, 139.7671 E), in 3rd-level cell 53394611.
#include <doctest/doctest.h>

#include <stdexcept>
#include <string>

#include "repot/error.hpp"
#include "repot/prepare.hpp"

using repot::MeshLevel;
using repot::prepare::decode_mesh_code;
using repot::prepare::MeshCell;

namespace {

constexpr double minute = 1.0 / 60, second = 1.0 / 3600;

void check_cell(const MeshCell& c, double south, double west, double height, double width) {
    CHECK(c.south_deg() == doctest::Approx(south).epsilon(1e-13));
    CHECK(c.west_deg() == doctest::Approx(west).epsilon(1e-13));
    CHECK(c.north_deg() == doctest::Approx(south + height).epsilon(1e-13));
    CHECK(c.east_deg() == doctest::Approx(west + width).epsilon(1e-13));
}

std::string error_of(const std::string& code, std::optional<MeshLevel> level = std::nullopt) {
    try {
        decode_mesh_code(code, level);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("JIS X 0410: 1st level 5339 is 35 deg 20' - 36 deg N, 139 - 140 deg E") {
    // 53 / 1.5 = 35.333... = 35 deg 20'; 39 + 100 = 139.
    const MeshCell c = decode_mesh_code("5339");
    CHECK(c.level == MeshLevel::first);
    check_cell(c, 35 + 20 * minute, 139, 40 * minute, 1);
}

TEST_CASE("JIS X 0410: 2nd level 533946 = row 4, column 6 of 8") {
    // south 35 deg 20' + 4 x 5' = 35 deg 40'; west 139 deg + 6 x 7'30" = 139 deg 45'.
    const MeshCell c = decode_mesh_code("533946");
    CHECK(c.level == MeshLevel::second);
    check_cell(c, 35 + 40 * minute, 139 + 45 * minute, 5 * minute, 7.5 * minute);
    // The highest row and column: 533977 -> south 35 deg 20' + 35' = 35 deg 55', west 139 deg 52'30".
    check_cell(decode_mesh_code("533977"), 35 + 55 * minute, 139 + 52.5 * minute, 5 * minute, 7.5 * minute);
}

TEST_CASE("JIS X 0410: 3rd level 53394611 holds Tokyo Station") {
    // south 35 deg 40' + 1 x 30" = 35 deg 40'30"; west 139 deg 45' + 1 x 45" = 139 deg 45'45".
    const MeshCell c = decode_mesh_code("53394611");
    CHECK(c.level == MeshLevel::third);
    const double south = 35 + 40 * minute + 30 * second, west = 139 + 45 * minute + 45 * second;
    check_cell(c, south, west, 30 * second, 45 * second);
    CHECK(c.south_deg() < 35.6812);
    CHECK(35.6812 < c.north_deg());
    CHECK(c.west_deg() < 139.7671);
    CHECK(139.7671 < c.east_deg());
}

TEST_CASE("JIS X 0410: 4th level (500 m) quadrants 1 SW, 2 SE, 3 NW, 4 NE") {
    const double south = 35 + 40 * minute + 30 * second, west = 139 + 45 * minute + 45 * second;
    const double h = 15 * second, w = 22.5 * second;
    check_cell(decode_mesh_code("533946111"), south, west, h, w);
    check_cell(decode_mesh_code("533946112"), south, west + w, h, w);
    check_cell(decode_mesh_code("533946113"), south + h, west, h, w);
    check_cell(decode_mesh_code("533946114"), south + h, west + w, h, w);
    CHECK(decode_mesh_code("533946114").level == MeshLevel::fourth);
}

TEST_CASE("JIS X 0410: 5th level (250 m) halves the 4th level again") {
    // 5339461142: 4th-level NE quarter (south + 15", west + 22.5"), then its SE quarter (west + 11.25").
    const double south = 35 + 40 * minute + 30 * second + 15 * second;
    const double west = 139 + 45 * minute + 45 * second + 22.5 * second + 11.25 * second;
    const MeshCell c = decode_mesh_code("5339461142", MeshLevel::fifth);
    CHECK(c.level == MeshLevel::fifth);
    check_cell(c, south, west, 7.5 * second, 11.25 * second);
    // 5339461113: SW quarter of the 500 m cell, then its NW quarter: south + 7.5".
    check_cell(decode_mesh_code("5339461113", MeshLevel::fifth), south - 15 * second + 7.5 * second,
               139 + 45 * minute + 45 * second, 7.5 * second, 11.25 * second);
}

TEST_CASE("L03-b 100 m subdivision: 3rd-level code + row digit + column digit") {
    // 5339461179: row 7 (from the south) x 3", column 9 (from the west) x 4.5" of cell 53394611.
    const double south = 35 + 40 * minute + 30 * second + 7 * 3 * second;
    const double west = 139 + 45 * minute + 45 * second + 9 * 4.5 * second;
    const MeshCell c = decode_mesh_code("5339461179", MeshLevel::hundred_metre);
    CHECK(c.level == MeshLevel::hundred_metre);
    check_cell(c, south, west, 3 * second, 4.5 * second);
    // The NE corner cell 99 ends where the 3rd-level cell ends.
    const MeshCell ne = decode_mesh_code("5339461199", MeshLevel::hundred_metre);
    const MeshCell parent = decode_mesh_code("53394611");
    CHECK(ne.south + ne.height == parent.south + parent.height);
    CHECK(ne.west + ne.width == parent.west + parent.width);
}

TEST_CASE("JIS X 0410: integer quarter arc-seconds make neighbouring cells share edges exactly") {
    const MeshCell a = decode_mesh_code("53394619"), b = decode_mesh_code("53394710");
    // 53394619 is the easternmost cell of row 1 of 2nd-level 533946; 53394710 the westernmost of row 1 of 533947.
    CHECK(a.west + a.width == b.west);
    CHECK(a.south == b.south);
}

TEST_CASE("JIS X 0410: malformed codes are refused with a reason") {
    CHECK(error_of("53394").find("5 digits") != std::string::npos);
    CHECK(error_of("").find("0 digits") != std::string::npos);
    CHECK(error_of("5339461X").find("not a digit") != std::string::npos);
    CHECK(error_of(" 5339").find("not a digit") != std::string::npos);
    CHECK(error_of("53398611").find("digit 5") != std::string::npos);   // 2nd-level row 8 > 7
    CHECK(error_of("53394811").find("digit 6") != std::string::npos);   // 2nd-level column 8 > 7
    CHECK(error_of("533946110").find("digit 9") != std::string::npos);  // quadrant 0
    CHECK(error_of("533946115").find("must be 1-4") != std::string::npos);
    CHECK(error_of("5339461140", MeshLevel::fifth).find("digit 10") != std::string::npos);
    CHECK(error_of("0000").find("outside Japan") != std::string::npos);
    CHECK(error_of("6960").find("outside Japan") != std::string::npos);
    CHECK(error_of("5321").find("outside Japan") != std::string::npos);
    // 10 digits: 250 m or 100 m? Never guessed.
    CHECK(error_of("5339461142").find("--level") != std::string::npos);
    // A level that does not match the length.
    CHECK(error_of("53394611", MeshLevel::fourth).find("has 8 digits") != std::string::npos);
}

TEST_CASE("mesh levels: names and parsing") {
    CHECK(repot::prepare::parse_mesh_level("100m") == MeshLevel::hundred_metre);
    CHECK(repot::prepare::parse_mesh_level("4") == MeshLevel::fourth);
    CHECK_THROWS_AS(repot::prepare::parse_mesh_level("6"), repot::UsageError);
    CHECK_THROWS_AS(repot::prepare::parse_mesh_level("250m"), repot::UsageError);
    CHECK(repot::prepare::mesh_code_digits(MeshLevel::fourth) == 9);
}
