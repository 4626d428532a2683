//! The command line: `zconnect run`, `check`, `encode` and `demo`.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use zconnect_config::LoadOptions;

use crate::logging::{LogFormat, LogSettings};
use crate::options::ServerOptions;
use crate::units::{parse_duration, parse_positive_duration, parse_positive_size};
use crate::{check, encode, server};

#[derive(Debug, Parser)]
#[command(
    name = "zconnect",
    version,
    about = "A z/OS Connect style API requester server configured by a Liberty server.xml"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the server.
    Run(RunArgs),
    /// Load and validate a configuration without starting a server; exit 0 when
    /// there is no error, 1 when there are errors, 2 when the files cannot be read.
    Check(CheckArgs),
    /// Print the {xor} form of a password, like Liberty's securityUtility encode.
    Encode(EncodeArgs),
    /// Start a sandbox authorization server, a protected sample API and zconnect
    /// on 127.0.0.1, with API requesters at both tokenRetryCheckLevel values,
    /// and print curl commands to try.
    Demo(DemoArgs),
}

/// Where the configuration is and how variables are set, shared by `run` and `check`.
#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// A server.xml file or a server directory.
    #[arg(default_value = "server.xml")]
    pub path: PathBuf,

    /// Set a configuration variable; wins over every other source. Repeatable.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    pub vars: Vec<(String, String)>,
}

impl ConfigArgs {
    fn load_options(&self) -> LoadOptions {
        let mut options = LoadOptions::from_process_env();
        options.command_line_vars = self.vars.iter().cloned().collect::<BTreeMap<_, _>>();
        options
    }
}

/// Most threads `--worker-threads` accepts. Each costs a few file
/// descriptors and its own idle endpoint connections; more threads than
/// CPUs only add switching.
const MAX_WORKER_THREADS: u64 = 256;

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub config: ConfigArgs,

    /// Log line format.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// Log level or tracing filter (error, warn, info, debug, trace); RUST_LOG wins when set.
    #[arg(long, default_value = "info")]
    pub log_level: String,

    /// Largest API requester call body accepted, in bytes or with a unit (KiB, MiB, GiB); larger gets 413.
    #[arg(long, value_name = "SIZE", default_value = "64MiB", value_parser = parse_positive_size)]
    pub max_request_body: u64,

    /// Largest request body kept in memory so that a call rejected with 401 can be sent again, in bytes or with a unit.
    #[arg(long, value_name = "SIZE", default_value = "8MiB", value_parser = parse_positive_size)]
    pub max_buffered_body: u64,

    /// Largest .ara archive accepted, in bytes or with a unit.
    #[arg(long, value_name = "SIZE", default_value = "64MiB", value_parser = parse_positive_size)]
    pub max_archive_size: u64,

    /// Most OAuth access tokens kept in the token cache, in cache entries.
    #[arg(long, value_name = "ENTRIES", default_value_t = 10_000)]
    pub token_cache_size: usize,

    /// Time without file changes before a reload starts, e.g. 25ms or 1s.
    #[arg(long, value_name = "DURATION", default_value = "25ms", value_parser = parse_duration)]
    pub reload_quiet_period: Duration,

    /// Longest wait for calls in progress at shutdown or when a listener moves, e.g. 30s.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    pub shutdown_timeout: Duration,

    /// Longest time a client may take to send the request line and headers before its connection is closed, e.g. 30s.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_positive_duration)]
    pub header_read_timeout: Duration,

    /// Threads that serve HTTP connections, each with its own connections to every endpoint, at most 256; 0 or absent means one per CPU.
    #[arg(long, value_name = "COUNT", default_value_t = 0, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(0..=MAX_WORKER_THREADS))]
    pub worker_threads: usize,
}

impl RunArgs {
    pub fn server_options(&self) -> ServerOptions {
        let mut options = ServerOptions::new(self.config.path.clone());
        options.load = self.config.load_options();
        options.max_request_body = self.max_request_body;
        options.max_buffered_body = self.max_buffered_body;
        options.max_archive_size = self.max_archive_size;
        options.token_cache_size = self.token_cache_size;
        options.reload_quiet_period = self.reload_quiet_period;
        options.shutdown_timeout = self.shutdown_timeout;
        options.header_read_timeout = self.header_read_timeout;
        if self.worker_threads > 0 {
            options.worker_threads = self.worker_threads;
        }
        options
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub config: ConfigArgs,

    /// Output format: text diagnostics with source excerpts, or the JSON object with diagnostics, sources and config.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Encoding {
    Xor,
}

#[derive(Debug, Args)]
pub struct EncodeArgs {
    /// Encoding to produce.
    #[arg(long, value_enum, default_value_t = Encoding::Xor)]
    pub encoding: Encoding,

    /// The password; read from standard input when absent.
    pub password: Option<String>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Port zconnect listens on, on 127.0.0.1; 0 takes a free port.
    #[arg(long, default_value_t = crate::demo::DEFAULT_PORT)]
    pub port: u16,

    /// Lifetime of the sandbox's access tokens, in whole seconds with a unit, e.g. 30s or 2m.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    pub token_lifetime: Duration,
}

/// Runs one command and returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Run(args) => {
            let settings = LogSettings {
                format: args.log_format,
                level: args.log_level.clone(),
            };
            if let Err(error) = crate::logging::init(&settings) {
                eprintln!("zconnect: {error}");
                return ExitCode::from(2);
            }
            server::run_until_signal(args.server_options())
        }
        Command::Check(args) => {
            let options = args.config.load_options();
            check::run(&args.config.path, &options, args.format)
        }
        Command::Encode(args) => encode::run(args.encoding, args.password),
        Command::Demo(args) => crate::demo::run(crate::demo::DemoOptions {
            port: args.port,
            token_lifetime: args.token_lifetime,
        }),
    }
}

