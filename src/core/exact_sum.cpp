#include "repot/exact_sum.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace repot {

void ExactSum::add(double x) {
    // Grow the expansion by x with two-sum steps; zero low parts are dropped (Shewchuk 1997, Python msum).
    size_t i = 0;
    for (double y : parts_) {
        if (std::abs(x) < std::abs(y)) std::swap(x, y);
        const double hi = x + y;
        const double lo = y - (hi - x);
        if (lo != 0.0) parts_[i++] = lo;
        x = hi;
    }
    parts_.resize(i);
    if (x != 0.0 || parts_.empty()) parts_.push_back(x);
}

void ExactSum::add(const ExactSum& other) {
    for (double p : other.parts_) add(p);
}

double ExactSum::value() const {
    // Python's fsum rounding: sum from the top until a part is lost, then correct a half-way case.
    if (parts_.empty()) return 0.0;
    size_t n = parts_.size();
    double hi = parts_[--n], lo = 0.0;
    while (n > 0) {
        const double x = hi, y = parts_[--n];
        hi = x + y;
        lo = y - (hi - x);
        if (lo != 0.0) break;
    }
    if (n > 0 && ((lo < 0 && parts_[n - 1] < 0) || (lo > 0 && parts_[n - 1] > 0))) {
        const double y = lo * 2, x = hi + y;
        if (y == x - hi) hi = x;
    }
    return hi;
}

ExactSum ExactSum::from_parts(const std::vector<double>& parts) {
    ExactSum s;
    for (double p : parts) s.add(p);
    return s;
}

ExactZoneSums::ExactZoneSums(int zone_count, int class_count)
    : zones_(zone_count), classes_(class_count), data_(size_t(zone_count + 1) * q_count),
      monthly_(size_t(zone_count + 1) * kMonthlySources * 12),
      class_px_(class_count ? size_t(zone_count + 1) * size_t(class_count + 1) : 0, 0.0) {}

void ExactZoneSums::add(const ZoneSums& b) {
    if (b.zone_count() != zones_ || b.class_count() != classes_) throw std::invalid_argument("adding sums of other zones");
    for (int slot : b.touched()) {
        for (int q = 0; q < q_count; ++q) {
            ExactSum& sum = data_[size_t(slot) * q_count + size_t(q)];
            if (const double v = b.at_value(slot, Q(q)); v != 0.0) sum.add(v);
            // The fixed-point sum as three doubles that add up to it exactly (the quantum is a power of two).
            __int128 rest = b.fixed(slot, Q(q));
            for (int part = 0; part < 3 && rest != 0; ++part) {
                const double d = double(rest);
                sum.add(d * b.quantum(Q(q)));
                rest -= __int128(d);
            }
        }
        for (int s = 0; s < kMonthlySources; ++s)
            for (int m = 0; m < 12; ++m)
                if (const double v = b.monthly(slot, MonthlySource(s), m); v != 0.0)
                    monthly_[(size_t(slot) * kMonthlySources + size_t(s)) * 12 + size_t(m)].add(v);
        if (classes_ > 0)
            for (int k = -1; k < classes_; ++k)
                class_px_[size_t(slot) * size_t(classes_ + 1) + size_t(k + 1)] += b.class_pixels(slot, k);
    }
}

void ExactZoneSums::add(const ExactZoneSums& o) {
    if (o.zones_ != zones_ || o.classes_ != classes_) throw std::invalid_argument("adding sums of other zones");
    for (size_t i = 0; i < data_.size(); ++i) data_[i].add(o.data_[i]);
    for (size_t i = 0; i < monthly_.size(); ++i) monthly_[i].add(o.monthly_[i]);
    for (size_t i = 0; i < class_px_.size(); ++i) class_px_[i] += o.class_px_[i];
}

