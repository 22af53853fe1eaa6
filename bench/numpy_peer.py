#!/usr/bin/python3
"""numpy peer of `repot run` for the benchmark (docs/performance.md): roof PV per municipality from a roof raster,
a 12-band monthly GHI raster and municipal polygons, written the way a careful numpy user would, over GDAL block reads.

    bench/numpy_peer.py --zones FILE --zone-id-field FIELD --roof FILE --ghi FILE [--threads N]
                        [--block-size 512] --out CSV

Per block of the roof's grid (512 x 512 pixels, row by row, the blocks repot plans):
  1. rasterize the zones for the block window with gdal.RasterizeLayer into a MEM dataset (pixel-centre rule;
     the polygons are reprojected to the grid CRS once, and zone k+1 is the k-th id in repot's sort order);
     a block with no zone pixel is skipped before any raster is read, as in repot;
  2. read the roof window (Float32 -> float64, nodata -> NaN) and the GHI window: on the grid it is read as is,
     on a coarser grid of the same CRS it is resampled bilinearly between the four surrounding cell centres
     (separably, as repot does for an axis-aligned layer of the same CRS);
  3. compute, per pixel, the roof PV tiers of method.md section 3 for roofs without slope data (flat: panels
     south at 15 deg): theoretical H*R, capacity R*0.8*0.167, in-plane H_A with the monthly isotropic sky
     (extraterrestrial H0 and the Erbs diffuse share at the block-centre latitude, Rb integrated over the day
     at the grid-centre latitude, albedo 0.2), technical capacity*H_A*0.88, usable technical*0.85;
  4. add them per zone with np.bincount.
Only roof PV is computed (repot also computes coverage, solar heat and ground heat on the same pixels).
Threads: N worker processes (fork), block k to process k mod N, each with its own GDAL datasets.
Limits: the GHI layer must be in the grid's CRS and cover every grid pixel without nodata (bench inputs do).
Prints a JSON line with the totals; --out writes one CSV row per zone.
"""
import argparse
import json
import math
import multiprocessing as mp
import sys
import time

import numpy as np
from osgeo import gdal, ogr, osr

gdal.UseExceptions()
ogr.UseExceptions()
# The block cache repot uses with up to two threads (32 MB; 16 MB a thread beyond: src/pipeline/run.cpp) unless
# GDAL_CACHEMAX says otherwise; GDAL's default is 5 % of RAM.
if gdal.GetConfigOption("GDAL_CACHEMAX") is None:
    gdal.SetCacheMax(32 << 20)

# method.md section 3 and `repot params` defaults.
COVERAGE, DENSITY, DESIGN, USABLE = 0.8, 0.167, 0.88, 0.85
TILT, ASPECT, ALBEDO = 15.0, 180.0, 0.2
MEAN_DAY = [17, 47, 75, 105, 135, 162, 198, 228, 258, 288, 318, 344]
DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
G_SC = 1367.0
DEG = math.pi / 180


def declination(n):
    return 23.45 * DEG * math.sin(2 * math.pi * (284.0 + n) / 365.0)


def sunset(lat, n):
    x = -math.tan(lat * DEG) * math.tan(declination(n))
    return math.acos(min(1.0, max(-1.0, x)))


def monthly_sky(lat):
    """Extraterrestrial monthly H0 (kWh/m2) and sunset hour angles at a latitude."""
    h0, ws_all = [], []
    for n, d in zip(MEAN_DAY, DAYS):
        de, ws = declination(n), sunset(lat, n)
        ecc = 1.0 + 0.033 * math.cos(2 * math.pi * n / 365.0)
        v = 24.0 * G_SC / math.pi / 1000.0 * ecc * (math.cos(lat * DEG) * math.cos(de) * math.sin(ws)
                                                     + ws * math.sin(lat * DEG) * math.sin(de))
        h0.append(max(v, 0.0) * d)
        ws_all.append(ws)
    return np.array(h0), np.array(ws_all)