fn parse_var(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_owned(), value.to_owned())),
        _ => Err(format!(
            "invalid variable {text:?}: expected NAME=VALUE, for example --var http.port=9080"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Cli {
        Cli::try_parse_from(args).expect("arguments parse")
    }

    #[test]
    fn run_defaults_match_documented_values() {
        let Command::Run(args) = parse(&["zconnect", "run"]).command else {
            panic!("expected run");
        };
        let options = args.server_options();
        assert_eq!(options.config_path, PathBuf::from("server.xml"));
        assert_eq!(options.max_request_body, 64 * 1024 * 1024);
        assert_eq!(options.max_buffered_body, 8 * 1024 * 1024);
        assert_eq!(options.max_archive_size, 64 * 1024 * 1024);
        assert_eq!(options.token_cache_size, 10_000);
        assert_eq!(options.reload_quiet_period, Duration::from_millis(25));
        assert_eq!(options.shutdown_timeout, Duration::from_secs(30));
        assert_eq!(args.log_format, LogFormat::Text);
    }

    #[test]
    fn run_var_is_repeatable() {
        let Command::Run(args) =
            parse(&["zconnect", "run", "/srv", "--var", "a=1", "--var", "b=x=y"]).command
        else {
            panic!("expected run");
        };
        let options = args.server_options();
        assert_eq!(options.config_path, PathBuf::from("/srv"));
        assert_eq!(
            options.load.command_line_vars.get("a").map(String::as_str),
            Some("1")
        );
        assert_eq!(
            options.load.command_line_vars.get("b").map(String::as_str),
            Some("x=y")
        );
    }

    #[test]
    fn run_var_without_equals_is_rejected() {
        assert!(Cli::try_parse_from(["zconnect", "run", "--var", "nothing"]).is_err());
    }

    #[test]
    fn run_sizes_and_durations_take_units() {
        let Command::Run(args) = parse(&[
            "zconnect",
            "run",
            "--max-request-body",
            "1KiB",
            "--reload-quiet-period",
            "100ms",
            "--shutdown-timeout",
            "2s",
            "--log-format",
            "json",
        ])
        .command
        else {
            panic!("expected run");
        };
        assert_eq!(args.max_request_body, 1024);
        assert_eq!(args.reload_quiet_period, Duration::from_millis(100));
        assert_eq!(args.shutdown_timeout, Duration::from_secs(2));
        assert_eq!(args.log_format, LogFormat::Json);
    }

    #[test]
    fn run_size_options_reject_zero() {
        for option in [
            "--max-request-body",
            "--max-buffered-body",
            "--max-archive-size",
        ] {
            let error = Cli::try_parse_from(["zconnect", "run", option, "0"])
                .err()
                .unwrap_or_else(|| panic!("{option} 0 was accepted"));
            assert!(
                error.to_string().contains("at least 1 byte"),
                "{option}: {error}"
            );
        }
    }

    #[test]
    fn run_worker_threads_zero_means_one_per_cpu() {
        let Command::Run(args) = parse(&["zconnect", "run", "--worker-threads", "0"]).command
        else {
            panic!("run expected");
        };

        assert_eq!(
            args.server_options().worker_threads,
            crate::options::default_worker_threads()
        );
    }

    #[test]
    fn run_worker_threads_maximum_accepted() {
        let Command::Run(args) = parse(&["zconnect", "run", "--worker-threads", "256"]).command
        else {
            panic!("run expected");
        };

        assert_eq!(args.server_options().worker_threads, 256);
    }

    #[test]
    fn run_worker_threads_over_the_maximum_are_rejected() {
        let Err(error) = Cli::try_parse_from(["zconnect", "run", "--worker-threads", "257"]) else {
            panic!("257 threads accepted");
        };

        assert!(error.to_string().contains("0..=256"), "{error}");
    }

    #[test]
    fn run_header_read_timeout_rejects_zero() {
        let Err(error) = Cli::try_parse_from(["zconnect", "run", "--header-read-timeout", "0s"])
        else {
            panic!("--header-read-timeout 0s was accepted");
        };
        assert!(error.to_string().contains("above zero"), "{error}");
    }

    #[test]
    fn check_format_json_is_accepted() {
        let Command::Check(args) = parse(&["zconnect", "check", "dir", "--format", "json"]).command
        else {
            panic!("expected check");
        };
        assert_eq!(args.format, CheckFormat::Json);
        assert_eq!(args.config.path, PathBuf::from("dir"));
    }

    #[test]
    fn demo_defaults_are_port_9080_and_30s() {
        let Command::Demo(args) = parse(&["zconnect", "demo"]).command else {
            panic!("expected demo");
        };
        assert_eq!(args.port, 9080);
        assert_eq!(args.token_lifetime, Duration::from_secs(30));
    }

    #[test]
    fn demo_port_and_token_lifetime_are_set() {
        let Command::Demo(args) =
            parse(&["zconnect", "demo", "--port", "0", "--token-lifetime", "1m"]).command
        else {
            panic!("expected demo");
        };
        assert_eq!(args.port, 0);
        assert_eq!(args.token_lifetime, Duration::from_secs(60));
    }

    #[test]
    fn encode_password_is_optional() {
        let Command::Encode(args) = parse(&["zconnect", "encode"]).command else {
            panic!("expected encode");
        };
        assert_eq!(args.password, None);
        assert_eq!(args.encoding, Encoding::Xor);
    }
}
