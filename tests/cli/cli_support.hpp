#pragma once
// Helpers of the CLI tests: run the real `repot` binary capturing its exit code, stdout and stderr;
// temporary folders; tiny GeoTIFFs and GeoJSON zones written with GDAL; a CSV reader and a small
// JSON reader for checking the outputs. Everything is inline: several test files include this.
#include <doctest/doctest.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <chrono>
#include <functional>
#include <thread>
#include <signal.h>
#include <array>
#include <set>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace repot_cli_test {

namespace fs = std::filesystem;

inline std::string repot_binary() { return REPOT_BINARY; }

inline std::string read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + p.string());
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline void write_text(const fs::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + p.string());
}

// A fresh folder below the system temp folder, removed with everything in it at scope exit
// (kept when REPOT_KEEP_TEST_DIRS is set, for looking at a failure).
class TempDir {
public:
    explicit TempDir(const std::string& tag = "cli") {
        std::string templ = (fs::temp_directory_path() / ("repot-" + tag + "-XXXXXX")).string();
        std::vector<char> buf(templ.begin(), templ.end());
        buf.push_back('\0');
        if (!mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed for " + templ);
        path_ = buf.data();
    }
    ~TempDir() {
        if (std::getenv("REPOT_KEEP_TEST_DIRS")) return;
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const fs::path& path() const { return path_; }
    std::string operator/(const std::string& name) const { return (path_ / name).string(); }

private:
    fs::path path_;
};

struct CommandResult {
    int code = -1;  // exit code; 128 + signal when killed by a signal
    std::string out, err;
};

// Runs the repot binary with `args` (not through a shell), stdout and stderr captured in files.
inline CommandResult run_repot(const std::vector<std::string>& args) {
    TempDir io("io");
    const std::string out_path = io / "stdout", err_path = io / "stderr";
    std::vector<std::string> argv_s{repot_binary()};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start " + argv_s[0] + ": " + std::strerror(rc));
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) throw std::runtime_error("waitpid failed");
    CommandResult r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = read_text(out_path);
    r.err = read_text(err_path);
    return r;
}

// Starts repot with `args` (stderr to a file), waits until `working(stderr so far)` says it is busy, then
// sends `sig`; returns the exit code (128 + signal when killed by it) and stderr. A command that ends
// before it looks busy is returned as it ended: callers retry with a larger job.
inline CommandResult run_and_signal(const std::vector<std::string>& args,
                                    const std::function<bool(const std::string& err)>& working, int sig) {
    TempDir io("io");
    const std::string err_path = io / "stderr";
    std::vector<std::string> argv_s{repot_binary()};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start " + argv_s[0]);
    int status = 0;
    bool exited = false;
    for (int waited_ms = 0; !exited && waited_ms < 120000; waited_ms += 2) {
        exited = waitpid(pid, &status, WNOHANG) == pid;
        if (!exited && working(read_text(err_path))) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (!exited) {
        kill(pid, sig);
        while (waitpid(pid, &status, 0) < 0)
            if (errno != EINTR) throw std::runtime_error("waitpid failed");
    }
    CommandResult r;
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.err = read_text(err_path);
    return r;
}

inline std::string describe(const CommandResult& r) {
    return "exit " + std::to_string(r.code) + "\n--- stdout ---\n" + r.out + "--- stderr ---\n" + r.err;
}

inline std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

inline bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

// --- rasters --------------------------------------------------------------------------------------

struct RasterSpec {
    double x0 = 0, y_top = 0, res = 10;  // north-up: geotransform {x0, res, 0, y_top, 0, -res}
    int width = 0, height = 0;
    int epsg = 6677;                     // 0: no CRS
    GDALDataType type = GDT_Float32;
    std::optional<double> nodata;
};

// bands[b][row * width + col]
inline void write_raster(const std::string& path, const RasterSpec& s, const std::vector<std::vector<double>>& bands) {
    auto* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
    REQUIRE(drv != nullptr);
    std::unique_ptr<GDALDataset> ds(drv->Create(path.c_str(), s.width, s.height, int(bands.size()), s.type, nullptr));
    REQUIRE(ds != nullptr);
    double gt[6] = {s.x0, s.res, 0, s.y_top, 0, -s.res};
    ds->SetGeoTransform(gt);
    if (s.epsg) {
        OGRSpatialReference srs;
        srs.importFromEPSG(s.epsg);
        ds->SetSpatialRef(&srs);
    }
    for (size_t b = 0; b < bands.size(); ++b) {
        REQUIRE(bands[b].size() == size_t(s.width) * size_t(s.height));
        auto* band = ds->GetRasterBand(int(b) + 1);
        if (s.nodata) band->SetNoDataValue(*s.nodata);
        std::vector<double> v = bands[b];
        REQUIRE(band->RasterIO(GF_Write, 0, 0, s.width, s.height, v.data(), s.width, s.height, GDT_Float64, 0, 0) ==
                CE_None);
    }
}

// --- zones ----------------------------------------------------------------------------------------

struct ZonePolygon {
    std::string id;     // written as a JSON number when all digits
    std::string name;
    std::vector<std::pair<double, double>> ring;  // open ring; closed when written
};

inline ZonePolygon rect_zone(const std::string& id, const std::string& name, double xmin, double ymin, double xmax,
                             double ymax) {
    return {id, name, {{xmin, ymin}, {xmax, ymin}, {xmax, ymax}, {xmin, ymax}}};
}

// GeoJSON with the (2008) named-CRS member, so GDAL reads it in EPSG:`epsg`.
inline void write_zones_geojson(const std::string& path, const std::vector<ZonePolygon>& zones, int epsg = 6677) {
    std::ostringstream o;
    o.precision(17);
    o << "{\"type\": \"FeatureCollection\",\n";
    if (epsg) o << " \"crs\": {\"type\": \"name\", \"properties\": {\"name\": \"urn:ogc:def:crs:EPSG::" << epsg << "\"}},\n";
    o << " \"features\": [\n";
    for (size_t k = 0; k < zones.size(); ++k) {
        const auto& z = zones[k];
        bool numeric = !z.id.empty() && z.id.find_first_not_of("0123456789") == std::string::npos;
        o << "  {\"type\": \"Feature\", \"properties\": {\"code\": " << (numeric ? z.id : "\"" + z.id + "\"")
          << ", \"name\": \"" << z.name << "\"}, \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[";
        auto ring = z.ring;
        ring.push_back(ring.front());
        for (size_t i = 0; i < ring.size(); ++i)
            o << (i ? ", " : "") << "[" << ring[i].first << ", " << ring[i].second << "]";
        o << "]]}}" << (k + 1 < zones.size() ? "," : "") << "\n";
    }
    o << " ]}\n";
    write_text(path, o.str());
}

// --- CSV ------------------------------------------------------------------------------------------

// RFC 4180 records (quoted fields with "" escapes, commas and newlines inside quotes).
inline std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    std::string field;
    bool quoted = false, any = false;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
            else if (c == '"') quoted = false;
            else field += c;
            continue;
        }
        any = true;
        if (c == '"') quoted = true;
        else if (c == ',') row.push_back(field), field.clear();
        else if (c == '\n') {
            row.push_back(field), field.clear();
            rows.push_back(row), row.clear();
            any = false;
        } else if (c != '\r') field += c;
    }
    if (any || !field.empty()) row.push_back(field), rows.push_back(row);
    return rows;
}

