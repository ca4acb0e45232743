//! The `slareport` command line: parses arguments and calls the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
        Command::Build { dir } => {
            eprintln!(
                "slareport: build is not implemented yet; `slareport check {}` validates the site",
                dir.display()
            );
            ExitCode::from(2)
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
