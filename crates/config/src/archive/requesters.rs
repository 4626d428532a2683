//! The API requesters of a server: archives combined with the `apiRequester`
//! and `webApplication` requesters of server.xml.

use std::path::PathBuf;

use serde::Serialize;

use super::{Archive, Operation};
use crate::diagnostics::{catalog, Location};
use crate::model::{
    ApiRequester, IdAssertion, RequesterDefaults, RequesterSource, RequesterStatus,
};
use crate::{Config, Diagnostic};

/// The settings of one requester, every inherited value already resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RequesterSettings {
    pub require_auth: bool,
    pub require_secure: bool,
    pub id_assertion: IdAssertion,
    pub admin_groups: Vec<String>,
    pub operations_groups: Vec<String>,
    pub reader_groups: Vec<String>,
    pub invoke_groups: Vec<String>,
    /// Status at start.
    pub status: RequesterStatus,
}

impl RequesterSettings {
    /// Copies the settings of a requester declared in server.xml.
    pub fn of(requester: &ApiRequester) -> Self {
        RequesterSettings {
            require_auth: requester.require_auth,
            require_secure: requester.require_secure,
            id_assertion: requester.id_assertion,
            admin_groups: requester.admin_groups.clone(),
            operations_groups: requester.operations_groups.clone(),
            reader_groups: requester.reader_groups.clone(),
            invoke_groups: requester.invoke_groups.clone(),
            status: requester.status,
        }
    }

    /// Builds the settings of a requester that only an archive declares: the
    /// defaults of `zosconnect_apiRequesters`, status `Started`.
    pub fn from_defaults(defaults: &RequesterDefaults) -> Self {
        RequesterSettings {
            require_auth: defaults.require_auth,
            require_secure: defaults.require_secure,
            id_assertion: defaults.id_assertion,
            admin_groups: defaults.admin_groups.clone(),
            operations_groups: defaults.operations_groups.clone(),
            reader_groups: defaults.reader_groups.clone(),
            invoke_groups: defaults.invoke_groups.clone(),
            status: RequesterStatus::Started,
        }
    }
}

/// The origin of a requester.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum RequesterOrigin {
    /// An `.ara` archive, possibly with an `apiRequester` element of the same
    /// name that overrides its settings.
    #[serde(rename_all = "camelCase")]
    Archive {
        path: PathBuf,
        sha256: String,
        /// Position of the overriding `apiRequester` element, if any.
        overridden_at: Option<Location>,
    },
    /// An `apiRequester` element with no archive.
    ServerXml { location: Location },
    /// A z/OS Connect 3.0 `webApplication` with a `connectionRef` property.
    WebApplication { location: Location },
}

impl RequesterOrigin {
    /// Describes the origin for messages, such as `archive /srv/a.ara`.
    fn describe(&self) -> String {
        match self {
            RequesterOrigin::Archive { path, .. } => format!("archive {}", path.display()),
            RequesterOrigin::ServerXml { location } => {
                format!("apiRequester element at {location}")
            }
            RequesterOrigin::WebApplication { location } => {
                format!("webApplication element at {location}")
            }
        }
    }
}

/// One API requester as the server runs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Requester {
    pub name: String,
    pub version: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    /// The endpoint connection id calls go to; `None` when neither the archive
    /// nor server.xml names an existing one (calls are then answered 503).
    pub connection: Option<String>,
    /// Base path from the archive's API document; empty without an archive.
    pub base_path: String,
    /// The archive's operations; `None` for a requester without an archive,
    /// whose calls are not restricted to declared operations.
    pub operations: Option<Vec<Operation>>,
    pub origin: RequesterOrigin,
    pub settings: RequesterSettings,
}

/// The outcome of matching a call's method and path against a requester's
/// operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OperationMatch<'r> {
    /// The archive declares this operation.
    Operation(&'r Operation),
    /// The requester has no archive, so every method and path may be called.
    Unrestricted,
    /// The archive declares no such operation: the call is answered 404 with
    /// [`catalog::OPERATION_NOT_DEFINED`].
    NotDefined,
}