// A CSV with a header, cells addressed by key column value and column name.
class CsvTable {
public:
    explicit CsvTable(const std::string& text) {
        auto rows = parse_csv(text);
        REQUIRE_FALSE(rows.empty());
        header = rows.front();
        for (size_t i = 0; i < header.size(); ++i) index_[header[i]] = i;
        for (size_t r = 1; r < rows.size(); ++r) {
            CHECK_MESSAGE(rows[r].size() == header.size(), "CSV row ", r + 1, " has ", rows[r].size(), " fields");
            body.push_back(rows[r]);
        }
    }
    bool has(const std::string& col) const { return index_.count(col) > 0; }
    size_t col(const std::string& name) const {
        auto it = index_.find(name);
        if (it == index_.end()) throw std::runtime_error("no column " + name);
        return it->second;
    }
    const std::vector<std::string>& row_where(const std::string& key_col, const std::string& key) const {
        for (const auto& r : body)
            if (r[col(key_col)] == key) return r;
        throw std::runtime_error("no row with " + key_col + " = " + key);
    }
    std::string cell(const std::string& key_col, const std::string& key, const std::string& column) const {
        return row_where(key_col, key)[col(column)];
    }

    std::vector<std::string> header;
    std::vector<std::vector<std::string>> body;

private:
    std::map<std::string, size_t> index_;
};

