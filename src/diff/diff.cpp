#include "diff.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "../report/run_folder.hpp"
#include "repot/error.hpp"
#include "repot/json.hpp"
#include "repot/text_table.hpp"

namespace fs = std::filesystem;

namespace repot {

namespace {

// The columns that identify a row of each CSV, so that rows are matched whatever their order.
const std::map<std::string, std::vector<std::string>>& keys() {
    static const std::map<std::string, std::vector<std::string>> k{
        {"potential.csv", {"zone_id"}},
        {"potential_long.csv", {"zone_id", "source", "tier", "quantity"}},
        // tier too: a month is unique per source today, but not once a second tier gets months.
        {"potential_monthly.csv", {"zone_id", "source", "tier", "month"}},
        {"plants.csv", {"plant_id"}},
        {"landcover.csv", {"zone_id", "class_code"}},
    };
    return k;
}

// The text of `name` in a run folder, "" when absent; read_run_folder already holds most of them.
std::string file_text(const RunFolder& f, const std::string& name) {
    if (name == "potential.csv") return f.potential_csv;
    if (name == "potential_long.csv") return f.long_csv;
    if (name == "potential_monthly.csv") return f.monthly_csv;
    if (name == "plants.csv") return f.plants_csv;
    const fs::path p = fs::path(f.dir) / name;
    std::error_code ec;
    if (!fs::is_regular_file(p, ec)) return "";
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    if (!in && !in.eof()) throw DataError(fmt::format("{}: cannot be read", p.string()));
    return ss.str();
}

CsvRows parse_rows(const std::string& text, const std::string& origin) {
    auto records = split_csv(text);
    if (records.empty()) throw DataError(fmt::format("{}: no header line", origin));
    CsvRows t;
    t.header = std::move(records.front());
    for (size_t r = 1; r < records.size(); ++r) {
        if (records[r].size() != t.header.size())
            throw DataError(fmt::format("{}: line {} has {} fields, the header {}", origin, r + 1, records[r].size(),
                                        t.header.size()));
        t.rows.push_back(std::move(records[r]));
    }
    return t;
}

// run.json as a two-column table (schema_version and every scenario parameter), so that it is
// compared like any CSV: a parameter present in one run only is an added or removed row.
std::string render(const JsonValue& v) {
    switch (v.kind) {
        case JsonValue::number: return fmt::format("{}", v.num);
        case JsonValue::string: return v.str;
        case JsonValue::boolean: return v.b ? "true" : "false";
        case JsonValue::array: {
            std::string s = "[";
            for (size_t k = 0; k < v.items.size(); ++k) s += (k ? ", " : "") + render(v.items[k]);
            return s + "]";
        }
        default: return "";
    }
}

CsvRows manifest_rows(const JsonValue& m) {
    CsvRows t;
    t.header = {"key", "value"};
    if (const JsonValue* v = m.find("schema_version")) t.rows.push_back({"schema_version", render(*v)});
    if (const JsonValue* s = m.find("scenario"))
        for (const auto& p : s->items)
            if (const JsonValue* name = p.find("parameter"); name && name->kind == JsonValue::string)
                t.rows.push_back({name->str, p.find("value") ? render(*p.find("value")) : ""});
    return t;
}

// One cell pair: nothing when equal within tolerance. Both numbers compare by value; a number
// against an empty cell ("not computed") is always a change; anything else compares as text.
std::optional<DiffChange> compare_cell(const std::string& a, const std::string& b, const DiffOptions& o) {
    if (a == b) return std::nullopt;
    DiffChange c;
    c.a = a, c.b = b;
    const auto na = parse_finite(a), nb = parse_finite(b);
    if (na && nb) {
        const double d = *nb - *na, scale = std::max(std::abs(*na), std::abs(*nb));
        if (std::abs(d) <= std::max(o.abs_tol, o.rel_tol * scale)) return std::nullopt;
        c.abs = d, c.rel = d / scale;
    } else if (!((a.empty() && nb) || (b.empty() && na))) {
        c.kind = DiffChange::text;
    }
    return c;
}

std::string key_of(const CsvRows& t, const std::vector<int>& cols, size_t row) {
    std::string k;
    for (size_t i = 0; i < cols.size(); ++i) k += (i ? "/" : "") + t.rows[row][size_t(cols[i])];
    return k;
}

// Key string -> row, refusing a table whose key is missing or not unique (rows could not be matched).
std::map<std::string, size_t> index_rows(const CsvRows& t, const std::vector<std::string>& key, std::vector<int>& cols,
                                         const std::string& origin) {
    for (const auto& k : key) {
        cols.push_back(t.col(k));
        if (cols.back() < 0) throw DataError(fmt::format("{}: no column {}", origin, k));
    }
    std::map<std::string, size_t> index;
    for (size_t r = 0; r < t.rows.size(); ++r)
        if (!index.emplace(key_of(t, cols, r), r).second)
            throw DataError(fmt::format("{}: line {}: {} {} appears twice", origin, r + 2, fmt::join(key, "/"),
                                        key_of(t, cols, r)));
    return index;
}

void compare_tables(const std::string& file, const std::vector<std::string>& key, const CsvRows& a, const CsvRows& b,
                    const DiffOptions& o, std::vector<DiffChange>& out) {
    std::vector<int> ka, kb;
    const auto ia = index_rows(a, key, ka, (fs::path(o.a) / file).string());
    const auto ib = index_rows(b, key, kb, (fs::path(o.b) / file).string());
    for (const auto& h : a.header)
        if (b.col(h) < 0) out.push_back({DiffChange::column_removed, file, "", h, {}, {}, {}, {}});
    for (const auto& h : b.header)
        if (a.col(h) < 0) out.push_back({DiffChange::column_added, file, "", h, {}, {}, {}, {}});
    for (size_t r = 0; r < a.rows.size(); ++r) {
        const std::string k = key_of(a, ka, r);
        const auto it = ib.find(k);
        if (it == ib.end()) {
            out.push_back({DiffChange::removed, file, k, "", {}, {}, {}, {}});
            continue;
        }
        for (size_t c = 0; c < a.header.size(); ++c) {
            const int cb = b.col(a.header[c]);
            if (cb < 0 || std::count(ka.begin(), ka.end(), int(c))) continue;
            if (auto ch = compare_cell(a.rows[r][c], b.rows[it->second][size_t(cb)], o)) {
                ch->file = file, ch->key = k, ch->column = a.header[c];
                out.push_back(std::move(*ch));
            }
        }
    }
    for (size_t r = 0; r < b.rows.size(); ++r)
        if (const std::string k = key_of(b, kb, r); !ia.count(k))
            out.push_back({DiffChange::added, file, k, "", {}, {}, {}, {}});
}

}  // namespace

const std::vector<std::string>& diff_default_files() {
    // potential_long.csv holds the numbers of potential.csv again: compared only when asked for.
    static const std::vector<std::string> f{"potential.csv", "potential_monthly.csv", "plants.csv", "landcover.csv"};
    return f;
}

std::vector<std::string> diff_known_files() {
    std::vector<std::string> out;
    for (const auto& [name, key] : keys()) out.push_back(name);
    return out;
}

const char* diff_kind_name(DiffChange::Kind k) {
    static const char* names[] = {"value", "added", "removed", "column_added", "column_removed", "text"};
    return names[k];
}

DiffResult compare_runs(const DiffOptions& o) {
    DiffResult r;
    r.options = o;
    const bool asked = !o.files.empty();
    if (!asked) r.options.files = diff_default_files();
    for (const auto& f : r.options.files)
        if (!keys().count(f))
            throw UsageError(fmt::format("--files: diff does not know {} (known: {})", f, fmt::join(diff_known_files(), ", ")));
    const RunFolder a = read_run_folder(o.a), b = read_run_folder(o.b);

    compare_tables("run.json", {"key"}, manifest_rows(a.manifest), manifest_rows(b.manifest), o, r.changes);
    r.files_compared.push_back("run.json");
    for (const auto& f : r.options.files) {
        const std::string ta = file_text(a, f), tb = file_text(b, f);
        if (ta.empty() && tb.empty()) {
            // A default file the runs do not write (no --waste-plants...) is no difference; one asked for is.
            if (asked) throw DataError(fmt::format("{}: not in either run ({}, {})", f, o.a, o.b));
            continue;
        }
        r.files_compared.push_back(f);
        if (ta.empty() || tb.empty()) {
            r.changes.push_back({ta.empty() ? DiffChange::added : DiffChange::removed, f, "", "", {}, {}, {}, {}});
            continue;
        }
        compare_tables(f, keys().at(f), parse_rows(ta, (fs::path(o.a) / f).string()),
                       parse_rows(tb, (fs::path(o.b) / f).string()), o, r.changes);
    }
    return r;
}

std::string diff_text(const DiffResult& r) {
    std::string out;
    std::set<std::string> files;
    // Numbers as written; text quoted and escaped so that a change is one line whatever the cell holds.
    const auto cell = [](const std::optional<std::string>& s, bool text) {
        return text ? json_string(*s) : s->empty() ? std::string("(empty)") : *s;
    };
    for (const auto& c : r.changes) {
        files.insert(c.file);
        std::string where = c.file;
        if (!c.key.empty()) where += " " + c.key;
        switch (c.kind) {
            case DiffChange::value:
            case DiffChange::text:
                out += fmt::format("{} {}: {} -> {}", where, c.column, cell(c.a, c.kind == DiffChange::text),
                                   cell(c.b, c.kind == DiffChange::text));
                if (c.rel) out += fmt::format(" ({:+.3g} rel)", *c.rel);
                break;
            case DiffChange::added: out += where + ": added (only in B)"; break;
            case DiffChange::removed: out += where + ": removed (only in A)"; break;
            case DiffChange::column_added: out += fmt::format("{} column {}: added (only in B)", where, c.column); break;
            case DiffChange::column_removed:
                out += fmt::format("{} column {}: removed (only in A)", where, c.column);
                break;
        }
        out += '\n';
    }
    const auto plural = [](size_t n, const char* what) { return fmt::format("{} {}{}", n, what, n == 1 ? "" : "s"); };
    if (r.changes.empty())
        out += fmt::format("no changes beyond tolerance ({} compared)\n", plural(r.files_compared.size(), "file"));
    else
        out += fmt::format("{} in {}\n", plural(r.changes.size(), "change"), plural(files.size(), "file"));
    return out;
}

std::string diff_json(const DiffResult& r) {
    JsonWriter j;
    j.begin_object().value("a", r.options.a).value("b", r.options.b);
    j.begin_object("tolerance").value("rel", r.options.rel_tol).value("abs", r.options.abs_tol).end_object();
    const auto opt_str = [&j](const char* key, const std::optional<std::string>& v) {
        v ? j.value(key, *v) : j.null(key);
    };
    const auto opt_num = [&j](const char* key, const std::optional<double>& v) { v ? j.value(key, *v) : j.null(key); };
    j.begin_array("changes");
    for (const auto& c : r.changes) {
        j.begin_object().value("file", c.file).value("key", c.key).value("column", c.column);
        opt_str("a", c.a), opt_str("b", c.b), opt_num("abs", c.abs), opt_num("rel", c.rel);
        j.value("kind", diff_kind_name(c.kind)).end_object();
    }
    j.end_array().begin_array("files_compared");
    for (const auto& f : r.files_compared) j.value("", f);
    j.end_array().end_object();
    return j.str();
}

}  // namespace repot