impl Requester {
    /// Finds the operation a call addresses; see
    /// [`super::match_operation`] for the matching rules.
    pub fn match_operation(&self, method: &str, path: &str) -> OperationMatch<'_> {
        let Some(operations) = &self.operations else {
            return OperationMatch::Unrestricted;
        };
        match super::match_operation(operations, method, path) {
            Some(operation) => OperationMatch::Operation(operation),
            None => OperationMatch::NotDefined,
        }
    }

    /// Formats the message for a call that matches no operation of the archive.
    pub fn operation_not_defined_message(&self, method: &str, path: &str) -> String {
        format!(
            "{method} {path} is not defined in API requester {}; call one of the operations its archive declares.",
            self.name
        )
    }
}

/// Every requester of a server, ordered by name, with the problems found
/// while combining them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RequesterSet {
    pub requesters: Vec<Requester>,
    #[serde(skip)]
    pub diagnostics: Vec<Diagnostic>,
}

impl RequesterSet {
    /// Finds the requester with this exact name.
    pub fn get(&self, name: &str) -> Option<&Requester> {
        self.requesters
            .binary_search_by(|requester| requester.name.as_str().cmp(name))
            .ok()
            .and_then(|index| self.requesters.get(index))
    }
}

/// Combines archives with the requesters declared in server.xml.
///
/// - An `apiRequester` element with an archive's name overrides the archive's
///   settings (requireAuth, idAssertion, groups, status...) and, when it has
///   one, its `connectionRef`. The model has already resolved the element's
///   inherited values, so its settings replace the archive's as a whole.
/// - An archive without such an element gets the defaults of
///   `zosconnect_apiRequesters` ([`crate::model::ApiRequesters::defaults`]).
/// - Two requesters of different origins with one name are an error naming
///   both: an archive loses to a `webApplication`, and between server.xml
///   requesters the later one is left out.
/// - A requester with no connection is listed with a warning. An archive's
///   `connectionRef` that names no endpoint connection is an error, and the
///   requester is then listed without a connection.
pub fn merge_requesters(archives: &[Archive], config: &Config) -> RequesterSet {
    let archive_defaults = RequesterSettings::from_defaults(&config.api_requesters.defaults);
    let mut diagnostics = Vec::new();
    let declared = declared_requesters(config, &mut diagnostics);

    let mut requesters: Vec<Requester> = Vec::new();
    let mut overridden = vec![false; declared.len()];

    for archive in archives {
        let same_name = declared
            .iter()
            .position(|requester| requester.name == archive.name);
        let requester = match same_name {
            Some(index) if declared[index].source == RequesterSource::WebApplication => {
                diagnostics.push(Diagnostic::new(
                    &catalog::REQUESTER_NAME_CONFLICT,
                    format!(
                        "API requester archive {} is rejected because the webApplication element at {} declares a requester with the same name {:?}; remove one of the two or rename one.",
                        archive.path.display(),
                        declared[index].location,
                        archive.name
                    ),
                ));
                continue;
            }
            Some(index) => {
                overridden[index] = true;
                let declared = Some(declared[index]);
                from_archive(
                    archive,
                    declared,
                    &archive_defaults,
                    config,
                    &mut diagnostics,
                )
            }
            None => from_archive(archive, None, &archive_defaults, config, &mut diagnostics),
        };
        requesters.push(requester);
    }

    for (requester, _) in declared
        .iter()
        .zip(&overridden)
        .filter(|(_, &overridden)| !overridden)
    {
        requesters.push(from_server_xml(requester));
    }

    for requester in &requesters {
        warn_without_connection(requester, &mut diagnostics);
    }

    requesters.sort_by(|a, b| a.name.cmp(&b.name));
    RequesterSet {
        requesters,
        diagnostics,
    }
}

