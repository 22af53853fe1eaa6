#!/usr/bin/env python3
"""Independent reference for repot's monthly transposition (method.md §3), plain Python.

Written from Duffie & Beckman and method.md, not from repot's code: the beam ratio integrates the sun's
direction vector over the day (east/north/up components) rather than the D&B hour-angle formulas, so the
two implementations share no code and no formula shape. Prints the in-plane annual irradiation per plane
for the JMA Tokyo climatology at 35.7° N, and the monthly Rb of east, west and north faces; the values are
pasted into tests/unit/test_solar_geometry.cpp.
"""
import math

LAT = 35.7
ALBEDO = 0.2
MEAN_DAYS = [17, 47, 75, 105, 135, 162, 198, 228, 258, 288, 318, 344]
DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
GHI = [80.94, 90.04, 114.53, 132.56, 147.89, 122.46, 137.06, 134.02, 99.1, 84.85, 70.69, 69.57]
GSC = 1.367  # kW/m²


def declination(n):
    return math.radians(23.45 * math.sin(math.radians(360.0 * (284 + n) / 365.0)))


def sun(phi, d, w):
    """Unit vector to the sun (east, north, up) at hour angle w."""
    return (-math.cos(d) * math.sin(w),
            math.cos(phi) * math.sin(d) - math.sin(phi) * math.cos(d) * math.cos(w),
            math.sin(phi) * math.sin(d) + math.cos(phi) * math.cos(d) * math.cos(w))


def rb(month, tilt, aspect, steps=20000):
    phi, d = math.radians(LAT), declination(MEAN_DAYS[month])
    b, g = math.radians(tilt), math.radians(aspect)
    n = (math.sin(b) * math.sin(g), math.sin(b) * math.cos(g), math.cos(b))
    num = den = 0.0
    for k in range(steps):  # midpoint rule over the whole day
        w = -math.pi + (k + 0.5) * 2 * math.pi / steps
        s = sun(phi, d, w)
        if s[2] <= 0:
            continue
        num += max(n[0] * s[0] + n[1] * s[1] + n[2] * s[2], 0.0)
        den += s[2]
    return num / den


def h0_month(month):
    phi, n = math.radians(LAT), MEAN_DAYS[month]
    d = declination(n)
    ws = math.acos(-math.tan(phi) * math.tan(d))
    e = 1 + 0.033 * math.cos(math.radians(360.0 * n / 365.0))
    daily = 24 / math.pi * GSC * e * (math.cos(phi) * math.cos(d) * math.sin(ws) + ws * math.sin(phi) * math.sin(d))
    return daily * DAYS[month], ws


def diffuse_share(month):
    h0, ws = h0_month(month)
    k = min(max(GHI[month] / h0, 0.3), 0.8)  # the range of the Erbs fit
    if math.degrees(ws) <= 81.4:
        return 1.391 - 3.560 * k + 4.189 * k ** 2 - 2.137 * k ** 3
    return 1.311 - 3.022 * k + 3.427 * k ** 2 - 1.821 * k ** 3


def inplane(tilt, aspect):
    b = math.radians(tilt)
    total = 0.0
    for m in range(12):
        D = diffuse_share(m)
        R = (1 - D) * rb(m, tilt, aspect) + D * (1 + math.cos(b)) / 2 + ALBEDO * (1 - math.cos(b)) / 2
        total += GHI[m] * R
    return total


if __name__ == "__main__":
    print("horizontal", sum(GHI))
    for tilt, aspect in [(15, 180), (30, 180), (30, 90), (30, 270), (30, 0), (45, 135), (60, 225), (90, 180)]:
        print(f"plane tilt {tilt} aspect {aspect}: {inplane(tilt, aspect):.6f}")
    for aspect in (90, 270, 0):
        print(f"rb tilt 30 aspect {aspect}:", ", ".join(f"{rb(m, 30, aspect):.6f}" for m in range(12)))