// The cell equals `expected` to its printed precision: within half a unit of the last printed
// decimal (plus a relative 1e-9 for the summation order), and printed with exactly `decimals`.
inline void check_cell(const std::string& where, const std::string& cell, double expected, int decimals) {
    INFO(where, ": cell '", cell, "', expected ", expected, " to ", decimals, " decimals");
    REQUIRE_FALSE(cell.empty());
    size_t dot = cell.find('.');
    if (decimals == 0) CHECK(dot == std::string::npos);
    else CHECK((dot != std::string::npos && cell.size() - dot - 1 == size_t(decimals)));
    double v = std::stod(cell);
    double tol = 0.5 * std::pow(10.0, -decimals) + 1e-9 * std::max(1.0, std::abs(expected));
    CHECK(std::abs(v - expected) <= tol);
}

// --- JSON (just enough to read run.json) ---------------------------------------------------------

struct Json {
    enum Kind { null, boolean, number, string, array, object } kind = null;
    bool b = false;
    double num = 0;
    std::string str;
    std::vector<Json> items;
    std::vector<std::pair<std::string, Json>> members;

    const Json* find(const std::string& key) const {
        for (const auto& [k, v] : members)
            if (k == key) return &v;
        return nullptr;
    }
    const Json& at(const std::string& key) const {
        const Json* v = find(key);
        if (!v) throw std::runtime_error("JSON: no member " + key);
        return *v;
    }
};

class JsonParser {
public:
    explicit JsonParser(const std::string& s) : s_(s) {}
    Json parse() {
        Json v = value();
        ws();
        if (i_ != s_.size()) fail("trailing text");
        return v;
    }

private:
    [[noreturn]] void fail(const std::string& why) {
        throw std::runtime_error("JSON: " + why + " at offset " + std::to_string(i_));
    }
    void ws() {
        while (i_ < s_.size() && std::isspace((unsigned char)s_[i_])) ++i_;
    }
    bool eat(char c) {
        ws();
        if (i_ < s_.size() && s_[i_] == c) return ++i_, true;
        return false;
    }
    void expect(char c) {
        if (!eat(c)) fail(std::string("expected ") + c);
    }
    std::string string_lit() {
        expect('"');
        std::string out;
        while (i_ < s_.size() && s_[i_] != '"') {
            char c = s_[i_++];
            if (c != '\\') {
                out += c;
                continue;
            }
            if (i_ >= s_.size()) fail("bad escape");
            char e = s_[i_++];
            switch (e) {
                case 'n': out += '\n'; break;
                case 't': out += '\t'; break;
                case 'r': out += '\r'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'u': {
                    unsigned cp = std::stoul(s_.substr(i_, 4), nullptr, 16);
                    i_ += 4;
                    if (cp < 0x80) out += char(cp);
                    else out += '?';  // not needed by these tests
                    break;
                }
                default: out += e;
            }
        }
        expect('"');
        return out;
    }
    Json value() {
        ws();
        if (i_ >= s_.size()) fail("unexpected end");
        Json v;
        char c = s_[i_];
        if (c == '{') {
            ++i_;
            v.kind = Json::object;
            if (eat('}')) return v;
            do {
                ws();
                std::string k = string_lit();
                expect(':');
                v.members.emplace_back(k, value());
            } while (eat(','));
            expect('}');
        } else if (c == '[') {
            ++i_;
            v.kind = Json::array;
            if (eat(']')) return v;
            do v.items.push_back(value());
            while (eat(','));
            expect(']');
        } else if (c == '"') {
            v.kind = Json::string;
            v.str = string_lit();
        } else if (s_.compare(i_, 4, "true") == 0) {
            v.kind = Json::boolean, v.b = true, i_ += 4;
        } else if (s_.compare(i_, 5, "false") == 0) {
            v.kind = Json::boolean, v.b = false, i_ += 5;
        } else if (s_.compare(i_, 4, "null") == 0) {
            i_ += 4;
        } else {
            size_t used = 0;
            v.kind = Json::number;
            v.num = std::stod(s_.substr(i_, 64), &used);
            if (!used) fail("bad number");
            i_ += used;
        }
        return v;
    }

