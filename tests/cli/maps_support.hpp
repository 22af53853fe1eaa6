#pragma once
// Helpers of the map tests: GDAL reads of a map and of zones.tif, zonal sums, and the check that
// municipalities.gpkg holds potential.csv.
#include <doctest/doctest.h>
#include <ogrsf_frmts.h>

#include "cli_support.hpp"

namespace repot_cli_test {


inline const std::vector<std::string> kMaps{"solar_roof_usable_kwh.tif", "solar_land_usable_kwh.tif",
                                     "solar_heat_technical_gj.tif", "ground_heat_technical_gj.tif"};

struct Band {
    int width = 0, height = 0;
    std::vector<double> v;
    std::optional<double> nodata;
};

inline Band read_band(const std::string& path) {
    std::unique_ptr<GDALDataset> ds(GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY));
    REQUIRE_MESSAGE(ds, path);
    Band b;
    b.width = ds->GetRasterXSize(), b.height = ds->GetRasterYSize();
    b.v.resize(size_t(b.width) * b.height);
    GDALRasterBand* band = ds->GetRasterBand(1);
    int has = 0;
    const double nd = band->GetNoDataValue(&has);
    if (has) b.nodata = nd;
    REQUIRE(band->RasterIO(GF_Read, 0, 0, b.width, b.height, b.v.data(), b.width, b.height, GDT_Float64, 0, 0, nullptr) ==
            CE_None);
    return b;
}

// Σ of the map's values per zone index of zones.tif (nodata pixels add nothing).
inline std::map<int, double> zonal_sums(const Band& map, const Band& zones) {
    std::map<int, double> out;
    for (size_t i = 0; i < map.v.size(); ++i)
        if (!std::isnan(map.v[i]) && zones.v[i] > 0) out[int(zones.v[i])] += map.v[i];
    return out;
}

inline double csv_value(const CsvTable& t, const std::string& zone, const std::string& col) {
    const std::string cell = t.cell("zone_id", zone, col);
    REQUIRE_MESSAGE(!cell.empty(), zone, " ", col);
    return std::stod(cell);
}

// The CSV prints 3 decimals of its unit (MWh for a map in kWh: `per_unit` 1000): the map's sum must
// agree to that and to 1e-6 relative.
inline void check_sum(double map_sum, double csv, double per_unit, const std::string& what) {
    INFO(what, ": map ", map_sum, " csv ", csv);
    CHECK(std::abs(map_sum - csv) <= 0.0005 * per_unit + 1e-6 * std::abs(csv));
}

inline const std::map<std::string, std::pair<std::string, double>> kCsvColumn{
    {"solar_roof_usable_kwh.tif", {"solar_roof_usable_mwh", 1000.0}},
    {"solar_land_usable_kwh.tif", {"solar_land_usable_mwh", 1000.0}},
    {"solar_heat_technical_gj.tif", {"solar_heat_technical_gj", 1.0}},
    {"ground_heat_technical_gj.tif", {"ground_heat_technical_gj", 1.0}}};


// municipalities.gpkg of `out`: `features` zones, every column of potential.csv in order with the
// same values (NULL where the CSV cell is empty), and the default style on usable roof PV.
inline void check_gpkg_matches_csv(const fs::path& out, long long features) {
    CsvTable csv(read_text(out / "potential.csv"));
    std::unique_ptr<GDALDataset> ds(
        GDALDataset::Open((out / "municipalities.gpkg").string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
    REQUIRE(ds);
    OGRLayer* layer = ds->GetLayerByName("municipalities");
    REQUIRE(layer);
    CHECK(layer->GetFeatureCount() == features);
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    REQUIRE(size_t(defn->GetFieldCount()) == csv.header.size());
    for (int f = 0; f < defn->GetFieldCount(); ++f) CHECK(defn->GetFieldDefn(f)->GetNameRef() == csv.header[size_t(f)]);
    layer->ResetReading();
    for (auto& feature : *layer) {
        const std::string id = feature->GetFieldAsString("zone_id");
        for (int f = 0; f < defn->GetFieldCount(); ++f) {
            const std::string name = csv.header[size_t(f)];
            const std::string cell = csv.cell("zone_id", id, name);
            INFO(id, " ", name, " csv '", cell, "'");
            if (cell.empty()) {
                CHECK_FALSE(feature->IsFieldSetAndNotNull(f));
            } else if (defn->GetFieldDefn(f)->GetType() == OFTString) {
                CHECK(feature->GetFieldAsString(f) == cell);
            } else {
                CHECK(feature->GetFieldAsDouble(f) == doctest::Approx(std::stod(cell)).epsilon(1e-12));
            }
        }
    }
    OGRLayer* styles = ds->ExecuteSQL(
        "SELECT styleQML, useAsDefault FROM layer_styles WHERE f_table_name = 'municipalities'", nullptr, nullptr);
    REQUIRE(styles);
    CHECK(styles->GetFeatureCount() == 1);
    std::unique_ptr<OGRFeature> style(styles->GetNextFeature());
    REQUIRE(style);
    CHECK(contains(style->GetFieldAsString(0), "solar_roof_usable_mwh"));
    CHECK(style->GetFieldAsInteger(1) == 1);
    ds->ReleaseResultSet(styles);
}

}  // namespace repot_cli_test
