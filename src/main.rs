//! The `slareport` command line: parses arguments and calls the library.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use slareport::build::{BuildError, BuildOptions};
use slareport::period::AsOf;
use slareport::period::Period;

/// SOURCE_DATE_EPOCH, the reproducible-builds convention for "now".
fn source_date_epoch() -> Option<i64> {
    std::env::var("SOURCE_DATE_EPOCH").ok()?.trim().parse().ok()
}

fn parse_period(text: &str) -> Result<Period, String> {
    text.parse()
}

fn parse_as_of(text: &str) -> Result<AsOf, String> {
    text.parse()
}

/// Service level reports from agreements and measurements.
#[derive(Debug, Parser)]
#[command(name = "slareport", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Load and validate a site and every measurement source; list every problem.
    Check {
        /// The site folder (holding slareport.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Compute every target for a period and print the results table.
    Measure {
        #[command(flatten)]
        what: Selection,
        /// What to print: a table, results.json or results.csv.
        #[arg(long, value_enum, default_value = "table")]
        format: Format,
    },
    /// Build the report site: every complete month with data, or one.
    Build {
        #[command(flatten)]
        what: Selection,
        /// The output folder (default: `output` of slareport.toml, inside the site).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Publish a new revision of published months whose content changed.
        #[arg(long)]
        revise: bool,
        /// Print the wall time of each stage (scan, measure, draw, render, publish).
        #[arg(long)]
        timings: bool,
    },
    /// Create a small working site (one SLA, OLA and UPC, a few weeks of data, a note) in a new folder.
    Init {
        /// The new site's folder: missing or empty.
        dir: PathBuf,
    },
    /// Build the site into a temporary folder, serve it on 127.0.0.1 and rebuild on every change.
    Serve {
        /// The site folder (holding slareport.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The port to listen on (0: any free port).
        #[arg(long, default_value_t = 8080)]
        port: u16,
    },
    /// Print the JSON Schema of slareport.toml or of agreement files, for editors.
    Schema {
        /// Which file the schema is for.
        #[arg(value_enum, default_value = "site")]
        which: SchemaFile,
    },
}

/// The files `schema` describes.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum SchemaFile {
    /// slareport.toml
    Site,
    /// agreements/**/*.toml
    Agreement,
}

/// A site, and optionally one month and one customer of it.
#[derive(Debug, clap::Args)]
struct Selection {
    /// The site folder (holding slareport.toml).
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Only this month, YYYY-MM (measure: default the last complete month,
    /// or the month in progress to date; build: default every complete month
    /// with data).
    #[arg(long, value_parser = parse_period)]
    period: Option<Period>,
    /// Only this customer: its SLAs and the OLAs and UPCs underpinning them.
    #[arg(long)]
    customer: Option<String>,
    /// Report as of this date (the start of that day in the site's zone) or
    /// RFC 3339 instant, instead of now: it decides which months are
    /// complete and where the month in progress stands.
    #[arg(long, value_parser = parse_as_of, value_name = "DATE|INSTANT")]
    as_of: Option<AsOf>,
}

impl Selection {
    /// As-of: the one given, else the wall clock. Never SOURCE_DATE_EPOCH,
    /// which only stamps pages.
    fn as_of(&self) -> AsOf {
        self.as_of.unwrap_or_else(|| AsOf::Instant(chrono::Utc::now().timestamp()))
    }
}

/// mimalloc rather than glibc's malloc: a provider's build allocates and
/// frees millions of rows, pages and charts on both cores, and glibc gave
/// freed memory back to the kernel only to fault it in again. A full first
/// build at provider scale took 38.3 s instead of 50.7 s (paired medians),
/// peaking at 2.9 GiB instead of 3.4 GiB (docs/scale.md, 2026-12-05). The
/// library leaves the allocator to its programs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { dir } => check(dir),
        Command::Measure { what, format } => measure(what, format),
        Command::Build { what, out, revise, timings } => build(timings, BuildOptions {
            as_of: what.as_of(),
            root: what.dir,
            out,
            period: what.period,
            customer: what.customer,
            revise,
            source_date_epoch: source_date_epoch(),
            progress: std::io::IsTerminal::is_terminal(&std::io::stderr()),
        }),
        Command::Init { dir } => init(dir),
        Command::Serve { dir, port } => serve(dir, port),
        Command::Schema { which } => out(&slareport::schema::json(match which {
            SchemaFile::Site => slareport::schema::Which::Site,
            SchemaFile::Agreement => slareport::schema::Which::Agreement,
        })),
    }
}

/// Writes `text` to standard output. A reader that stops early (`| head`)
/// closes the pipe: that ends the command quietly, not with a panic.
fn out(text: &str) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("slareport: cannot write the output: {e}");
            ExitCode::FAILURE
        }
    }
}

fn init(dir: PathBuf) -> ExitCode {
    let today = chrono::Utc::now().date_naive();
    match slareport::init::init(&slareport::init::InitOptions { dir: dir.clone(), today }) {
        Ok(files) => {
            let d = dir.display();
            let listing: String = files.iter().map(|f| format!("  {f}\n")).collect();
            out(&format!(
                "created a site in {d}:\n{listing}next: `slareport check {d}`, then `slareport build {d}` (or `slareport serve {d}` to preview while you edit)\n"
            ))
        }
        Err(e) => {
            eprintln!("slareport: {e}");
            ExitCode::FAILURE
        }
    }
}

