#include "workbook.hpp"

#include <fmt/format.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <memory>

#include "labels.hpp"
#include "repot/error.hpp"
#include "repot/text_table.hpp"

namespace repot {

namespace {

constexpr lxw_row_t kHeaderRows = 3;  // municipalities: Japanese labels, English labels, units

// Columns written as text even when they look like numbers: codes keep their leading zeros.
bool text_column(const std::string& name) {
    for (const char* end : {"id", "code", "codes", "name", "zone", "zones", "notes"})
        if (name == end || name.ends_with(std::string("_") + end)) return true;
    return false;
}

// Roughly how many character widths a text takes in Excel: East Asian characters take two.
double display_width(const std::string& s) {
    double w = 0;
    for (unsigned char c : s)
        if (c < 0x80) w += 1;
        else if (c >= 0xC0) w += 2;  // a lead byte; continuation bytes add nothing
    return w;
}

class Book {
public:
    Book(const std::string& path, std::time_t created) : path_(path) {
        lxw_workbook_options opt{};
        opt.use_zip64 = LXW_FALSE;
        wb_.reset(workbook_new_opt(path.c_str(), &opt));
        if (!wb_) fail(LXW_ERROR_MEMORY_MALLOC_FAILED);
        lxw_doc_properties props{};
        props.created = created;
        check(workbook_set_properties(wb_.get(), &props));
        bold_ = format({.bold = true});
        ja_ = format({.bold = true, .wrap = true});
        en_ = format({.wrap = true});
        unit_ = format({.italic = true, .wrap = true});
        integer_ = format({.num = "#,##0"});
        share_ = format({.num = "0.0%"});
        decimal_ = format({.num = "0.000"});
    }
    void close() { check(workbook_close(wb_.release())); }  // writes the file and frees the workbook

    lxw_worksheet* sheet(const char* name) {
        lxw_worksheet* ws = workbook_add_worksheet(wb_.get(), name);
        if (!ws) fail(LXW_ERROR_MEMORY_MALLOC_FAILED);
        return ws;
    }

    void check(lxw_error e) const {
        if (e != LXW_NO_ERROR) fail(e);
    }
    [[noreturn]] void fail(lxw_error e) const {
        throw DataError(fmt::format("{}: cannot write the workbook: {}", path_, lxw_strerror(e)));
    }

    void text(lxw_worksheet* ws, lxw_row_t r, lxw_col_t c, const std::string& s, lxw_format* f = nullptr) {
        if (!s.empty()) check(worksheet_write_string(ws, r, c, s.c_str(), f));
    }
    void number(lxw_worksheet* ws, lxw_row_t r, lxw_col_t c, double v, lxw_format* f = nullptr) {
        check(worksheet_write_number(ws, r, c, v, f));
    }
    // A CSV cell: a number where it is one and the column is not a code, text otherwise; empty stays empty.
    void cell(lxw_worksheet* ws, lxw_row_t r, lxw_col_t c, const std::string& column, const std::string& s,
              lxw_format* numeric = nullptr) {
        if (s.empty()) return;
        if (auto v = text_column(column) ? std::nullopt : parse_finite(s)) number(ws, r, c, *v, numeric);
        else text(ws, r, c, s);
    }

    void municipalities(const std::string& csv);
    void table(const char* name, const std::string& csv, const char* when_empty);
    void scenario(const std::vector<ScenarioEntry>& entries);
    void notes(const std::vector<Note>& run, const std::vector<ZoneNote>& zones);

private:
    struct Style {
        bool bold = false, italic = false, wrap = false;
        const char* num = nullptr;
    };
    lxw_format* format(Style s) {
        lxw_format* f = workbook_add_format(wb_.get());
        if (!f) fail(LXW_ERROR_MEMORY_MALLOC_FAILED);
        if (s.bold) format_set_bold(f);
        if (s.italic) format_set_italic(f);
        if (s.wrap) {
            format_set_text_wrap(f);
            format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
        }
        if (s.num) format_set_num_format(f, s.num);
        return f;
    }
    lxw_format* number_format(const std::string& unit) {
        if (unit == "share") return share_;
        for (const char* u : {"MWh", "GJ", "kW", "m2", "t", "t-CO2", "px", "persons", "households"})
            if (unit == u) return integer_;
        return decimal_;
    }
    // A header row, a frozen pane below it, an autofilter over it and columns as wide as their text.
    void header(lxw_worksheet* ws, const std::vector<std::string>& names, const std::vector<double>& widths,
                lxw_row_t rows) {
        for (size_t c = 0; c < names.size(); ++c) {
            text(ws, 0, lxw_col_t(c), names[c], bold_);
            const double w = std::clamp(std::max(widths[c], display_width(names[c])) + 2, 8.0, 60.0);
            check(worksheet_set_column(ws, lxw_col_t(c), lxw_col_t(c), w, nullptr));
        }
        worksheet_freeze_panes(ws, 1, 0);
        if (!names.empty()) check(worksheet_autofilter(ws, 0, 0, rows, lxw_col_t(names.size() - 1)));
    }