def beam_ratio(lat, tilt, aspect):
    """Rb per month: daily beam on the plane over the horizontal, midpoint rule over the hour angle (0.1 deg)."""
    out = []
    for n in MEAN_DAY:
        de, ws = declination(n), sunset(lat, n)
        sd, cd, sl, cl = math.sin(de), math.cos(de), math.sin(lat * DEG), math.cos(lat * DEG)
        steps = math.ceil(2 * ws / (0.1 * DEG))
        if steps == 0:
            out.append(1.0)
            continue
        h = 2 * ws / steps
        w = np.linspace(-ws + 0.5 * h, ws - 0.5 * h, steps)
        cw, sw = np.cos(w), np.sin(w)
        hor = np.maximum(sd * sl + cd * cl * cw, 0).sum()
        sb, cb = math.sin(tilt * DEG), math.cos(tilt * DEG)
        gs = (aspect - 180.0) * DEG
        sg, cg = math.sin(gs), math.cos(gs)
        a = sd * sl * cb - sd * cl * sb * cg
        b = cd * cl * cb + cd * sl * sb * cg
        c = cd * sb * sg
        out.append(np.maximum(a + b * cw + c * sw, 0).sum() / hor if hor > 0 else 1.0)
    return np.array(out)


def erbs_coefficients(ws):
    # Two branches on the sunset hour angle (81.4 deg); per month, cubic in K_T.
    lo = np.array([1.391, -3.560, 4.189, -2.137])
    hi = np.array([1.311, -3.022, 3.427, -1.821])
    return np.array([lo if s <= 81.4 * DEG else hi for s in ws])  # (12, 4)


def zone_order(ids):
    numeric = all(i and len(i) < 18 and i.isdigit() for i in ids)

    def key(i):
        if numeric:
            d = i.lstrip("0") or "0"
            return (len(d), d, i)
        return (0, "", i)

    return sorted(ids, key=key)


class Setup:
    """What every worker needs, built once before forking."""

    def __init__(self, a):
        self.a = a
        roof = gdal.Open(a.roof)
        self.width, self.height = roof.RasterXSize, roof.RasterYSize
        self.gt = roof.GetGeoTransform()
        self.wkt = roof.GetProjection()
        nd = roof.GetRasterBand(1).GetNoDataValue()
        self.roof_nodata = nd
        grid_srs = osr.SpatialReference(wkt=self.wkt)
        grid_srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        self.grid_srs = grid_srs
        geo = grid_srs.CloneGeogCS()
        geo.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        self.to_geo = osr.CoordinateTransformation(grid_srs, geo)
        g = self.gt
        cx, cy = g[0] + self.width / 2 * g[1], g[3] + self.height / 2 * g[5]
        self.rb = beam_ratio(self.to_geo.TransformPoint(cx, cy)[1], TILT, ASPECT)
        cb = math.cos(TILT * DEG)
        self.sky_view, self.ground = (1 + cb) / 2, ALBEDO * (1 - cb) / 2

        # Zones: read, sort like repot, reproject once to the grid CRS.
        src = ogr.Open(a.zones)
        layer = src.GetLayerByName(a.zones_layer) if a.zones_layer else src.GetLayer(0)
        zsrs = layer.GetSpatialRef().Clone()
        zsrs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        ct = osr.CoordinateTransformation(zsrs, grid_srs)
        geoms = {}
        for f in layer:
            g_ = f.GetGeometryRef()
            geoms[f.GetFieldAsString(a.zone_id_field)] = g_.Clone() if g_ else None
        self.ids = zone_order(list(geoms))
        self.zone_wkb = []
        for k, i in enumerate(self.ids):
            g_ = geoms[i]
            if g_ is not None:
                g_.Transform(ct)
                self.zone_wkb.append((k + 1, g_.ExportToWkb(), g_.GetEnvelope()))

        ghi = gdal.Open(a.ghi)
        if ghi.RasterCount != 12:
            sys.exit("numpy_peer: the GHI raster must have 12 monthly bands")
        gsrs = osr.SpatialReference(wkt=ghi.GetProjection())
        gsrs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        if not gsrs.IsSame(grid_srs):
            sys.exit("numpy_peer: the GHI raster must be in the grid's CRS")
        self.ghi_gt = ghi.GetGeoTransform()
        self.ghi_size = (ghi.RasterXSize, ghi.RasterYSize)
        sg = self.ghi_gt
        self.ghi_aligned = (abs(sg[1] - g[1]) < 1e-9 * abs(g[1]) and abs(sg[5] - g[5]) < 1e-9 * abs(g[5])
                            and abs((g[0] - sg[0]) / sg[1] - round((g[0] - sg[0]) / sg[1])) < 1e-6
                            and abs((g[3] - sg[3]) / sg[5] - round((g[3] - sg[3]) / sg[5])) < 1e-6)
        bs = a.block_size
        self.blocks = [(x, y, min(bs, self.width - x), min(bs, self.height - y))
                       for y in range(0, self.height, bs) for x in range(0, self.width, bs)]