fn serve(dir: PathBuf, port: u16) -> ExitCode {
    let options = slareport::serve::ServeOptions {
        build: BuildOptions {
            root: dir,
            out: None,
            period: None,
            customer: None,
            revise: false,
            // The preview stands at the instant it was started.
            as_of: AsOf::Instant(chrono::Utc::now().timestamp()),
            source_date_epoch: source_date_epoch(),
            progress: false,
        },
        port,
        debounce: std::time::Duration::from_millis(300),
    };
    match slareport::serve::start(options) {
        Ok(server) => {
            eprintln!("slareport: serving {} (Ctrl-C to stop); pages reload when the site changes", server.url());
            server.wait();
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("slareport: {e}");
            ExitCode::FAILURE
        }
    }
}

fn print_problems(problems: &slareport::diagnostic::Diagnostics) {
    for problem in problems {
        eprintln!("{problem}");
    }
}

/// Output formats of `measure`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum Format {
    Table,
    Json,
    Csv,
}

fn measure(what: Selection, format: Format) -> ExitCode {
    let prepared = match slareport::measure::prepare(&what.dir) {
        Ok(p) => p,
        Err(problems) => {
            print_problems(&problems);
            eprintln!("slareport: {} has errors; `slareport check {}` lists them", what.dir.display(), what.dir.display());
            return ExitCode::FAILURE;
        }
    };
    let as_of = what.as_of().instant(prepared.site.config.timezone);
    let Selection { period, customer, .. } = what;
    print_problems(&prepared.warnings);
    if let Some(customer) = &customer {
        let known = prepared.site.customers();
        if !known.contains(&customer.as_str()) {
            eprintln!("slareport: no SLA names customer `{customer}`; customers: {}", known.join(", "));
            return ExitCode::FAILURE;
        }
    }
    let period = match slareport::build::measured_period(&prepared, period, as_of) {
        Ok(p) => p,
        Err(problem) => {
            eprintln!("{problem}");
            return ExitCode::FAILURE;
        }
    };
    let options = slareport::measure::results::Options { as_of: Some(as_of), ..Default::default() };
    let mut results = prepared.measure_with(period, options, &Default::default());
    if let Some(customer) = &customer {
        results = results.for_customer(customer);
    }
    if !matches!(format, Format::Table) {
        // The table prints them itself; JSON and CSV keep standard output clean.
        for warning in results.data.warnings() {
            eprintln!("warning: {warning}");
        }
    }
    match format {
        Format::Table => out(&slareport::measure::print::table(&results)),
        Format::Csv => out(&slareport::measure::results::to_csv(&results)),
        Format::Json => match serde_json::to_string_pretty(&results) {
            Ok(text) => out(&format!("{text}\n")),
            Err(e) => {
                eprintln!("slareport: cannot write the results as JSON: {e}");
                ExitCode::FAILURE
            }
        },
    }
}

fn build(timings: bool, options: BuildOptions) -> ExitCode {
    match slareport::build::build(&options) {
        Ok(report) => {
            print_problems(&report.warnings);
            let mut text = String::new();
            if timings {
                let t = report.timings;
                let ms = |d: std::time::Duration| format!("{:.0} ms", d.as_secs_f64() * 1e3);
                eprintln!(
                    "timings: scan {}, measure {}, draw {}, render {}, publish {}; total {}",
                    ms(t.scan),
                    ms(t.measure),
                    ms(t.draw),
                    ms(t.render),
                    ms(t.publish),
                    ms(t.total())
                );
                let (read, files) = report.files_read;
                if read < files {
                    eprintln!("read {read} of {files} data files: the others bear only on published months whose inputs are as they were");
                }
                if report.files_read_in_part > 0 {
                    let n = report.files_read_in_part;
                    eprintln!("read {n} of them in part: their earlier rows bear only on such months");
                }
            }
            for (customer, period, revision) in &report.published {
                let revision = if *revision > 1 { format!(" (revision {revision})") } else { String::new() };
                text.push_str(&format!("published {customer}/{period}{revision}\n"));
            }
            for (period, at) in &report.awaiting {
                let at = chrono::DateTime::from_timestamp(*at, 0).map_or_else(|| at.to_string(), |d| d.format("%Y-%m-%d %H:%M UTC").to_string());
                text.push_str(&format!("{period} has ended and waits for late rows until {at} (publish_after)\n"));
            }
            if let Some(period) = report.to_date {
                text.push_str(&format!("{period} is in progress: to-date pages written (provisional)\n"));
            }
            let plural = slareport::measure::format::plural;
            text.push_str(&format!(
                "{}: {} published, {} unchanged\n",
                report.out.display(),
                plural(report.published.len(), "report", "reports"),
                plural(report.kept, "published month", "published months")
            ));
            out(&text)
        }
        Err(BuildError::Problems(problems)) => {
            print_problems(&problems);
            eprintln!("slareport: nothing was written; fix the errors above (`slareport check` lists them all)");
            ExitCode::FAILURE
        }
        Err(BuildError::Refused(reasons)) => {
            for r in &reasons {
                eprintln!("error: {r}");
            }
            eprintln!("slareport: nothing was written; published months are never changed in place");
            ExitCode::FAILURE
        }
        Err(BuildError::Io(message)) => {
            eprintln!("error: {message}");
            eprintln!("slareport: the previous site was left as it was");
            ExitCode::FAILURE
        }
    }
}

fn check(dir: PathBuf) -> ExitCode {
    let report = slareport::check::check(&dir);
    for problem in &report.problems {
        eprintln!("{problem}");
    }
    let summary = report.summary.as_ref().map_or(String::new(), |s| s.to_string());
    let written = out(&format!("{summary}{}\n", slareport::check::verdict(&report)));
    if report.is_clean() {
        written
    } else {
        ExitCode::FAILURE
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
