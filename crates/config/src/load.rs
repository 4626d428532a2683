//! The public entry point: load a server directory into a [`Config`].

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::convert::{convert, ConvertContext};
use crate::diagnostics::catalog;
use crate::effective::EffectiveConfig;
use crate::model::OnError;
use crate::sources::RedactedSources;
use crate::{Config, Diagnostic};

/// Inputs that come from outside the files. Environment and predefined values
/// arrive here so that tests never change the process environment. `Debug`
/// shows variable names only, because a value may be a password.
#[derive(Clone, Default)]
pub struct LoadOptions {
    /// `--var name=value` from the command line; wins over every other source.
    pub command_line_vars: BTreeMap<String, String>,
    /// The process environment, for `${env.NAME}` and environment lookups.
    pub environment: BTreeMap<String, String>,
    /// `--output-dir`; `${server.output.dir}` is the server directory otherwise.
    pub output_dir: Option<PathBuf>,
    pub limits: Limits,
    /// The `bootstrap.properties` values read at start ([`Loaded::bootstrap`]).
    /// Liberty reads that file at start only, so a server passes them at every
    /// reload: when set, the load uses them and neither reads nor lists the
    /// file. `None` reads the file.
    pub bootstrap: Option<BTreeMap<String, String>>,
}

impl fmt::Debug for LoadOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoadOptions")
            .field("command_line_vars", &self.command_line_vars.keys())
            .field("environment", &self.environment.keys())
            .field("output_dir", &self.output_dir)
            .field("limits", &self.limits)
            .field("bootstrap", &self.bootstrap.as_ref().map(BTreeMap::keys))
            .finish()
    }
}

impl LoadOptions {
    /// Options with the current process environment.
    pub fn from_process_env() -> Self {
        LoadOptions {
            environment: std::env::vars().collect(),
            ..LoadOptions::default()
        }
    }
}

/// Bounds that keep a hostile or broken configuration from exhausting memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_file_size: u64,
    pub max_nesting_depth: usize,
    pub max_include_depth: usize,
    pub max_files: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_size: 16 * 1024 * 1024,
            max_nesting_depth: 64,
            max_include_depth: 32,
            max_files: 1000,
        }
    }
}

/// A file that contributed to the configuration, with the SHA-256 of its
/// content. The server watches these files.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SourceFile {
    pub path: PathBuf,
    /// Lower-case hex SHA-256 of the bytes read.
    pub sha256: String,
}

/// A configuration that loaded, possibly with warnings and element errors.
/// `Debug` shows the bootstrap property names only, because a value may be a
/// password.
#[derive(Clone)]
pub struct Loaded {
    pub config: Arc<Config>,
    pub effective: Arc<EffectiveConfig>,
    pub diagnostics: Vec<Diagnostic>,
    pub sources: Vec<SourceFile>,
    /// The `bootstrap.properties` values this load used, read from the file
    /// or given in [`LoadOptions::bootstrap`]; pass them there at a reload.
    pub bootstrap: BTreeMap<String, String>,
    /// A redacted copy of each configuration file parsed; see [`Loaded::source_text`].
    pub redacted: RedactedSources,
    /// Every file and folder looked at, including included folders and
    /// missing optional files, so a watcher sees a file added to a folder.
    pub attempted: Vec<PathBuf>,
}

impl fmt::Debug for Loaded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Loaded")
            .field("config", &self.config)
            .field("effective", &self.effective)
            .field("diagnostics", &self.diagnostics)
            .field("sources", &self.sources)
            .field("bootstrap", &self.bootstrap.keys())
            .field("redacted", &self.redacted)
            .field("attempted", &self.attempted)
            .finish()
    }
}

impl Loaded {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// The text of a configuration file this load parsed, with every secret
    /// value replaced by `*` characters (lines and columns unchanged), for
    /// showing the source line of a diagnostic. `None` for a file that was
    /// not read or is not well-formed XML.
    pub fn source_text(&self, path: &Path) -> Option<&str> {
        self.redacted.get(path)
    }
}

/// A load that produced no configuration: `server.xml` or an include is
/// missing, unreadable or not well-formed.
#[derive(Debug, Clone)]
pub struct LoadFailure {
    /// True when the main file itself could not be read (exit code 2 of
    /// `zconnect check`).
    pub unreadable: bool,
    pub diagnostics: Vec<Diagnostic>,
    /// Every file read or attempted, so a watcher can see a fix.
    pub sources: Vec<SourceFile>,
    pub attempted: Vec<PathBuf>,
    /// A redacted copy of each configuration file parsed; see
    /// [`LoadFailure::source_text`].
    pub redacted: RedactedSources,
}

impl LoadFailure {
    /// The redacted text of a file this load parsed, as [`Loaded::source_text`].
    pub fn source_text(&self, path: &Path) -> Option<&str> {
        self.redacted.get(path)
    }
}

/// Loads a `server.xml` file or a server directory: reads every source,
/// converts the merged tree and applies `onError`. Under `onError="FAIL"` any
/// error diagnostic turns the load into a [`LoadFailure`]; under `WARN` and
/// `IGNORE` errors stay in [`Loaded::diagnostics`] (the binary logs them at
/// debug level for `IGNORE`).
pub fn load(path: &Path, options: &LoadOptions) -> Result<Loaded, LoadFailure> {
    let outcome = crate::sources::read_configuration(path, options)?;

    let output_dir = options
        .output_dir
        .clone()
        .unwrap_or_else(|| outcome.server_dir.clone());
    let on_error_variable = outcome.variables.resolve("onError");
    let context = ConvertContext {
        server_dir: &outcome.server_dir,
        output_dir: &output_dir,
        on_error_variable: on_error_variable.as_deref(),
    };
    let converted = convert(&outcome.document, &context);

    let mut diagnostics = outcome.diagnostics;
    diagnostics.extend(converted.diagnostics);

    let has_errors = diagnostics.iter().any(Diagnostic::is_error);
    if has_errors && converted.config.config.on_error == OnError::Fail {
        diagnostics.push(Diagnostic::new(
            &catalog::CONFIGURATION_REJECTED,
            "The configuration has errors and onError is FAIL, so none of it is applied. Fix the errors \
             above, or set onError=\"WARN\" on the config element to load what is valid.",
        ));
        return Err(LoadFailure {
            unreadable: false,
            diagnostics,
            sources: outcome.sources,
            attempted: outcome.attempted,
            redacted: outcome.redacted,
        });
    }

    Ok(Loaded {
        config: Arc::new(converted.config),
        effective: Arc::new(converted.effective),
        diagnostics,
        sources: outcome.sources,
        bootstrap: outcome.variables.bootstrap_properties().clone(),
        redacted: outcome.redacted,
        attempted: outcome.attempted,
    })
}