    const std::string& s_;
    size_t i_ = 0;
};

inline Json parse_json(const std::string& text) { return JsonParser(text).parse(); }

// --- the tiny case --------------------------------------------------------------------------------
//
// A 40 × 12 grid of 10 m pixels in EPSG:6677 (the roof raster's grid), 480 pixels:
//   zone 101 "Alpha ward": an 88 m square whose edges lie 0.6 px inside pixel edges, so by the
//     pixel-centre rule it holds cols 1..8, rows 2..9 (64 px);
//   zone 102 "Beta, town": a 100 m square on pixel edges: cols 12..21, rows 0..9 (100 px), no roof data;
//   zone 103 "Gamma": a 100 m square 5 km east of the grid;
//   the other 316 pixels lie outside every zone.
// roof (Float32, nodata -9999): no data in cols 10..23; elsewhere nodata where (c + r) % 9 == 0, else
//   one of {0, 12.5, 40, 87.25, 100} m²; GHI: 12 bands (Float32) H_m = month[m] + c % 7 + r / 2;
// land use (UInt16, nodata 0): L03-b codes cycling over {100, 600, 1100, 700, 1000, 200, 1600}, one
//   nodata pixel at (15, 3) inside Beta.
// Every value is exact in Float32, so the expected sums can be computed from the same formulas.
struct TinyCase {
    static constexpr double X0 = -8000, Y_TOP = -34000, RES = 10;
    static constexpr int W = 40, H = 12;
    static constexpr double ROOF_NODATA = -9999;
    static constexpr std::array<double, 12> MONTH{81, 90, 114.5, 132.5, 148, 122.5, 137, 134, 99, 85, 70.5, 69.5};
    static constexpr std::array<double, 5> ROOF_VALUES{0, 12.5, 40, 87.25, 100};
    static constexpr std::array<int, 7> CODES{100, 600, 1100, 700, 1000, 200, 1600};

    TempDir dir{"tiny"};
    std::string zones = dir / "zones.geojson", roof = dir / "roof.tif", ghi = dir / "ghi.tif",
                landuse = dir / "landuse.tif", scenario = dir / "scenario.toml";

    TinyCase() {
        write_zones_geojson(zones, zone_polygons());
        write_raster(roof, spec(GDT_Float32, ROOF_NODATA), {roof_band()});
        write_raster(ghi, spec(GDT_Float32, std::nullopt), ghi_bands());
        write_raster(landuse, spec(GDT_UInt16, 0), {landuse_band()});
        write_text(scenario, "# panels flat: in-plane irradiation = GHI\n[solar_roof]\nflat_panel_tilt_deg = 0\n\n"
                             "[solar_land]\npanel_tilt_deg = 0\n");
    }

