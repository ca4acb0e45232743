//! The `slareport` command line: parses arguments and calls the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use slareport::build::{BuildError, BuildOptions};
use slareport::measure::Period;

/// SOURCE_DATE_EPOCH, the reproducible-builds convention for "now".
fn source_date_epoch() -> Option<i64> {
    std::env::var("SOURCE_DATE_EPOCH").ok()?.trim().parse().ok()
}

/// "Now" for deciding which months are complete: SOURCE_DATE_EPOCH when
/// set, else the wall clock. Never written into output.
fn now() -> i64 {
    source_date_epoch().unwrap_or_else(|| chrono::Utc::now().timestamp())
}

fn parse_period(text: &str) -> Result<Period, String> {
    text.parse()
}

/// The last month that has ended, by the wall clock: only used to choose a
/// default period, never written into output.
fn last_complete_month() -> Period {
    Period::of(chrono::Local::now().date_naive()).prev()
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
    },
}

/// A site, and optionally one month and one customer of it.
#[derive(Debug, clap::Args)]
struct Selection {
    /// The site folder (holding slareport.toml).
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Only this month, YYYY-MM (measure: default the last complete month;
    /// build: default every complete month with data).
    #[arg(long, value_parser = parse_period)]
    period: Option<Period>,
    /// Only this customer: its SLAs and the OLAs and UPCs underpinning them.
    #[arg(long)]
    customer: Option<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { dir } => check(dir),
        Command::Measure { what, format } => measure(what, format),
        Command::Build { what, out, revise } => build(BuildOptions {
            root: what.dir,
            out,
            period: what.period,
            customer: what.customer,
            revise,
            now: now(),
            source_date_epoch: source_date_epoch(),
            progress: std::io::IsTerminal::is_terminal(&std::io::stderr()),
        }),
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
    let Selection { dir, period, customer } = what;
    let prepared = match slareport::measure::prepare(&dir) {
        Ok(p) => p,
        Err(problems) => {
            print_problems(&problems);
            eprintln!("slareport: {} has errors; `slareport check {}` lists them", dir.display(), dir.display());
            return ExitCode::FAILURE;
        }
    };
    print_problems(&prepared.warnings);
    if let Some(customer) = &customer {
        let known = prepared.site.customers();
        if !known.contains(&customer.as_str()) {
            eprintln!("slareport: no SLA names customer `{customer}`; customers: {}", known.join(", "));
            return ExitCode::FAILURE;
        }
    }
    let mut results = prepared.measure(period.unwrap_or_else(last_complete_month));
    if let Some(customer) = &customer {
        results = results.for_customer(customer);
    }
    match format {
        Format::Table => print!("{}", slareport::measure::print::table(&results)),
        Format::Csv => print!("{}", slareport::measure::results::to_csv(&results)),
        Format::Json => match serde_json::to_string_pretty(&results) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("slareport: cannot write the results as JSON: {e}");
                return ExitCode::FAILURE;
            }
        },
    }
    ExitCode::SUCCESS
}

fn build(options: BuildOptions) -> ExitCode {
    match slareport::build::build(&options) {
        Ok(report) => {
            print_problems(&report.warnings);
            for (customer, period, revision) in &report.published {
                let revision = if *revision > 1 { format!(" (revision {revision})") } else { String::new() };
                println!("published {customer}/{period}{revision}");
            }
            println!(
                "{}: {} reports published, {} published months unchanged",
                report.out.display(),
                report.published.len(),
                report.kept
            );
            ExitCode::SUCCESS
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
    if let Some(summary) = &report.summary {
        print!("{summary}");
    }
    println!("{}", slareport::check::verdict(&report));
    if report.is_clean() {
        ExitCode::SUCCESS
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
