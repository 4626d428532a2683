//! The `zconnect` binary.

use std::process::ExitCode;

use clap::Parser;
use zconnect_admin::cli::{run, Cli};

fn main() -> ExitCode {
    run(Cli::parse())
}