    static RasterSpec spec(GDALDataType type, std::optional<double> nodata) {
        RasterSpec s;
        s.x0 = X0, s.y_top = Y_TOP, s.res = RES, s.width = W, s.height = H, s.type = type, s.nodata = nodata;
        return s;
    }
    static std::vector<ZonePolygon> zone_polygons() {
        return {rect_zone("101", "Alpha ward", X0 + 6, Y_TOP - 104, X0 + 94, Y_TOP - 16),
                rect_zone("102", "Beta, town", X0 + 120, Y_TOP - 100, X0 + 220, Y_TOP),
                rect_zone("103", "Gamma", X0 + 5000, Y_TOP - 100, X0 + 5100, Y_TOP)};
    }
    // The zone of pixel (c, r) by the pixel-centre rule, worked out by hand from the squares above.
    static int zone_of(int c, int r) {
        if (c >= 1 && c <= 8 && r >= 2 && r <= 9) return 101;
        if (c >= 12 && c <= 21 && r >= 0 && r <= 9) return 102;
        return 0;
    }
    // Roof m², NaN for nodata.
    static double roof_at(int c, int r) {
        if (c >= 10 && c <= 23) return NAN;
        if ((c + r) % 9 == 0) return NAN;
        return ROOF_VALUES[size_t((c + 3 * r) % 5)];
    }
    static double ghi_at(int c, int r, int m) { return MONTH[size_t(m)] + c % 7 + 0.5 * r; }
    static int code_at(int c, int r) { return c == 15 && r == 3 ? 0 : CODES[size_t((c + 2 * r) % 7)]; }

    static std::vector<double> roof_band() {
        std::vector<double> v;
        for (int r = 0; r < H; ++r)
            for (int c = 0; c < W; ++c) v.push_back(std::isnan(roof_at(c, r)) ? ROOF_NODATA : roof_at(c, r));
        return v;
    }
    static std::vector<std::vector<double>> ghi_bands(int bands = 12) {
        std::vector<std::vector<double>> b(static_cast<size_t>(bands));
        for (int m = 0; m < bands; ++m)
            for (int r = 0; r < H; ++r)
                for (int c = 0; c < W; ++c) b[size_t(m)].push_back(ghi_at(c, r, m));
        return b;
    }
    static std::vector<double> landuse_band() {
        std::vector<double> v;
        for (int r = 0; r < H; ++r)
            for (int c = 0; c < W; ++c) v.push_back(code_at(c, r));
        return v;
    }

    // Arguments of `repot run` (or `info` with `command = "info"` and no out).
    std::vector<std::string> args(const std::string& command, const std::string& out, bool with_landuse = true) const {
        std::vector<std::string> a{command, "--zones", zones, "--zone-id-field", "code", "--zone-name-field", "name",
                                   "--roof", roof, "--ghi", ghi, "--scenario", scenario};
        if (with_landuse) a.insert(a.end(), {"--landuse", landuse});
        if (!out.empty()) a.insert(a.end(), {"--out", out});
        return a;
    }
    std::vector<std::string> run_args(const std::string& out, bool with_landuse = true) const {
        return args("run", out, with_landuse);
    }
};

// A larger case with irregular zones and noisy values, so that any change of summation order
// between blocks would show in the printed digits: 96 × 80 px of 10 m, 30 blocks of 16 px.
struct NoisyCase {
    static constexpr double X0 = -12000, Y_TOP = -36000;
    static constexpr int W = 96, H = 80;
    TempDir dir{"noisy"};
    std::string zones = dir / "zones.geojson", roof = dir / "roof.tif", ghi = dir / "ghi.tif",
                landuse = dir / "landuse.tif";

