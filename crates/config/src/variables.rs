//! Variables: where `${name}` values come from, and expansion with nested
//! references, cycle detection and integer arithmetic.
//!
//! Lookup order for `${n}`, first match wins: `--var` on the command line;
//! `<variable value>` (the last definition wins); `bootstrap.properties`; for
//! `env.X`, the environment variable `X`; the predefined directory names; the
//! environment under `n`, `n` with every character outside `[A-Za-z0-9_]`
//! replaced by `_`, then that upper-cased; `<variable defaultValue>`.
//! Environment and predefined values come only from [`LoadOptions`], so tests
//! never touch the process environment.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use crate::diagnostics::{catalog, Diagnostic, Location};
use crate::load::{Limits, LoadOptions};
use crate::xml::position::advance;
use crate::xml::RawElement;

mod expand;

use expand::Expander;

/// How many variables may be expanded inside one another, counting the
/// outermost reference.
pub const MAX_EXPANSION_DEPTH: usize = 10;

/// The source a variable value came from, in lookup order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum VariableSource {
    CommandLine,
    ConfigValue,
    Bootstrap,
    EnvironmentPrefix,
    Predefined,
    Environment,
    ConfigDefault,
}

/// A `<variable>` definition with its position.
#[derive(Clone, PartialEq, Eq)]
struct Definition {
    value: String,
    location: Option<Location>,
}

/// Every variable source of one load. `Debug` shows names only, because a
/// variable may hold a password.
#[derive(Clone)]
pub struct Variables {
    command_line: BTreeMap<String, String>,
    values: BTreeMap<String, Definition>,
    bootstrap: BTreeMap<String, String>,
    predefined: BTreeMap<String, String>,
    environment: BTreeMap<String, String>,
    defaults: BTreeMap<String, Definition>,
    /// The largest expanded value, in bytes: the file size limit, since no
    /// value written in a file can be longer.
    max_value_len: usize,
}

impl Default for Variables {
    fn default() -> Self {
        Variables {
            command_line: BTreeMap::new(),
            values: BTreeMap::new(),
            bootstrap: BTreeMap::new(),
            predefined: BTreeMap::new(),
            environment: BTreeMap::new(),
            defaults: BTreeMap::new(),
            max_value_len: usize::try_from(Limits::default().max_file_size).unwrap_or(usize::MAX),
        }
    }
}

impl fmt::Debug for Variables {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Variables")
            .field("command_line", &self.command_line.keys())
            .field("values", &self.values.keys())
            .field("bootstrap", &self.bootstrap.keys())
            .field("predefined", &self.predefined)
            .field("environment", &self.environment.keys())
            .field("defaults", &self.defaults.keys())
            .finish()
    }
}

impl Variables {
    /// Sources known before any configuration file is read: the command line,
    /// `bootstrap.properties`, the environment and the predefined names for
    /// `server_dir`.
    pub fn new(
        options: &LoadOptions,
        server_dir: &Path,
        bootstrap: BTreeMap<String, String>,
    ) -> Self {
        Variables {
            command_line: options.command_line_vars.clone(),
            values: BTreeMap::new(),
            bootstrap,
            predefined: predefined_names(options, server_dir),
            environment: options.environment.clone(),
            defaults: BTreeMap::new(),
            max_value_len: usize::try_from(options.limits.max_file_size).unwrap_or(usize::MAX),
        }
    }

    /// Records `<variable name value>`; a later definition replaces an earlier one.
    pub fn define(&mut self, name: &str, value: &str, location: Option<Location>) {
        let definition = Definition {
            value: value.to_string(),
            location,
        };
        self.values.insert(name.to_string(), definition);
    }

    /// Records `<variable name defaultValue>`, used when no other source defines `name`.
    pub fn define_default(&mut self, name: &str, value: &str, location: Option<Location>) {
        let definition = Definition {
            value: value.to_string(),
            location,
        };
        self.defaults.insert(name.to_string(), definition);
    }

