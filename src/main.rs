//! The `slareport` command line: parses arguments and calls the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use slareport::measure::Period;

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
        /// The site folder (holding slareport.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The month to measure, YYYY-MM; default the last complete month.
        #[arg(long, value_parser = parse_period)]
        period: Option<Period>,
        /// Only this customer's SLAs.
        #[arg(long)]
        customer: Option<String>,
        /// Print results.json instead of the table.
        #[arg(long)]
        json: bool,
    },
    /// Build the report site (not implemented yet).
    Build {
        /// The site folder (holding slareport.toml).
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { dir } => check(dir),
        Command::Measure { dir, period, customer, json } => measure(dir, period, customer, json),
        Command::Build { dir } => {
            eprintln!(
                "slareport: build is not implemented yet; `slareport check {}` validates the site",
                dir.display()
            );
            ExitCode::from(2)
        }
    }
}

fn print_problems(problems: &slareport::diagnostic::Diagnostics) {
    for problem in problems {
        eprintln!("{problem}");
    }
}

fn measure(dir: PathBuf, period: Option<Period>, customer: Option<String>, json: bool) -> ExitCode {
    let prepared = match slareport::measure::prepare(&dir) {
        Ok(p) => p,
        Err(problems) => {
            print_problems(&problems);
            eprintln!("slareport: {} has errors; `slareport check {}` lists them", dir.display(), dir.display());
            return ExitCode::FAILURE;
        }
    };
    print_problems(&prepared.warnings);
    let results = prepared.measure(period.unwrap_or_else(last_complete_month));
    if json {
        match serde_json::to_string_pretty(&results) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("slareport: cannot write the results as JSON: {e}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        print!("{}", slareport::measure::print::table(&results, customer.as_deref()));
    }
    ExitCode::SUCCESS
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
