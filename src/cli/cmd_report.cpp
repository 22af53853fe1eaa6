#include <memory>

#include "commands.hpp"
#include "log.hpp"
#include "repot/run.hpp"
#include "../report/report.hpp"

namespace repot::cli {

void add_report_command(CLI::App& root, Action& action) {
    auto o = std::make_shared<ReportOptions>();
    auto quiet = std::make_shared<bool>(false);
    CLI::App* cmd = root.add_subcommand(
        "report", "Write report pages per municipality, an index, smart_community.csv and potential.xlsx into a run folder");
    cmd->add_option("DIR", o->dir, "A finished `repot run --out` folder")->required();
    add_report_flags(cmd, *o);
    cmd->add_flag("--csv-bom", o->csv_bom, "smart_community.csv with a UTF-8 BOM (Excel then shows Japanese right)");
    cmd->add_flag("-q,--quiet", *quiet, "Print nothing");
    cmd->callback([&action, o, quiet] {
        action = [o, quiet] {
            const auto files = write_report(*o, stop_requested_now);
            for (const auto& f : files) log_event(LogLevel::info, "wrote", {{"path", f}});
            if (!*quiet)
                print_written(files);
            return 0;
        };
    });
}

void add_report_flags(CLI::App* cmd, ReportOptions& o) {
    cmd->add_option("--lang", o.lang, "Page language: ja (Japanese labels with English beside them) or en")
        ->check(CLI::IsMember({"ja", "en"}));
    cmd->add_flag("--pdf", o.pdf, "Also print report/<zone>.pdf with headless Chromium (Debian package chromium)");
    cmd->add_option("--smart-community-rules", o.rules,
                    "Rules table of the smart-community indicators (default: the shipped datasets/smart_community_rules.csv)");
}

}  // namespace repot::cli
