//! The `zconnect` binary.

use std::process::ExitCode;

use clap::Parser;
use zconnect_admin::cli::{run, Cli};

/// mimalloc instead of the system allocator: a forwarded call makes dozens
/// of small allocations, which took about a fifth of its instructions in
/// glibc's malloc and free.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    run(Cli::parse())
}
