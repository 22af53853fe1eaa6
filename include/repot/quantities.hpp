#pragma once
// The per-zone sums a run accumulates. Kernels fill one column per quantity for a span of pixels;
// accumulate.hpp adds them per zone. Every quantity is a plain sum, so partial sums merge by addition.
// Parameters that scale a tier linearly (panel coverage and density, design and usable factors,
// borehole yield) are not applied per pixel: the kernels sum what they scale (eligible roof, in-plane
// irradiation on it, open ground) and the zone-level functions of kernels.hpp apply them to the sums,
// so scenarios that differ only in them share one kernel pass (docs/scale-out.md).
namespace repot {

enum Q : int {
    // coverage: pixel counts. A layer's coverage is counted over the pixels that need it (method.md §10):
    // most layers over every pixel of the zone, the roof screening layers over roof pixels, the terrain
    // slope over land pixels.
    q_pixels,
    q_roof_valid_px,
    q_ghi_valid_px,
    q_roof_pv_px,        // pixels where roof and GHI have a value: the theoretical tier of roof PV
    q_roof_px,           // pixels with roof area > 0 and GHI: the pixels the roof screening layers need
    q_roof_slope_valid_px,   // of q_roof_px: slope has a value
    q_roof_aspect_valid_px,  // of q_roof_px: aspect has a value, or the face is flat (needs none)
    q_roof_shade_valid_px,   // of q_roof_px: shade has a value
    q_roof_face_px,      // of q_roof_px: every screening layer has a value (technical tier computable)
    q_landuse_valid_px,
    q_land_pv_px,        // pixels where land use and GHI have a value: the theoretical tier of land PV
    q_land_px,           // of q_land_pv_px: land (class not excluded), the pixels the terrain slope needs
    q_terrain_slope_valid_px,  // of q_land_px: terrain slope has a value
    q_inclusion_valid_px,      // every inclusion layer has a value
    q_temperature_valid_px,
    q_population_valid_px,
    q_roof_missing_built_px,   // pixels without roof data whose open ground came from the class built share
    // areas
    q_roof_area_m2,
    q_eligible_roof_m2,
    q_land_area_m2,      // area of land pixels (class not excluded)
    q_existing_pv_m2,    // area of classes marked existing_pv
    // solar PV on roofs (energy in kWh, divided to MWh at the end)
    q_roof_theoretical_kwh,
    q_roof_plane_kwh,           // Σ eligible roof m² × in-plane irradiation × shade (kWh): technical PV and solar heat
    q_roof_plane_included_kwh,  // the same × inclusion: usable PV
    // solar PV on land
    q_land_theoretical_kwh,
    q_land_panel_m2,            // open ground × the class's PV fraction, on land
    q_land_plane_kwh,           // the same × in-plane irradiation (kWh): technical
    q_land_plane_usable_kwh,    // the same × inclusion, where the terrain slope allows: usable
    // solar heat and ground heat capped per cell by a heat-demand raster (GJ)
    q_solar_heat_capped_gj,
    q_ground_heat_capped_gj,
    q_heat_demand_gj,
    q_heat_demand_valid_px,
    // ground-source heat
    q_ground_px,
    q_ground_open_m2,    // open ground on land: theoretical (× borehole heat per m²)
    q_ground_field_m2,   // of it, the class's borehole-field share (no classes: all of it): technical
    // climate and people
    q_temperature_sum_c,
    q_ghi_sum_kwh_m2,    // Σ annual GHI over pixels with GHI, for the zone's mean
    q_population,
    q_count
};

}  // namespace repot
