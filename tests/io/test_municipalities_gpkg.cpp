// municipalities.gpkg: a hand-made result table and plants table written, then read back with OGR as
// QGIS reads it: layers, field order and types, the CSV-printed values and NULLs, geometries, and
// the default style in layer_styles (with its fallback column when roof PV was not computed).
#include <doctest/doctest.h>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "../../src/io/municipalities_gpkg.hpp"
#include "../test_support.hpp"
#include "repot/error.hpp"
#include "repot/results.hpp"

using namespace repot;
using namespace repot_test;

namespace {

struct DatasetCloser {
    void operator()(GDALDataset* ds) const { GDALClose(ds); }
};
using Dataset = std::unique_ptr<GDALDataset, DatasetCloser>;

Dataset open_vector(const std::string& path) {
    Dataset ds(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    REQUIRE(ds);
    return ds;
}

// Zone 13102's roof PV is not computed (nullopt): its cell must read NULL, not 0.
ResultsTable three_zones() {
    ResultsTable t;
    t.columns = {{"pixel_count", 0},
                 {"roof_area_m2", 2, "solar_roof", "theoretical", "area", "m2"},
                 {"solar_roof_usable_mwh", 3, "solar_roof", "usable", "energy", "MWh"},
                 {"solar_land_usable_mwh", 3, "solar_land", "usable", "energy", "MWh"},
                 {"roof_nodata_px", 0, "roof", "input", "nodata", "px"}};
    t.rows = {{"13101", "Chiyoda", {1234, 5678.126, 12345.67891, 10.5, 3}, {{"roof_partial", "roof 50 %"}, {"b", "x, y"}}},
              {"13102", "Chuo, \"east\"", {99, 10.004, std::nullopt, 0.25, 0}, {}},
              {"13103", "far away", {0, 0, -0.0001, 7, 0}, {}}};
    return t;
}

std::unique_ptr<OGRGeometry> square(double x, double y, double side) {
    OGRGeometry* g = nullptr;
    const std::string wkt = "POLYGON ((" + std::to_string(x) + " " + std::to_string(y) + ", " + std::to_string(x + side) +
                            " " + std::to_string(y) + ", " + std::to_string(x + side) + " " + std::to_string(y + side) +
                            ", " + std::to_string(x) + " " + std::to_string(y + side) + ", " + std::to_string(x) + " " +
                            std::to_string(y) + "))";
    REQUIRE(OGRGeometryFactory::createFromWkt(wkt.c_str(), nullptr, &g) == OGRERR_NONE);
    return std::unique_ptr<OGRGeometry>(g);
}

const char* kPlantsCsv =
    "plant_id,plant_name,host_zone,throughput_t,power_gross_mwh\n"
    "P1,\"Plant, one\",13101,1000.000,\n"
    "P2,Two,13102,2000.500,300.000\n";

// Field names and types of a layer, in order.
std::vector<std::pair<std::string, OGRFieldType>> fields_of(OGRLayer& layer) {
    std::vector<std::pair<std::string, OGRFieldType>> out;
    OGRFeatureDefn* d = layer.GetLayerDefn();
    for (int i = 0; i < d->GetFieldCount(); ++i)
        out.emplace_back(d->GetFieldDefn(i)->GetNameRef(), d->GetFieldDefn(i)->GetType());
    return out;
}

struct Style {
    int rows = 0, use_as_default = 0;
    std::string qml;
};

Style municipalities_style(GDALDataset& ds) {
    Style s;
    OGRLayer* rs = ds.ExecuteSQL("SELECT styleQML, useAsDefault FROM layer_styles WHERE f_table_name='municipalities'",
                                 nullptr, nullptr);
    REQUIRE(rs);
    for (auto& f : *rs) {
        ++s.rows;
        s.qml = f->GetFieldAsString(0);
        s.use_as_default = f->GetFieldAsInteger(1);
    }
    ds.ReleaseResultSet(rs);
    return s;
}

std::string bytes_of(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

TEST_CASE("municipalities.gpkg: zones with every potential.csv column, plants with points, a default style") {
    TempDir dir("gpkg");
    const ResultsTable t = three_zones();
    auto a = square(1000, 2000, 100), b = square(1200, 2000, 50);
    MunicipalitiesGpkgSpec spec{&t, {a.get(), b.get(), nullptr}, wkt_of(6677),
                                GpkgPlants{kPlantsCsv, {PlantPoint{1010, 2020}, std::nullopt}}, dir / "m.gpkg"};
    write_municipalities_gpkg(spec);

    Dataset ds = open_vector(spec.path);
    OGRLayer* m = ds->GetLayerByName("municipalities");
    OGRLayer* p = ds->GetLayerByName("plants");
    REQUIRE(m);
    REQUIRE(p);
    CHECK(ds->GetLayerByName("layer_styles"));  // registered in gpkg_contents: QGIS finds it by name
    CHECK(wkbFlatten(m->GetGeomType()) == wkbMultiPolygon);
    CHECK(m->GetSpatialRef()->GetAuthorityCode(nullptr) == std::string("6677"));
    CHECK(m->GetFeatureCount() == 3);
    CHECK(fields_of(*m) == std::vector<std::pair<std::string, OGRFieldType>>{
                               {"zone_id", OFTString},       {"zone_name", OFTString},
                               {"pixel_count", OFTInteger64}, {"roof_area_m2", OFTReal},
                               {"solar_roof_usable_mwh", OFTReal}, {"solar_land_usable_mwh", OFTReal},
                               {"roof_nodata_px", OFTInteger64}, {"note_codes", OFTString},
                               {"notes", OFTString}});

    std::vector<std::unique_ptr<OGRFeature>> zones;
    for (auto& f : *m) zones.emplace_back(f.release());
    REQUIRE(zones.size() == 3);
    // Each value is the one potential.csv prints: 5678.126 at 2 decimals is 5678.13, -0.0001 at 3 is 0.
    CHECK(zones[0]->GetFieldAsString("zone_id") == std::string("13101"));
    CHECK(zones[1]->GetFieldAsString("zone_name") == std::string("Chuo, \"east\""));
    CHECK(zones[0]->GetFieldAsInteger64("pixel_count") == 1234);
    CHECK(zones[0]->GetFieldAsDouble("roof_area_m2") == std::stod("5678.13"));
    CHECK(zones[0]->GetFieldAsDouble("solar_roof_usable_mwh") == std::stod("12345.679"));
    CHECK(zones[1]->GetFieldAsDouble("roof_area_m2") == std::stod("10.00"));
    CHECK(zones[2]->GetFieldAsDouble("solar_roof_usable_mwh") == 0.0);
    CHECK(zones[0]->GetFieldAsInteger64("roof_nodata_px") == 3);
    CHECK(zones[0]->GetFieldAsString("note_codes") == std::string("roof_partial;b"));
    CHECK(zones[0]->GetFieldAsString("notes") == std::string("roof 50 %; x, y"));
    CHECK_FALSE(zones[1]->IsFieldSetAndNotNull(zones[1]->GetFieldIndex("notes")));  // no notes: NULL, like the empty CSV cell
    // nullopt is NULL, never 0; a 0 is a set 0.
    CHECK_FALSE(zones[1]->IsFieldSetAndNotNull(zones[1]->GetFieldIndex("solar_roof_usable_mwh")));
    CHECK(zones[1]->IsFieldSetAndNotNull(zones[1]->GetFieldIndex("roof_nodata_px")));
    // Polygons become multipolygons of the same area; the null geometry stays null.
    REQUIRE(zones[0]->GetGeometryRef());
    REQUIRE(zones[1]->GetGeometryRef());
    CHECK(wkbFlatten(zones[0]->GetGeometryRef()->getGeometryType()) == wkbMultiPolygon);
    CHECK(zones[0]->GetGeometryRef()->toMultiPolygon()->get_Area() == doctest::Approx(10000));
    CHECK(zones[1]->GetGeometryRef()->toMultiPolygon()->get_Area() == doctest::Approx(2500));
    CHECK(zones[2]->GetGeometryRef() == nullptr);

    // Plants: a column is numeric when every given cell is a number; an empty cell is NULL.
    CHECK(wkbFlatten(p->GetGeomType()) == wkbPoint);
    CHECK(fields_of(*p) == std::vector<std::pair<std::string, OGRFieldType>>{{"plant_id", OFTString},
                                                                            {"plant_name", OFTString},
                                                                            {"host_zone", OFTString},
                                                                            {"throughput_t", OFTReal},
                                                                            {"power_gross_mwh", OFTReal}});
    std::vector<std::unique_ptr<OGRFeature>> plants;
    for (auto& f : *p) plants.emplace_back(f.release());
    REQUIRE(plants.size() == 2);
    CHECK(plants[0]->GetFieldAsString("plant_name") == std::string("Plant, one"));
    CHECK(plants[1]->GetFieldAsDouble("throughput_t") == 2000.5);
    CHECK_FALSE(plants[0]->IsFieldSetAndNotNull(plants[0]->GetFieldIndex("power_gross_mwh")));
    REQUIRE(plants[0]->GetGeometryRef());
    CHECK(plants[0]->GetGeometryRef()->toPoint()->getX() == 1010);
    CHECK(plants[0]->GetGeometryRef()->toPoint()->getY() == 2020);
    CHECK(plants[1]->GetGeometryRef() == nullptr);

    // The default style: a graduated renderer over usable roof PV, its unit in the legend; the zone
    // whose value is not computed (NULL) is drawn in a grey class of its own, not left out.
    const Style s = municipalities_style(*ds);
    CHECK(s.rows == 1);
    CHECK(s.use_as_default == 1);
    CHECK(contains(s.qml, "graduatedSymbol"));
    CHECK(contains(s.qml, "attr=\"coalesce(&quot;solar_roof_usable_mwh&quot;, -1)\""));
    CHECK(contains(s.qml, "<range lower=\"-1\" upper=\"-1\" symbol=\"5\" label=\"not computed\""));
    CHECK(contains(s.qml, "MWh/yr"));
    // Two values, 0 and 12345.679: QGIS's quantile bounds are 0, 2469.1, 4938.3, 7407.4, 9876.5, 12345.679.
    CHECK(contains(s.qml, "label=\"0 – 2,469 MWh/yr\""));
    CHECK(contains(s.qml, "label=\"9,877 – 12,346 MWh/yr\""));
    ds.reset();

    // A rerun writes the same bytes; an existing file is refused, not overwritten.
    const std::string again = dir / "again.gpkg";
    spec.path = again;
    write_municipalities_gpkg(spec);
    CHECK(bytes_of(again) == bytes_of(dir / "m.gpkg"));
    CHECK(contains(data_error([&] { write_municipalities_gpkg(spec); }), again));
}

TEST_CASE("municipalities.gpkg: without roof PV the style maps the first usable potential computed; plants without points") {
    TempDir dir("gpkg_fallback");
    ResultsTable t = three_zones();
    for (auto& row : t.rows) row.values[2] = std::nullopt;  // solar_roof_usable_mwh: not computed anywhere
    auto a = square(0, 0, 10);
    MunicipalitiesGpkgSpec spec{&t, {a.get(), nullptr, nullptr}, wkt_of(6677), GpkgPlants{kPlantsCsv, {}}, dir / "m.gpkg"};
    write_municipalities_gpkg(spec);

    Dataset ds = open_vector(spec.path);
    OGRLayer* p = ds->GetLayerByName("plants");
    REQUIRE(p);
    CHECK(p->GetGeomType() == wkbNone);
    CHECK(p->GetFeatureCount() == 2);
    const Style s = municipalities_style(*ds);
    CHECK(s.rows == 1);
    CHECK(s.use_as_default == 1);
    CHECK(contains(s.qml, "attr=\"solar_land_usable_mwh\""));
    CHECK_FALSE(contains(s.qml, "solar_roof_usable_mwh"));
    CHECK(contains(s.qml, "MWh/yr"));
}