    /// Returns every `bootstrap.properties` value, unexpanded.
    pub fn bootstrap_properties(&self) -> &BTreeMap<String, String> {
        &self.bootstrap
    }

    /// Returns a `bootstrap.properties` value, unexpanded.
    pub fn bootstrap_property(&self, name: &str) -> Option<&str> {
        self.bootstrap.get(name).map(String::as_str)
    }

    /// Looks `name` up in lookup order and returns its unexpanded value and source.
    pub fn lookup(&self, name: &str) -> Option<(&str, VariableSource)> {
        if let Some(value) = self.command_line.get(name) {
            return Some((value, VariableSource::CommandLine));
        }
        if let Some(definition) = self.values.get(name) {
            return Some((&definition.value, VariableSource::ConfigValue));
        }
        if let Some(value) = self.bootstrap.get(name) {
            return Some((value, VariableSource::Bootstrap));
        }
        if let Some(value) = name
            .strip_prefix("env.")
            .and_then(|rest| self.environment.get(rest))
        {
            return Some((value, VariableSource::EnvironmentPrefix));
        }
        if let Some(value) = self.predefined.get(name) {
            return Some((value, VariableSource::Predefined));
        }
        if let Some(value) = self.environment_lookup(name) {
            return Some((value, VariableSource::Environment));
        }
        self.defaults
            .get(name)
            .map(|definition| (definition.value.as_str(), VariableSource::ConfigDefault))
    }

    fn environment_lookup(&self, name: &str) -> Option<&String> {
        let sanitized: String = name
            .chars()
            .map(|ch| {
                if ch.is_ascii_alphanumeric() || ch == '_' {
                    ch
                } else {
                    '_'
                }
            })
            .collect();
        let upper = sanitized.to_ascii_uppercase();
        self.environment
            .get(name)
            .or_else(|| self.environment.get(&sanitized))
            .or_else(|| self.environment.get(&upper))
    }

    /// Returns the fully expanded value of `name`, or `None` when no source
    /// defines it. Problems inside the value (an undefined nested reference, a cycle)
    /// leave literal text, as in any other value.
    pub fn resolve(&self, name: &str) -> Option<String> {
        self.lookup(name)?;
        let literal = format!("${{{name}}}");
        let mut expanded = String::new();
        Expander::new(self, &[]).top_reference(name, &literal, &mut expanded, 0);
        Some(expanded)
    }

    /// Expands every `${...}` in `text`. References named in `placeholders`
    /// stay as written with no problem reported.
    pub fn expand(&self, text: &str, placeholders: &[&str]) -> Expansion {
        let mut expanded = String::with_capacity(text.len());
        let mut expander = Expander::new(self, placeholders);
        expander.expand_value(text, &mut expanded);
        Expansion {
            text: expanded,
            problems: expander.problems,
        }
    }
}

/// `server.config.dir`, `server.output.dir`, `wlp.server.name`,
/// `wlp.user.dir`, `shared.config.dir` and `shared.resource.dir`.
fn predefined_names(options: &LoadOptions, server_dir: &Path) -> BTreeMap<String, String> {
    let server_dir = std::path::absolute(server_dir).unwrap_or_else(|_| server_dir.to_path_buf());
    let output_dir = options
        .output_dir
        .clone()
        .unwrap_or_else(|| server_dir.clone());
    let user_dir = server_dir
        .parent()
        .and_then(Path::parent)
        .map_or_else(|| server_dir.clone(), Path::to_path_buf);
    let server_name = server_dir
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();

    let shared = user_dir.join("shared");
    let entries = [
        ("server.config.dir", server_dir.display().to_string()),
        ("server.output.dir", output_dir.display().to_string()),
        ("wlp.server.name", server_name),
        ("wlp.user.dir", user_dir.display().to_string()),
        (
            "shared.config.dir",
            shared.join("config").display().to_string(),
        ),
        (
            "shared.resource.dir",
            shared.join("resources").display().to_string(),
        ),
    ];
    entries
        .into_iter()
        .map(|(name, value)| (name.to_string(), value))
        .collect()
}