/// Lists the server.xml requesters with unique names. A later one with the
/// name of an earlier one is left out with an error naming both.
fn declared_requesters<'c>(
    config: &'c Config,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<&'c ApiRequester> {
    let mut unique: Vec<&ApiRequester> = Vec::new();
    for requester in &config.api_requesters.requesters {
        match unique.iter().find(|earlier| earlier.name == requester.name) {
            Some(earlier) => diagnostics.push(
                Diagnostic::new(
                    &catalog::REQUESTER_NAME_CONFLICT,
                    format!(
                        "The {} declaring API requester {:?} is left out because the {} declares the same name; remove one of the two or rename one.",
                        origin_of(requester).describe(),
                        requester.name,
                        origin_of(earlier).describe()
                    ),
                )
                .at(requester.location.clone()),
            ),
            None => unique.push(requester),
        }
    }
    unique
}

fn from_archive(
    archive: &Archive,
    declared: Option<&ApiRequester>,
    archive_defaults: &RequesterSettings,
    config: &Config,
    diagnostics: &mut Vec<Diagnostic>,
) -> Requester {
    let connection = match declared.and_then(|requester| requester.connection.clone()) {
        Some(connection) => Some(connection),
        None => archive_connection(archive, config, diagnostics),
    };
    let settings = declared.map_or_else(|| archive_defaults.clone(), RequesterSettings::of);

    Requester {
        name: archive.name.clone(),
        version: archive.version.clone(),
        title: archive.title.clone(),
        description: archive.description.clone(),
        connection,
        base_path: archive.base_path().to_owned(),
        operations: Some(archive.operations.clone()),
        origin: RequesterOrigin::Archive {
            path: archive.path.clone(),
            sha256: archive.sha256.clone(),
            overridden_at: declared.map(|requester| requester.location.clone()),
        },
        settings,
    }
}

fn from_server_xml(requester: &ApiRequester) -> Requester {
    Requester {
        name: requester.name.clone(),
        version: None,
        title: None,
        description: None,
        connection: requester.connection.clone(),
        base_path: String::new(),
        operations: None,
        origin: origin_of(requester),
        settings: RequesterSettings::of(requester),
    }
}

fn origin_of(requester: &ApiRequester) -> RequesterOrigin {
    match requester.source {
        RequesterSource::ServerXml => RequesterOrigin::ServerXml {
            location: requester.location.clone(),
        },
        RequesterSource::WebApplication => RequesterOrigin::WebApplication {
            location: requester.location.clone(),
        },
    }
}

/// Returns an archive's `connectionRef` when it names an endpoint connection,
/// else reports it. A connection named in server.xml was already checked by
/// the loader, so only the archive's is looked up here.
fn archive_connection(
    archive: &Archive,
    config: &Config,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<String> {
    let connection = archive.connection_ref.as_ref()?;
    if config.endpoint_connections.contains_key(connection) {
        return Some(connection.clone());
    }

    diagnostics.push(Diagnostic::new(
        &catalog::REQUESTER_CONNECTION_UNKNOWN,
        format!(
            "API requester archive {} has connectionRef {connection:?}, but no zosconnect_endpointConnection has that id, so calls to requester {:?} are answered 503; define the connection or set connectionRef on an apiRequester element of that name.",
            archive.path.display(),
            archive.name
        ),
    ));
    None
}

/// Reports a requester that has no connection: it is listed, and its calls
/// are answered 503.
fn warn_without_connection(requester: &Requester, diagnostics: &mut Vec<Diagnostic>) {
    if requester.connection.is_some() {
        return;
    }
    diagnostics.push(
        Diagnostic::new(
            &catalog::REQUESTER_CONNECTION_MISSING,
            format!(
                "API requester {:?} ({}) has no endpoint connection, so calls to it are answered 503; set connectionRef on its apiRequester element or rebuild its archive with a connectionRef.",
                requester.name,
                requester.origin.describe()
            ),
        )
        .at_opt(declared_location(&requester.origin)),
    );
}

fn declared_location(origin: &RequesterOrigin) -> Option<Location> {
    match origin {
        RequesterOrigin::Archive { overridden_at, .. } => overridden_at.clone(),
        RequesterOrigin::ServerXml { location } | RequesterOrigin::WebApplication { location } => {
            Some(location.clone())
        }
    }
}