class Worker:
    def __init__(self, s):
        self.s = s
        self.roof_ds = gdal.Open(s.a.roof)  # keep the dataset alive while its band is used
        self.roof = self.roof_ds.GetRasterBand(1)
        self.ghi = gdal.Open(s.a.ghi)
        drv = ogr.GetDriverByName("Memory")
        self.vds = drv.CreateDataSource("zones")
        self.layer = self.vds.CreateLayer("zones", s.grid_srs, ogr.wkbMultiPolygon)
        self.layer.CreateField(ogr.FieldDefn("zone", ogr.OFTInteger))
        for k, wkb, _ in s.zone_wkb:
            f = ogr.Feature(self.layer.GetLayerDefn())
            f.SetField("zone", k)
            f.SetGeometry(ogr.CreateGeometryFromWkb(wkb))
            self.layer.CreateFeature(f)
        self.mem = gdal.GetDriverByName("MEM")
        n = len(s.ids) + 1
        self.sums = np.zeros((6, n))  # pixels, roof m2, theoretical kWh, capacity kW, technical kWh, usable kWh
        self.used = 0

    def ghi_window(self, x0, y0, w, h):
        s = self.s
        g, sg = s.gt, s.ghi_gt
        if s.ghi_aligned:
            ox, oy = round((g[0] - sg[0]) / sg[1]), round((g[3] - sg[3]) / sg[5])
            a = self.ghi.ReadAsArray(x0 + ox, y0 + oy, w, h).astype(np.float64)
            return a.reshape(12, -1)
        # Pixel centres in GHI pixel coordinates, minus 0.5: between which cell centres each pixel falls.
        X = g[0] + (x0 + np.arange(w) + 0.5) * g[1]
        Y = g[3] + (y0 + np.arange(h) + 0.5) * g[5]
        fx = (X - sg[0]) / sg[1] - 0.5
        fy = (Y - sg[3]) / sg[5] - 0.5
        ix, iy = np.floor(fx).astype(np.int64), np.floor(fy).astype(np.int64)
        tx, ty = fx - ix, fy - iy
        ax, ay = ix.min(), iy.min()
        bx, by = ix.max() + 2, iy.max() + 2
        if ax < 0 or ay < 0 or bx > s.ghi_size[0] or by > s.ghi_size[1]:
            sys.exit("numpy_peer: the GHI raster does not cover the grid with a margin of one cell")
        src = self.ghi.ReadAsArray(int(ax), int(ay), int(bx - ax), int(by - ay)).astype(np.float64)  # (12, rh, rw)
        ix -= ax
        iy -= ay
        rows = src[:, :, ix] * (1 - tx) + src[:, :, ix + 1] * tx  # (12, rh, w)
        out = rows[:, iy, :] * (1 - ty)[None, :, None] + rows[:, iy + 1, :] * ty[None, :, None]
        return out.reshape(12, -1)

    def process(self, block):
        s = self.s
        x0, y0, w, h = block
        g = s.gt
        bx0, bx1 = g[0] + x0 * g[1], g[0] + (x0 + w) * g[1]
        by1, by0 = g[3] + y0 * g[5], g[3] + (y0 + h) * g[5]
        if not any(e[0] <= bx1 and e[1] >= bx0 and e[2] <= by1 and e[3] >= by0 for _, _, e in s.zone_wkb):
            return
        ds = self.mem.Create("", w, h, 1, gdal.GDT_Int32)
        ds.SetGeoTransform((bx0, g[1], 0.0, by1, 0.0, g[5]))
        ds.SetProjection(s.wkt)
        self.layer.SetSpatialFilterRect(bx0, by0, bx1, by1)
        gdal.RasterizeLayer(ds, [1], self.layer, options=["ATTRIBUTE=zone"])
        zone = ds.GetRasterBand(1).ReadAsArray().ravel()
        if not zone.any():
            return
        self.used += 1
        R = self.roof.ReadAsArray(x0, y0, w, h).astype(np.float64).ravel()
        if s.roof_nodata is not None:
            R[R == s.roof_nodata] = np.nan
        H = self.ghi_window(x0, y0, w, h)  # (12, n)
        Hy = H.sum(axis=0)
        valid = ~np.isnan(R) & ~np.isnan(Hy)
        Rv = np.where(valid, R, 0.0)
        Hv = np.where(valid, H, 0.0)
        lat = s.to_geo.TransformPoint(g[0] + (x0 + w / 2) * g[1], g[3] + (y0 + h / 2) * g[5])[1]
        h0, ws = monthly_sky(lat)
        c = erbs_coefficients(ws)[:, :, None]
        kt = np.clip(Hv / h0[:, None], 0.3, 0.8)
        D = c[:, 0] + kt * (c[:, 1] + kt * (c[:, 2] + kt * c[:, 3]))
        HA = (Hv * ((1 - D) * s.rb[:, None] + D * s.sky_view + s.ground)).sum(axis=0)
        cap = Rv * COVERAGE * DENSITY
        tech = cap * HA * DESIGN
        n = self.sums.shape[1]
        self.sums[0] += np.bincount(zone, minlength=n)
        self.sums[1] += np.bincount(zone, weights=np.where(np.isnan(R), 0.0, R), minlength=n)
        self.sums[2] += np.bincount(zone, weights=np.where(valid, Hy * R, 0.0), minlength=n)
        self.sums[3] += np.bincount(zone, weights=cap, minlength=n)
        self.sums[4] += np.bincount(zone, weights=tech, minlength=n)
        self.sums[5] += np.bincount(zone, weights=tech * USABLE, minlength=n)