/// The result of expanding one value. `Debug` masks the text, which may
/// be a password.
#[derive(Clone, PartialEq, Eq)]
pub struct Expansion {
    pub text: String,
    pub problems: Vec<ExpansionProblem>,
}

impl fmt::Debug for Expansion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Expansion")
            .field("text", &crate::Secret::MASK)
            .field("problems", &self.problems)
            .finish()
    }
}

/// A reference that could not be expanded; it stays in the value as written.
/// `reference` is the index of the top-level `${` in the value (0 for the
/// first), which locates the problem in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExpansionProblem {
    /// No source defines `name`. `via` lists the variables whose values led
    /// to the reference, outermost first (empty for a direct reference).
    Undefined {
        name: String,
        via: Vec<String>,
        reference: usize,
    },
    /// `chain` starts and ends with the same name.
    Cycle {
        chain: Vec<String>,
        reference: usize,
    },
    /// More than [`MAX_EXPANSION_DEPTH`] variables inside one another.
    TooDeep {
        chain: Vec<String>,
        reference: usize,
    },
    Arithmetic {
        expression: String,
        reason: String,
        reference: usize,
    },
    /// The text of the variable `name` would grow past `max` bytes, the file
    /// size limit.
    TooLarge {
        name: String,
        max: usize,
        reference: usize,
    },
}

impl ExpansionProblem {
    fn reference(&self) -> usize {
        match self {
            ExpansionProblem::Undefined { reference, .. }
            | ExpansionProblem::Cycle { reference, .. }
            | ExpansionProblem::TooDeep { reference, .. }
            | ExpansionProblem::Arithmetic { reference, .. }
            | ExpansionProblem::TooLarge { reference, .. } => *reference,
        }
    }
}

/// The place a value was written, for positioning each reference's diagnostic.
#[derive(Debug, Clone, Copy)]
pub enum ValueOrigin<'a> {
    /// An attribute value: its first character and the raw text between the quotes.
    Attribute { start: &'a Location, raw: &'a str },
    /// Text content of an element.
    Text(&'a RawElement),
}

impl ValueOrigin<'_> {
    /// Position of the `index`-th `${` of the value; the value start when the
    /// raw text does not show it (a `$` written as a character reference).
    pub fn reference_location(&self, index: usize) -> Location {
        match self {
            ValueOrigin::Attribute { start, raw } => {
                locate_nth(start, raw, index).unwrap_or_else(|| (*start).clone())
            }
            ValueOrigin::Text(element) => {
                let mut remaining = index;
                for piece in &element.text_pieces {
                    let count = piece.raw.matches("${").count();
                    if remaining < count {
                        if let Some(location) = locate_nth(&piece.location, &piece.raw, remaining) {
                            return location;
                        }
                    }
                    remaining = remaining.saturating_sub(count);
                }
                element.text_location().clone()
            }
        }
    }
}

fn locate_nth(start: &Location, raw: &str, index: usize) -> Option<Location> {
    let (offset, _) = raw.match_indices("${").nth(index)?;
    Some(advance(start.clone(), &raw[..offset]))
}

/// Turns expansion problems into diagnostics, reporting each variable cycle
/// once per load.
#[derive(Debug, Default)]
pub struct ProblemReporter {
    reported_cycles: BTreeSet<Vec<String>>,
    reported_too_large: BTreeSet<String>,
}

impl ProblemReporter {
    /// Adds a diagnostic for each problem of one value.
    pub fn report(
        &mut self,
        problems: &[ExpansionProblem],
        origin: ValueOrigin<'_>,
        element: Option<&str>,
        attribute: Option<&str>,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        for problem in problems {
            let Some(diagnostic) = self.diagnostic(problem) else {
                continue;
            };
            let mut diagnostic = diagnostic.at(origin.reference_location(problem.reference()));
            diagnostic.element = element.map(str::to_string);
            diagnostic.attribute = attribute.map(str::to_string);
            diagnostics.push(diagnostic);
        }
    }

