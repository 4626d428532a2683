//! API requesters declared in server.xml: `apiRequester` entries, which
//! inherit from `zosconnect_apiRequesters` and `zosconnect_zosConnectManager`,
//! and z/OS Connect 3.0 `webApplication` requesters.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::build::{id_assertion, update_trigger};
use super::checked::{Checked, ElementRef};
use super::references::{Edge, Index};
use crate::diagnostics::{catalog, Diagnostic, Location};
use crate::model::{
    ApiRequester, ApiRequesters, IdAssertion, RequesterDefaults, RequesterSource, RequesterStatus,
    ZosConnectManager,
};
use crate::tree::MergedElement;

/// The archive folder under the server directory when no
/// `zosconnect_apiRequesters` element is written, as the schema default.
const DEFAULT_LOCATION: &str = "resources/zosconnect/apiRequesters";

/// The archive polling rate when no `zosconnect_apiRequesters` element is
/// written, as the schema default.
const DEFAULT_POLLING_RATE: std::time::Duration = std::time::Duration::from_secs(5);

/// Returns the `connectionRef` application property of a `webApplication`
/// and where its value was written; the last one wins.
pub(crate) fn connection_property(element: &MergedElement) -> Option<(String, Location)> {
    element
        .children
        .iter()
        .filter(|child| child.name == "appProperties")
        .flat_map(|properties| properties.children.iter())
        .filter(|property| property.name == "property")
        .filter(|property| {
            property
                .value("name")
                .is_some_and(|name| name.text.trim() == "connectionRef")
        })
        .filter_map(|property| property.value("value"))
        .next_back()
        .map(|value| (value.text.trim().to_owned(), value.location.clone()))
}