SETUP = None


def run_worker(args):
    t, n = args
    w = Worker(SETUP)
    for k in range(t, len(SETUP.blocks), n):
        w.process(SETUP.blocks[k])
    return w.sums, w.used


def main():
    global SETUP
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--zones", required=True)
    p.add_argument("--zones-layer")
    p.add_argument("--zone-id-field", required=True)
    p.add_argument("--roof", required=True)
    p.add_argument("--ghi", required=True)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--block-size", type=int, default=512)
    p.add_argument("--out")
    a = p.parse_args()
    t0 = time.time()
    SETUP = Setup(a)
    n = max(1, a.threads)
    if n == 1:
        results = [run_worker((0, 1))]
    else:
        with mp.get_context("fork").Pool(n) as pool:
            results = pool.map(run_worker, [(t, n) for t in range(n)])
    sums = sum(r[0] for r in results)
    used = sum(r[1] for r in results)
    if a.out:
        with open(a.out, "w") as f:
            f.write("zone_id,pixel_count,roof_area_m2,solar_roof_theoretical_mwh,solar_roof_capacity_kw,"
                    "solar_roof_technical_mwh,solar_roof_usable_mwh\n")
            for k, i in enumerate(SETUP.ids):
                v = sums[:, k + 1]
                f.write(f"{i},{int(v[0])},{v[1]:.6f},{v[2] / 1000:.6f},{v[3]:.6f},{v[4] / 1000:.6f},{v[5] / 1000:.6f}\n")
    tot = sums[:, 1:].sum(axis=1)
    print(json.dumps({"pixels_in_zones": int(tot[0]), "roof_area_m2": tot[1], "solar_roof_theoretical_mwh": tot[2] / 1000,
                      "solar_roof_capacity_kw": tot[3], "solar_roof_technical_mwh": tot[4] / 1000,
                      "solar_roof_usable_mwh": tot[5] / 1000, "blocks": len(SETUP.blocks), "blocks_read": used,
                      "threads": n, "seconds": round(time.time() - t0, 3)}))


if __name__ == "__main__":
    main()