    fn diagnostic(&mut self, problem: &ExpansionProblem) -> Option<Diagnostic> {
        let diagnostic = match problem {
            ExpansionProblem::Undefined { name, via, .. } => {
                let inside = match via.last() {
                    Some(outer) => format!(" (in the value of variable {outer})"),
                    None => String::new(),
                };
                let message = format!(
                    "Variable ${{{name}}}{inside} is not defined, so the value keeps the text \
                     ${{{name}}}; define it with <variable name=\"{name}\" value=\"...\"/>, \
                     --var {name}=..., bootstrap.properties or an environment variable."
                );
                Diagnostic::new(&catalog::UNDEFINED_VARIABLE, message)
            }
            ExpansionProblem::Cycle { chain, .. } => {
                let mut canonical = chain[..chain.len().saturating_sub(1)].to_vec();
                canonical.sort();
                if !self.reported_cycles.insert(canonical) {
                    return None;
                }
                let message = format!(
                    "Variables refer to each other in a cycle: {}. The reference stays as \
                     literal text: change one of these definitions.",
                    chain.join(" -> ")
                );
                Diagnostic::new(&catalog::VARIABLE_CYCLE, message)
            }
            ExpansionProblem::TooDeep { chain, .. } => {
                let message = format!(
                    "Variables are nested more than {MAX_EXPANSION_DEPTH} levels deep ({}). The \
                     reference stays as literal text: define the value more directly.",
                    chain.join(" -> ")
                );
                Diagnostic::new(&catalog::VARIABLE_TOO_DEEP, message)
            }
            ExpansionProblem::Arithmetic {
                expression, reason, ..
            } => {
                let message = format!(
                    "The expression ${{{expression}}} cannot be computed: {reason}; the reference \
                     stays as literal text."
                );
                Diagnostic::new(&catalog::VARIABLE_ARITHMETIC_FAILED, message)
            }
            ExpansionProblem::TooLarge { name, max, .. } => {
                if !self.reported_too_large.insert(name.clone()) {
                    return None;
                }
                let message = format!(
                    "Variable ${{{name}}} expands to more than {max} bytes (the file size limit), \
                     so the reference stays as literal text: its value refers to other variables \
                     too many times over; write the value more directly."
                );
                Diagnostic::new(&catalog::LIMIT_EXCEEDED, message)
            }
        };
        Some(diagnostic)
    }
}

/// Records a `<variable>` element in `variables`, or reports why it defines
/// nothing: no name, or neither `value` nor `defaultValue`. Values are stored
/// unexpanded; references in them are expanded where the variable is used.
pub fn define_from_element(
    element: &RawElement,
    variables: &mut Variables,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let file = element.location.file.display();
    let line = element.location.line;

    let Some(name) = element
        .attribute("name")
        .filter(|name| !name.value.is_empty())
    else {
        let message = format!(
            "The <variable> element at {file} line {line} has no name attribute; add \
             name=\"...\" or remove the element."
        );
        diagnostics.push(
            Diagnostic::new(&catalog::VARIABLE_NAME_MISSING, message).at(element.location.clone()),
        );
        return;
    };

    let value = element.attribute("value");
    let default = element.attribute("defaultValue");
    if value.is_none() && default.is_none() {
        let message = format!(
            "The <variable> element for \"{}\" at {file} line {line} has neither a value nor a \
             defaultValue attribute; add one of them.",
            name.value
        );
        let diagnostic = Diagnostic::new(&catalog::VARIABLE_VALUE_MISSING, message)
            .at(element.location.clone())
            .element(format!("variable[{}]", name.value));
        diagnostics.push(diagnostic);
        return;
    }

    if let Some(value) = value {
        variables.define(
            &name.value,
            &value.value,
            Some(value.value_location.clone()),
        );
    }
    if let Some(default) = default {
        variables.define_default(
            &name.value,
            &default.value,
            Some(default.value_location.clone()),
        );
    }
}