/// Resolves the `connectionRef` property of each requester `webApplication`.
pub(crate) fn web_application_edges(
    elements: &mut [Checked],
    index: &Index,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Edge> {
    let mut edges = Vec::new();
    for (position, element) in elements.iter_mut().enumerate() {
        if element.kind() != "webApplication" {
            continue;
        }
        let Some((id, location)) = connection_property(&element.source) else {
            continue;
        };
        match index.find(&id, &["zosconnect_endpointConnection"]) {
            Some(to) => edges.push(Edge {
                from: ElementRef::top(position),
                to,
                attribute: "connectionRef".to_owned(),
                location,
            }),
            None => {
                element.valid = false;
                diagnostics.push(
                    Diagnostic::new(
                        &catalog::UNRESOLVED_REFERENCE,
                        format!(
                            "The `connectionRef` property names `{id}`, but no zosconnect_endpointConnection \
                             has that id, so {} is left out. Define the endpoint connection or correct the id.",
                            element.path
                        ),
                    )
                    .at(location)
                    .element(element.path.clone())
                    .attribute("connectionRef"),
                );
            }
        }
    }
    edges
}

fn groups_or(element: &Checked, name: &str, inherited: &[String]) -> Vec<String> {
    if element.is_written(name) {
        element.names(name)
    } else {
        inherited.to_vec()
    }
}

/// Returns the settings of `element`: each attribute it writes, else the one of `parent`.
fn inherit(element: &Checked, parent: &RequesterDefaults) -> RequesterDefaults {
    RequesterDefaults {
        require_auth: element
            .boolean("requireAuth")
            .unwrap_or(parent.require_auth),
        require_secure: element
            .boolean("requireSecure")
            .unwrap_or(parent.require_secure),
        id_assertion: if element.is_written("idAssertion") {
            id_assertion(element.option("idAssertion"))
        } else {
            parent.id_assertion
        },
        admin_groups: groups_or(element, "adminGroup", &parent.admin_groups),
        operations_groups: groups_or(element, "operationsGroup", &parent.operations_groups),
        reader_groups: groups_or(element, "readerGroup", &parent.reader_groups),
        invoke_groups: groups_or(element, "invokeGroup", &parent.invoke_groups),
    }
}

/// Result of the requesters stage, with the flags the security warnings need.
pub(crate) struct RequesterSummary {
    pub requesters: ApiRequesters,
    /// Whether authenticated callers are required anywhere: by the level
    /// archives inherit, or by a declared requester.
    pub auth_required: bool,
    pub secure_required: bool,
}

/// Builds the requesters and leaves out a `webApplication` requester whose
/// name is already taken.
pub(crate) fn build(
    elements: &mut [Checked],
    manager: &ZosConnectManager,
    features: &[String],
    server_dir: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> RequesterSummary {
    let manager_level = RequesterDefaults::from_manager(manager);
    let has_manager = elements
        .iter()
        .any(|element| element.kind() == "zosconnect_zosConnectManager");

    let container = elements
        .iter()
        .find(|element| element.kind() == "zosconnect_apiRequesters" && element.valid);
    // Without the element, the folder and polling rate are the spec defaults.
    let mut result = ApiRequesters {
        location: server_dir.join(DEFAULT_LOCATION),
        polling_rate: DEFAULT_POLLING_RATE,
        defaults: manager_level.clone(),
        ..ApiRequesters::default()
    };
    let mut auth_required = has_manager && manager.require_auth;
    let mut secure_required = has_manager && manager.require_secure;

    if let Some(container) = container {
        let level = inherit(container, &manager_level);
        auth_required |= level.require_auth;
        secure_required |= level.require_secure;
        result.defaults = level.clone();

        // The archive scan reports a missing or unreadable folder.
        let location = PathBuf::from(container.string("location").unwrap_or_default());
        result.location = server_dir.join(location);
        result.update_trigger = update_trigger(container.option("updateTrigger"));
        result.polling_rate = container.duration("pollingRate").unwrap_or_default();

        for entry in container.children_named("apiRequester") {
            let settings = inherit(entry, &level);
            auth_required |= settings.require_auth;
            secure_required |= settings.require_secure;
            result.requesters.push(ApiRequester {
                name: entry.string("name").unwrap_or_default(),
                connection: entry.reference("connectionRef"),
                require_auth: settings.require_auth,
                require_secure: settings.require_secure,
                id_assertion: settings.id_assertion,
                admin_groups: settings.admin_groups,
                operations_groups: settings.operations_groups,
                reader_groups: settings.reader_groups,
                invoke_groups: settings.invoke_groups,
                status: match entry.option("status") {
                    Some("stopped") => RequesterStatus::Stopped,
                    _ => RequesterStatus::Started,
                },
                source: RequesterSource::ServerXml,
                location: entry.source.location.clone(),
            });
        }
    }

    // In z/OS Connect 3.0 the WAR's security constraint applies only when an
    // appSecurity feature is listed.
    let app_security = features.iter().any(|feature| {
        feature
            .trim()
            .to_ascii_lowercase()
            .starts_with("appsecurity-")
    });
    let mut taken: BTreeMap<String, String> = result
        .requesters
        .iter()
        .map(|requester| {
            (
                requester.name.clone(),
                format!("apiRequester at {}", requester.location),
            )
        })
        .collect();

    for element in elements
        .iter_mut()
        .filter(|element| element.kind() == "webApplication")
    {
        if !element.valid {
            continue;
        }
        let Some((connection, _)) = connection_property(&element.source) else {
            continue;
        };
        let name = requester_name(element);
        let origin = format!("{} at {}", element.path, element.source.location);
        if let Some(previous) = taken.get(&name) {
            element.valid = false;
            diagnostics.push(
                Diagnostic::new(
                    &catalog::REQUESTER_NAME_CONFLICT,
                    format!(
                        "The API requester name `{name}` is declared twice: by {previous} and by {origin}. \
                         {} is left out; rename one of them.",
                        element.path
                    ),
                )
                .at(element.source.location.clone())
                .element(element.path.clone()),
            );
            continue;
        }
        taken.insert(name.clone(), origin);
        auth_required |= app_security;
        result.requesters.push(ApiRequester {
            name,
            connection: Some(connection),
            require_auth: app_security,
            require_secure: false,
            id_assertion: IdAssertion::Off,
            admin_groups: Vec::new(),
            operations_groups: Vec::new(),
            reader_groups: Vec::new(),
            invoke_groups: Vec::new(),
            status: RequesterStatus::Started,
            source: RequesterSource::WebApplication,
            location: element.source.location.clone(),
        });
    }

    RequesterSummary {
        requesters: result,
        auth_required,
        secure_required,
    }
}

/// Returns the requester name of a `webApplication`: `name`, else a written `id`,
/// else the file name of `location` without its extension.
fn requester_name(element: &Checked) -> String {
    if let Some(name) = element
        .string("name")
        .filter(|name| !name.trim().is_empty())
    {
        return name.trim().to_owned();
    }
    if let Some(id) = element
        .source
        .id
        .as_ref()
        .filter(|_| !element.source.generated_id)
    {
        return id.clone();
    }
    let location = element.string("location").unwrap_or_default();
    Path::new(&location)
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or(location)
}
