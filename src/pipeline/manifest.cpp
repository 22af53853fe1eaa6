#include "manifest.hpp"

#include <fmt/format.h>
#include <ogr_spatialref.h>

#include <filesystem>

#include "repot/json.hpp"
#include "repot/sha256.hpp"
#include "repot/version.hpp"

namespace repot {

namespace {

std::string epsg_of(const std::string& wkt) {
    OGRSpatialReference srs;
    srs.importFromWkt(wkt.c_str());
    srs.AutoIdentifyEPSG();
    const char* auth = srs.GetAuthorityName(nullptr);
    const char* code = srs.GetAuthorityCode(nullptr);
    return auth && code ? fmt::format("{}:{}", auth, code) : "";
}

void file_entry(JsonWriter& j, const std::string& role, const std::string& path, bool checksum) {
    j.begin_object();
    j.value("role", role).value("path", path);
    std::error_code ec;
    auto size = std::filesystem::file_size(path, ec);
    if (!ec) j.value("size_bytes", (long long)size);
    if (checksum && !ec) j.value("sha256", sha256_file(path));
    j.end_object();
}

}  // namespace

std::string manifest_json(const RunOptions& o, Inputs& in, const ResultsTable& t, const EngineStats& stats,
                          long long pixels_in_zones, const Timings& timings, const std::vector<std::string>& warnings,
                          const std::vector<std::string>& outputs, const std::vector<MapOutput>& maps,
                          const std::string& shards_json) {
    JsonWriter j;
    j.begin_object();
    // The layout of run.json and the CSVs; raised whenever a key or column changes meaning or goes away.
    j.value("schema_version", kOutputSchemaVersion);
    j.begin_object("tool").value("name", "repot").value("version", REPOT_VERSION).value("versions", version_text()).end_object();
    j.begin_array("command_line");
    for (const auto& a : o.command_line) j.value("", a);
    j.end_array();

    // What this run wrote: the next run into the folder removes these files when it does not write
    // them again, and never touches any other file there.
    j.begin_array("outputs");
    for (const auto& name : outputs) j.value("", name);
    j.end_array();

    j.begin_array("maps");  // --maps: each map with what it holds and its checksum
    for (const auto& m : maps) {
        j.begin_object().value("file", m.name);
        if (!m.source.empty()) j.value("source", m.source).value("tier", m.tier).value("unit", m.unit);
        j.value("sha256", m.sha256).end_object();
    }
    j.end_array();

    j.begin_array("inputs");
    file_entry(j, "zones", o.zones, o.checksums);
    for (const RasterInput* r : in.rasters()) {
        file_entry(j, r->rules.role, r->path, o.checksums);
    }
    if (in.classes && !in.classes->is_builtin()) file_entry(j, "landuse-classes", o.landuse_classes, o.checksums);
    if (!o.scenario.empty()) file_entry(j, "scenario", o.scenario, o.checksums);
    if (!o.waste_plants.empty()) file_entry(j, "waste-plants", o.waste_plants, o.checksums);
    if (!o.waste_members.empty()) file_entry(j, "waste-members", o.waste_members, o.checksums);
    if (!o.facilities.empty()) file_entry(j, "facilities", o.facilities, o.checksums);
    j.end_array();

    j.begin_array("layers");
    for (const RasterInput* r : in.rasters()) {
        j.begin_object().value("role", r->rules.role).value("path", r->path).value("kind", kind_name(r->rules.kind));
        j.value("width", r->width).value("height", r->height).value("bands", r->bands).value("crs", epsg_of(r->crs_wkt));
        j.value("on_grid", r->aligned).end_object();
    }
    j.end_array();

    const GridSpec& g = in.grid;
    if (in.has_grid) {
        j.begin_object("grid").value("source", in.grid_source).value("crs", epsg_of(g.crs_wkt));
        j.begin_array("geotransform");
        for (double v : g.geotransform) j.value("", v);
        j.end_array();
        j.value("width", g.width).value("height", g.height).value("pixel_area_m2", g.pixel_area());
        j.value("block_size", o.block_size).value("crs_wkt", g.crs_wkt).end_object();
    }
    if (in.classes) {
        // The class table a run used: its fractions are assumptions unless the user gave the table.
        j.begin_object("landuse_classes").value("id", in.classes->id()).value("origin", in.classes->origin());
        j.value("default", o.landuse_classes.empty()).value("assumption", in.classes->is_builtin()).begin_array("classes");
        for (const auto& c : in.classes->classes()) {
            j.begin_object().value("code", c.code).value("name", c.name).value("pv_fraction", c.pv_fraction);
            j.value("gsh_fraction", c.gsh_fraction).value("excluded", c.excluded).value("existing_pv", c.existing_pv);
            j.value("built_share", c.built_share).end_object();
        }
        j.end_array().end_object();
    }

    j.begin_object("zones").value("path", o.zones).value("layer", o.zones_layer).value("id_field", o.zone_id_field);
    j.value("count", (long long)in.zones.zones().size());
    j.begin_array("outside_grid");
    for (size_t r = 0; r < t.rows.size(); ++r)
        if (t.value(r, "pixel_count").value_or(0) == 0) j.value("", t.rows[r].zone_id);
    j.end_array();
    j.begin_array("overlaps");  // pairs of zones sharing area; the first in id order keeps it
    for (const auto& ov : in.zones.overlaps())
        j.begin_object().value("zone_a", ov.a).value("zone_b", ov.b).value("area_m2", ov.area_m2).end_object();
    j.end_array().end_object();

    j.begin_object("pixels").value("grid", (long long)g.pixel_count()).value("in_zones", pixels_in_zones);
    j.value("outside_zones", (long long)g.pixel_count() - pixels_in_zones);
    j.value("blocks", stats.blocks).value("blocks_read", stats.blocks_processed).end_object();

    j.value("scenario_name", in.scenario.name);
    j.begin_array("scenario");
    for (const auto& p : describe(in.scenario)) {
        std::string key = p.section + "." + p.key;
        bool user = std::find(in.scenario_set.begin(), in.scenario_set.end(), key) != in.scenario_set.end();
        j.begin_object().value("parameter", key);
        if (p.count == 1) j.value("value", p.value[0]);
        else {
            j.begin_array("value");
            for (int k = 0; k < p.count; ++k) j.value("", p.value[k]);
            j.end_array();
        }
        j.value("unit", p.unit).value("source", p.source).value("assumption", p.assumption).value("default", !user);
        j.end_object();
    }
    j.end_array();
    j.value("transposition_table_latitude_deg", stats.rb_latitude_deg);

    j.begin_object("timings_s").value("open", timings.open_s).value("compute", timings.compute_s);
    j.value("write", timings.write_s).end_object();
    j.value("threads", o.threads);
    j.begin_array("notes");
    for (const auto& n : in.notes) j.begin_object().value("code", n.code).value("text", n.text).end_object();
    j.end_array();
    j.begin_array("zone_notes");  // the notes column of potential.csv, with codes
    for (const auto& r : t.rows)
        for (const auto& n : r.notes)
            j.begin_object().value("zone_id", r.zone_id).value("code", n.code).value("text", n.text).end_object();
    j.end_array();
    j.begin_array("warnings");
    for (const auto& w : warnings) j.value("", w);
    j.end_array();
    j.value("checks", "usable <= technical <= theoretical held for every source and zone");
    j.end_object();
    if (shards_json.empty()) return j.str();
    // `repot merge`: the shards it merged (a volatile key: docs/scale-out.md).
    std::string text = j.str();
    return text.substr(0, text.rfind('}')) + ",\n  \"shards\": " + shards_json + "}\n";
}

}  // namespace repot
