// Zone geometries on a tiny grid (method.md §2, docs/reliability.md): only polygons, null and empty
// geometries warned about, invalid ones repaired, non-finite ones refused, far-reaching ones still
// rasterized, overlaps measured with the first zone in id order keeping the shared pixels; --strict.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include "cli_support.hpp"

using namespace repot_cli_test;

namespace {

// A 4 × 4 grid of 10 m pixels, x 0..40, y -40..0 in EPSG:6677, roof 10 m² everywhere.
struct ZoneCase {
    TempDir dir{"zones"};
    std::string roof = dir / "roof.tif", ghi = dir / "ghi.tif", zones = dir / "zones.geojson";
    ZoneCase() {
        RasterSpec s;
        s.width = 4;
        s.height = 4;
        write_raster(roof, s, {std::vector<double>(16, 10)});
        write_raster(ghi, s, {std::vector<double>(16, 1000)});
    }
    // features: GeoJSON geometry objects (or "null"), ids 1, 2, ...
    void write(const std::vector<std::string>& geometries) const {
        std::string o = "{\"type\": \"FeatureCollection\", \"crs\": {\"type\": \"name\", \"properties\": {\"name\": "
                        "\"urn:ogc:def:crs:EPSG::6677\"}}, \"features\": [";
        for (size_t k = 0; k < geometries.size(); ++k)
            o += (k ? ",\n" : "\n") + std::string("{\"type\": \"Feature\", \"properties\": {\"code\": ") +
                 std::to_string(k + 1) + "}, \"geometry\": " + geometries[k] + "}";
        write_text(zones, o + "]}\n");
    }
    std::vector<std::string> args(const std::string& out) const {
        return {"run", "--zones", zones, "--zone-id-field", "code", "--roof", roof, "--ghi", ghi, "--out", out, "-q"};
    }
};

std::string rect(double x0, double y0, double x1, double y1) {
    return fmt::format("{{\"type\": \"Polygon\", \"coordinates\": [[[{},{}],[{},{}],[{},{}],[{},{}],[{},{}]]]}}", x0, y0,
                       x1, y0, x1, y1, x0, y1, x0, y0);
}

std::vector<std::string> warnings_of(const fs::path& out) {
    std::vector<std::string> w;
    const Json manifest = parse_json(read_text(out / "run.json"));  // kept: the loop reads into it
    for (const auto& j : manifest.at("warnings").items) w.push_back(j.str);
    return w;
}

bool any_contains(const std::vector<std::string>& v, const std::string& needle) {
    for (const auto& s : v)
        if (contains(s, needle)) return true;
    return false;
}

}  // namespace

TEST_CASE("cli zones: points and lines are refused, naming the zone") {
    ZoneCase c;
    const fs::path out = c.dir.path() / "out";
    c.write({rect(0, -40, 40, 0), "{\"type\": \"Point\", \"coordinates\": [5, -5]}"});
    expect_failure(c.args(out.string()), out, 1, {c.zones, "zone '2'", "POINT", "polygons"});
    c.write({"{\"type\": \"LineString\", \"coordinates\": [[0, -5], [40, -5]]}"});
    expect_failure(c.args(out.string()), out, 1, {"zone '1'", "LINESTRING"});
}

TEST_CASE("cli zones: a null geometry is a warning; --strict makes it an error") {
    ZoneCase c;
    const fs::path out = c.dir.path() / "out";
    c.write({rect(0, -40, 40, 0), "null"});
    auto r = run_repot(c.args(out.string()));
    INFO(describe(r));
    REQUIRE(r.code == 0);
    CsvTable t(read_text(out / "potential.csv"));
    CHECK(t.cell("zone_id", "1", "pixel_count") == "16");
    CHECK(t.cell("zone_id", "2", "pixel_count") == "0");
    CHECK(any_contains(warnings_of(out), "zone '2': no geometry"));
    auto strict = c.args((c.dir.path() / "strict").string());
    strict.push_back("--strict");
    expect_failure(strict, c.dir.path() / "strict", 1, {"--strict", "zone '2': no geometry"});
}