    std::string path_;
    // Freed without writing anything when an error is thrown before close().
    std::unique_ptr<lxw_workbook, decltype(&lxw_workbook_free)> wb_{nullptr, &lxw_workbook_free};
    lxw_format *bold_, *ja_, *en_, *unit_, *integer_, *share_, *decimal_;
};

void Book::municipalities(const std::string& csv) {
    lxw_worksheet* ws = sheet("municipalities");
    const auto records = split_csv(csv);
    if (records.empty()) return text(ws, 0, 0, "potential.csv is empty");
    const auto& names = records.front();
    // Header rows; wrapped text in a column as wide as its numbers, rows as tall as the longest label.
    double ja_lines = 1, en_lines = 1;
    lxw_col_t freeze_cols = 0;
    for (size_t c = 0; c < names.size(); ++c) {
        const Label l = column_label(names[c]);
        const auto col = lxw_col_t(c);
        text(ws, 0, col, l.ja, ja_);
        text(ws, 1, col, l.en, en_);
        text(ws, 2, col, l.unit_ja == l.unit_en ? l.unit_en : l.unit_ja + "\n" + l.unit_en, unit_);  // as the labels: ja over en
        const double width = names[c] == "notes" ? 80 : names[c] == "note_codes" ? 40 : names[c] == "zone_id" ? 12 : 16;
        check(worksheet_set_column(ws, col, col, width, nullptr));
        ja_lines = std::max(ja_lines, std::ceil(display_width(l.ja) / width));
        en_lines = std::max(en_lines, std::ceil(display_width(l.en) / width));
        if (names[c] == "zone_name") freeze_cols = col + 1;
    }
    check(worksheet_set_row(ws, 0, 15 * ja_lines, nullptr));
    check(worksheet_set_row(ws, 1, 15 * en_lines, nullptr));
    check(worksheet_set_row(ws, 2, 30, nullptr));
    std::vector<lxw_format*> formats;
    for (const auto& n : names) formats.push_back(number_format(column_unit(n)));
    for (size_t r = 1; r < records.size(); ++r)
        for (size_t c = 0; c < records[r].size() && c < names.size(); ++c)
            cell(ws, lxw_row_t(kHeaderRows + r - 1), lxw_col_t(c), names[c], records[r][c], formats[c]);
    // Frozen below the labels and right of the names; the filter buttons sit on the row above the data.
    worksheet_freeze_panes(ws, kHeaderRows, freeze_cols);
    check(worksheet_autofilter(ws, kHeaderRows - 1, 0, lxw_row_t(kHeaderRows + records.size() - 2),
                               lxw_col_t(names.size() - 1)));
}

void Book::table(const char* name, const std::string& csv, const char* when_empty) {
    lxw_worksheet* ws = sheet(name);
    const auto records = split_csv(csv);
    if (records.empty()) return text(ws, 0, 0, when_empty);
    const auto& names = records.front();
    std::vector<double> widths(names.size(), 0);
    for (size_t r = 1; r < records.size(); ++r)
        for (size_t c = 0; c < records[r].size() && c < names.size(); ++c) {
            cell(ws, lxw_row_t(r), lxw_col_t(c), names[c], records[r][c]);
            widths[c] = std::max(widths[c], display_width(records[r][c]));
        }
    header(ws, names, widths, lxw_row_t(records.size() - 1));
}

void Book::scenario(const std::vector<ScenarioEntry>& entries) {
    lxw_worksheet* ws = sheet("scenario");
    const std::vector<std::string> names{"parameter", "value", "unit", "source", "default", "assumption"};
    std::vector<double> widths(names.size(), 0);
    lxw_row_t r = 0;
    for (const auto& e : entries) {
        ++r;
        const std::string texts[] = {e.parameter, e.value, e.unit, e.source};
        for (size_t c = 0; c < 4; ++c) {
            cell(ws, r, lxw_col_t(c), names[c], texts[c]);
            widths[c] = std::max(widths[c], display_width(texts[c]));
        }
        check(worksheet_write_boolean(ws, r, 4, e.is_default, nullptr));
        check(worksheet_write_boolean(ws, r, 5, e.assumption, nullptr));
    }
    header(ws, names, widths, r);
}

void Book::notes(const std::vector<Note>& run, const std::vector<ZoneNote>& zones) {
    lxw_worksheet* ws = sheet("notes");
    const std::vector<std::string> names{"scope", "zone_id", "code", "text"};
    std::vector<double> widths(names.size(), 0);
    lxw_row_t r = 0;
    auto row = [&](const std::string& scope, const std::string& zone, const Note& n) {
        ++r;
        const std::string texts[] = {scope, zone, n.code, n.text};
        for (size_t c = 0; c < 4; ++c) {
            text(ws, r, lxw_col_t(c), texts[c]);
            widths[c] = std::max(widths[c], display_width(texts[c]));
        }
    };
    for (const Note& n : run) row("run", "", n);
    for (const ZoneNote& n : zones) row("zone", n.zone_id, {n.code, n.text});
    header(ws, names, widths, r);
}

}  // namespace

void write_workbook(const WorkbookInput& in, const std::string& path) {
    // libxlsxwriter opens the file only at the end and prints its own error: check the folder first.
    const auto folder = std::filesystem::absolute(path).parent_path();
    if (!std::filesystem::is_directory(folder))
        throw DataError(fmt::format("{}: cannot write the workbook: no folder {}", path, folder.string()));
    Book book(path, in.created);
    book.municipalities(in.potential_csv);
    book.table("long", in.potential_long_csv, "potential_long.csv is empty");
    book.table("plants", in.plants_csv, "no waste plant table was given (--waste-plants)");
    book.table("smart_community", in.smart_community_csv, "no smart-community table was computed in this run");
    book.scenario(in.scenario);
    book.notes(in.run_notes, in.zone_notes);
    book.close();
}

}  // namespace repot