ZoneSums ExactZoneSums::rounded() const {
    ZoneSums out(zones_, classes_);
    for (int slot = 0; slot <= zones_; ++slot) {
        for (int q = 0; q < q_count; ++q) out.at(slot, Q(q)) = data_[size_t(slot) * q_count + size_t(q)].value();
        for (int s = 0; s < kMonthlySources; ++s)
            for (int m = 0; m < 12; ++m)
                out.monthly_at(slot, MonthlySource(s), m) =
                    monthly_[(size_t(slot) * kMonthlySources + size_t(s)) * 12 + size_t(m)].value();
        if (classes_ > 0)
            for (int k = -1; k < classes_; ++k)
                out.class_pixels_at(slot, k) = class_px_[size_t(slot) * size_t(classes_ + 1) + size_t(k + 1)];
    }
    return out;
}

namespace {
std::string parts_text(const ExactSum& s) {
    std::string out;
    for (double p : s.parts()) out += fmt::format(" {:a}", p);
    return out;
}
}  // namespace

std::string ExactZoneSums::to_text() const {
    std::string out = fmt::format("repot-sums {} {}\n", kSumsLayout, int(q_count));
    for (int slot = 0; slot <= zones_; ++slot) {
        for (int q = 0; q < q_count; ++q)
            if (const auto& s = data_[size_t(slot) * q_count + size_t(q)]; !s.parts().empty())
                out += fmt::format("sum {} {}{}\n", slot, q, parts_text(s));
        for (int src = 0; src < kMonthlySources; ++src)
            for (int m = 0; m < 12; ++m)
                if (const auto& s = monthly_[(size_t(slot) * kMonthlySources + size_t(src)) * 12 + size_t(m)]; !s.parts().empty())
                    out += fmt::format("month {} {} {}{}\n", slot, src, m, parts_text(s));
        for (int k = -1; classes_ > 0 && k < classes_; ++k)
            if (const double n = class_px_[size_t(slot) * size_t(classes_ + 1) + size_t(k + 1)]; n != 0)
                out += fmt::format("class {} {} {:a}\n", slot, k, n);
    }
    return out;
}

ExactZoneSums ExactZoneSums::from_text(const std::string& text, int zone_count, int class_count) {
    ExactZoneSums out(zone_count, class_count);
    std::istringstream in(text);
    std::string line;
    int number = 0;
    auto fail = [&](const char* why) {
        throw std::runtime_error(fmt::format("line {}: {}", number, why));
    };
    const std::string header = fmt::format("repot-sums {} {}", kSumsLayout, int(q_count));
    if (!std::getline(in, line) || line != header)
        throw std::runtime_error(fmt::format("written by another version of repot (first line \"{}\", this repot reads \"{}\")",
                                             line.substr(0, 40), header));
    number = 1;
    while (std::getline(in, line)) {
        ++number;
        std::istringstream f(line);
        std::string kind;
        int slot = -1, a = -1, m = -1;
        f >> kind >> slot;
        if (slot < 0 || slot > zone_count) fail("zone slot out of range");
        std::vector<double> parts;
        auto read_parts = [&] {
            for (std::string p; f >> p;) {
                char* end = nullptr;
                const double v = std::strtod(p.c_str(), &end);
                if (*end != '\0' || !std::isfinite(v)) fail("not a number");
                parts.push_back(v);
            }
        };
        if (kind == "sum") {
            f >> a;
            if (a < 0 || a >= q_count) fail("quantity out of range");
            read_parts();
            out.data_[size_t(slot) * q_count + size_t(a)] = ExactSum::from_parts(parts);
        } else if (kind == "month") {
            f >> a >> m;
            if (a < 0 || a >= kMonthlySources || m < 0 || m > 11) fail("month or source out of range");
            read_parts();
            out.monthly_[(size_t(slot) * kMonthlySources + size_t(a)) * 12 + size_t(m)] = ExactSum::from_parts(parts);
        } else if (kind == "class") {
            f >> a;
            if (class_count == 0 || a < -1 || a >= class_count) fail("class out of range");
            read_parts();
            if (parts.size() != 1) fail("one count expected");
            out.class_px_[size_t(slot) * size_t(class_count + 1) + size_t(a + 1)] = parts[0];
        } else {
            fail("unknown line");
        }
    }
    return out;
}

}  // namespace repot