TEST_CASE("cli zones: a self-intersecting polygon is repaired with a warning and keeps its pixels") {
    ZoneCase c;
    const fs::path out = c.dir.path() / "out";
    // A bow tie over the grid: triangles x 0..40 meeting at (20, -20); MakeValid keeps both.
    c.write({"{\"type\": \"Polygon\", \"coordinates\": [[[0,0],[40,-40],[40,0],[0,-40],[0,0]]]}"});
    auto r = run_repot(c.args(out.string()));
    INFO(describe(r));
    REQUIRE(r.code == 0);
    CHECK(any_contains(warnings_of(out), "zone '1': invalid geometry"));
    CsvTable t(read_text(out / "potential.csv"));
    // Pixel centres (5|15|25|35, -5|...|-35) inside the two triangles (left and right of the crossing):
    // |x − 20| ≥ |y + 20| holds for 8 of the 16 centres (the diagonals' own centres lie on them and count).
    CHECK(std::stoi(t.cell("zone_id", "1", "pixel_count")) >= 4);
    CHECK(std::stoi(t.cell("zone_id", "1", "pixel_count")) <= 12);
}

TEST_CASE("cli zones: non-finite coordinates are refused; far-reaching polygons still get their pixels") {
    ZoneCase c;
    const fs::path out = c.dir.path() / "out";
    c.write({"{\"type\": \"Polygon\", \"coordinates\": [[[0,0],[1e400,0],[40,-40],[0,0]]]}"});
    auto r = run_repot(c.args(out.string()));
    CHECK(r.code != 0);
    CHECK(files_in(out).empty());
    c.write({rect(-1e300, -1e300, 1e300, 1e300)});
    r = run_repot(c.args(out.string()));
    INFO(describe(r));
    REQUIRE(r.code == 0);
    CHECK(CsvTable(read_text(out / "potential.csv")).cell("zone_id", "1", "pixel_count") == "16");
}

TEST_CASE("cli zones: overlaps are measured and the first zone in id order keeps the shared pixels") {
    ZoneCase c;
    const fs::path out = c.dir.path() / "out";
    // Zone 1: x 0..30, zone 2: x 10..40 (full height): they share x 10..30, 2 columns × 4 rows = 800 m².
    c.write({rect(0, -40, 30, 0), rect(10, -40, 40, 0)});
    auto r = run_repot(c.args(out.string()));
    INFO(describe(r));
    REQUIRE(r.code == 0);
    CsvTable t(read_text(out / "potential.csv"));
    CHECK(t.cell("zone_id", "1", "pixel_count") == "12");
    CHECK(t.cell("zone_id", "2", "pixel_count") == "4");
    CHECK(any_contains(warnings_of(out), "zones '1' and '2' overlap by 800.0 m²"));
    const Json manifest = parse_json(read_text(out / "run.json"));
    const Json& ov = manifest.at("zones").at("overlaps");
    REQUIRE(ov.items.size() == 1);
    CHECK(ov.items[0].at("area_m2").num == doctest::Approx(800));
}

TEST_CASE("cli zones: a grid of 4e16 pixels around small zones runs in bounded memory and time") {
    ZoneCase c;
    const fs::path out = c.dir.path() / "out";
    c.write({rect(0, -40, 40, 0)});
    auto a = c.args(out.string());
    // 1 cm pixels over 2000 km × 2000 km: the block plan is never held whole, only the zones' blocks are visited.
    a.insert(a.end(), {"--grid", "EPSG:6677:0.01:-1000000,-1000000,1000000,1000000"});
    auto r = run_repot(a);
    INFO(describe(r));
    REQUIRE(r.code == 0);
    CsvTable t(read_text(out / "potential.csv"));
    CHECK(t.cell("zone_id", "1", "pixel_count") == "16000000");  // 40 m × 40 m at 1 cm
    // Roof area is conserved when 10 m pixels are shared among 1 cm ones: 16 × 10 m².
    check_cell("roof", t.cell("zone_id", "1", "roof_area_m2"), 160, 2);
    // A grid too large for a pixel index is refused, naming the flag.
    expect_failure(with_flag(c.args((c.dir.path() / "o2").string()), "--grid", "EPSG:6677:0.0001:-1e6,-1e6,1e6,1e6"),
                   c.dir.path() / "o2", 2, {"--grid", "per side"});
    expect_failure(with_flag(c.args((c.dir.path() / "o3").string()), "--grid", "EPSG:6677:nan:0,-40,40,0"),
                   c.dir.path() / "o3", 2, {"--grid", "finite"});
}