    NoisyCase() {
        std::mt19937 rng(20240611);
        std::uniform_real_distribution<double> u(0, 1);
        RasterSpec s;
        s.x0 = X0, s.y_top = Y_TOP, s.width = W, s.height = H, s.nodata = -1;
        std::vector<double> roof_v, lu_v;
        for (int i = 0; i < W * H; ++i) roof_v.push_back(u(rng) < 0.15 ? -1 : double(float(u(rng) * 100)));
        write_raster(roof, s, {roof_v});
        const int codes[] = {100, 200, 500, 600, 700, 901, 902, 1000, 1100, 1400, 1500, 1600};
        for (int i = 0; i < W * H; ++i) lu_v.push_back(codes[size_t(u(rng) * 12) % 12]);
        RasterSpec ls = s;
        ls.type = GDT_UInt16, ls.nodata = std::nullopt;
        write_raster(landuse, ls, {lu_v});
        // Annual GHI on a coarse 50 m grid offset from the analysis grid: resampled bilinearly, split by month.
        RasterSpec gs;
        gs.x0 = X0 - 37, gs.y_top = Y_TOP + 23, gs.res = 50, gs.width = 22, gs.height = 19;
        std::vector<double> g;
        for (int i = 0; i < gs.width * gs.height; ++i) g.push_back(double(float(1200 + 200 * u(rng))));
        write_raster(ghi, gs, {g});
        auto P = [](double px, double py) { return std::pair{X0 + px * 10, Y_TOP - py * 10}; };
        write_zones_geojson(zones, {{"13101", "triangle", {P(3.3, 2.1), P(60.7, 9.9), P(20.2, 70.4)}},
                                    {"13102", "pentagon", {P(50, 40), P(90.5, 35.2), P(94, 60), P(70, 78.8), P(45, 66)}},
                                    {"13103", "sliver", {P(62, 1), P(95, 1), P(95, 4.4), P(62, 30)}}});
    }
    std::vector<std::string> args(const std::string& out, int threads) const {
        return {"run", "--zones", zones, "--zone-id-field", "code", "--zone-name-field", "name", "--roof", roof,
                "--ghi", ghi, "--landuse", landuse, "--block-size", "16", "--threads", std::to_string(threads),
                "--no-checksum", "-q", "--out", out};
    }
};

// Replaces the value after `flag` in an argument list (the flag must be there).
inline std::vector<std::string> with_flag(std::vector<std::string> args, const std::string& flag, const std::string& value) {
    for (size_t i = 0; i + 1 < args.size(); ++i)
        if (args[i] == flag) {
            args[i + 1] = value;
            return args;
        }
    args.push_back(flag);
    args.push_back(value);
    return args;
}

inline std::vector<std::string> without_flag(std::vector<std::string> args, const std::string& flag) {
    for (size_t i = 0; i + 1 < args.size(); ++i)
        if (args[i] == flag) {
            args.erase(args.begin() + long(i), args.begin() + long(i) + 2);
            break;
        }
    return args;
}

// The failure contract of every command: exit code, one 'repot: error:' line naming the problem,
// nothing on stdout, and nothing at all in the output folder.
// Files of the output folder (empty if it does not exist).
inline std::set<std::string> files_in(const fs::path& dir) {
    std::set<std::string> out;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return out;
    for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
    return out;
}

// Runs and checks the failure contract; `needles` must all appear in the error line.
inline void expect_failure(const std::vector<std::string>& args, const fs::path& out, int code,
                    const std::vector<std::string>& needles) {
    auto r = run_repot(args);
    INFO(describe(r));
    CHECK(r.code == code);
    auto lines = lines_of(r.err);
    // Exactly one line on stderr: the error, nothing else (no GDAL "ERROR 4:" noise, no usage text).
    CHECK(lines.size() == 1);
    std::string error_line;
    for (const auto& l : lines)
        if (l.rfind("repot: error: ", 0) == 0) error_line = l;
    REQUIRE_MESSAGE(!error_line.empty(), "no line starting with 'repot: error: '");
    for (const auto& n : needles) {
        INFO("error line should mention: ", n);
        CHECK(contains(error_line, n));
    }
    CHECK(r.out.empty());
    // Nothing written: no potential.csv, nor any staged or half-written file.
    CHECK_FALSE(fs::exists(out / "potential.csv"));
    CHECK_FALSE(fs::exists(out / "plants.csv"));
    CHECK(files_in(out).empty());
}

}  // namespace repot_cli_test
