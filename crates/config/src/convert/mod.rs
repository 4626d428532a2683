//! Converts the merged element tree to the typed [`Config`], driven by the
//! schema, collecting every diagnostic.
//!
//! The stages run in this order. Each element goes through the schema checks
//! (names, values, defaults, required attributes). References are resolved,
//! then the rules of single element kinds run. Elements that depend on
//! invalid ones are left out. Finally the model, the requesters and the
//! effective view are built from what is still valid.

mod build;
mod check;
pub(crate) mod checked;
mod names;
mod passwords;
mod references;
mod requesters;
mod rules;

use std::path::Path;

use checked::Checked;
use references::{Edge, Index};

use crate::diagnostics::{catalog, Diagnostic};
use crate::effective::{self, EffectiveConfig};
use crate::model::{Config, ElementKey};
use crate::schema;
use crate::tree::{MergedDocument, MergedElement};

/// Inputs of a conversion that do not come from the element tree.
#[derive(Debug, Clone, Copy)]
pub struct ConvertContext<'a> {
    /// `${server.config.dir}`; relative locations are resolved against it.
    pub server_dir: &'a Path,
    /// `${server.output.dir}`.
    pub output_dir: &'a Path,
    /// The value of a variable or bootstrap property named `onError`, used
    /// when the `config` element does not set `onError`.
    pub on_error_variable: Option<&'a str>,
}

/// The result of a conversion: the valid configuration, its effective view
/// and every diagnostic, in order of position.
#[derive(Debug, Clone)]
pub struct Converted {
    pub config: Config,
    pub effective: EffectiveConfig,
    pub diagnostics: Vec<Diagnostic>,
}

/// Converts a merged document. Never fails: invalid elements are left out
/// and reported.
pub fn convert(document: &MergedDocument, context: &ConvertContext<'_>) -> Converted {
    let mut diagnostics = Vec::new();
    let paths = check::DefaultPaths {
        server_dir: context.server_dir,
        output_dir: context.output_dir,
    };

    let mut elements: Vec<Checked> = Vec::new();
    let mut unused: Vec<&MergedElement> = Vec::new();
    for element in &document.elements {
        match schema::element(&element.name) {
            Some(_) if is_plain_web_application(element) => {
                report_plain_web_application(element, &mut diagnostics);
                unused.push(element);
            }
            Some(schema) => {
                elements.push(check::check_element(
                    schema,
                    element,
                    element.path(),
                    &paths,
                    &mut diagnostics,
                ));
            }
            None => {
                names::report_unused_element(element, &mut diagnostics);
                if schema::is_recognised(&element.name) {
                    unused.push(element);
                }
            }
        }
    }

    let index = Index::new(&elements);
    let mut edges: Vec<Edge> = references::resolve(&mut elements, &index, &mut diagnostics);
    edges.extend(requesters::web_application_edges(
        &mut elements,
        &index,
        &mut diagnostics,
    ));
    let default_ssl = default_ssl(&elements, &index);

    rules::check_endpoints(&mut elements, &index, &mut diagnostics);
    edges.extend(rules::default_ssl_edges(&elements, default_ssl));
    rules::check_key_stores(
        &mut elements,
        &edges,
        default_ssl,
        context.server_dir,
        &mut diagnostics,
    );
    rules::check_client_key_alias(&elements, &index, &mut diagnostics);
    rules::check_http_endpoints(&mut elements, &mut diagnostics);
    passwords::report_undecodable(&elements, &edges, &mut diagnostics);
    references::propagate(&mut elements, &edges, &mut diagnostics);

    let features = first_valid(&elements, "featureManager")
        .map(|manager| manager.names("feature"))
        .unwrap_or_default();
    rules::check_features(&elements, &features, &mut diagnostics);

    let mut config = build_config(&elements, &index, default_ssl, context, &mut diagnostics);
    config.features = features;

    let summary = requesters::build(
        &mut elements,
        &config.manager,
        &config.features,
        context.server_dir,
        &mut diagnostics,
    );
    config.api_requesters = summary.requesters;
    check_caller_security(
        &elements,
        &config,
        summary.auth_required,
        summary.secure_required,
        &mut diagnostics,
    );

    config.invalid_elements = elements
        .iter()
        .filter(|element| !element.valid)
        .map(|element| ElementKey {
            kind: element.kind().to_owned(),
            id: element.source.id.clone(),
        })
        .collect();

    let effective = effective_view(&document.elements, &elements, &unused, context.server_dir);
    diagnostics.sort_by(|left, right| match (&left.location, &right.location) {
        (Some(left), Some(right)) => left.cmp(right),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });

    Converted {
        config,
        effective,
        diagnostics,
    }
}

/// A `webApplication` without a `connectionRef` application property is an
/// ordinary application, not an API requester.
fn is_plain_web_application(element: &MergedElement) -> bool {
    element.name == "webApplication" && requesters::connection_property(element).is_none()
}

fn report_plain_web_application(element: &MergedElement, diagnostics: &mut Vec<Diagnostic>) {
    diagnostics.push(
        Diagnostic::new(
            &catalog::RECOGNISED_ELEMENT,
            format!(
                "The element {} has no `connectionRef` application property, so it is not an API \
                 requester; it is recognised but not used by zconnect.",
                element.path()
            ),
        )
        .at(element.location.clone())
        .element(element.path()),
    );
}

fn first_valid<'a>(elements: &'a [Checked], kind: &str) -> Option<&'a Checked> {
    elements
        .iter()
        .find(|element| element.kind() == kind && element.valid)
}

fn valid_of<'a>(elements: &'a [Checked], kind: &'a str) -> impl Iterator<Item = &'a Checked> + 'a {
    elements
        .iter()
        .filter(move |element| element.kind() == kind && element.valid)
}

/// Finds the `ssl` that connections without `sslCertsRef` use: `sslDefault`
/// `outboundSSLRef`, else its `sslRef`, else `defaultSSLConfig` when defined.
fn default_ssl(elements: &[Checked], index: &Index) -> Option<usize> {
    if let Some(ssl_default) = first_valid(elements, "sslDefault") {
        for attribute in ["outboundSSLRef", "sslRef"] {
            if let Some(found) = ssl_default
                .reference(attribute)
                .and_then(|id| index.find(&id, &["ssl"]))
            {
                return Some(found);
            }
        }
    }
    index.find("defaultSSLConfig", &["ssl"])
}

fn build_config(
    elements: &[Checked],
    index: &Index,
    default_ssl: Option<usize>,
    context: &ConvertContext<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Config {
    let default_ssl_id = default_ssl
        .and_then(|position| elements.get(position))
        .filter(|ssl| ssl.valid)
        .map(Checked::id);
    let default_http = elements
        .iter()
        .find(|element| element.kind() == "httpEndpoint" && element.valid && element.used);

    let mut config = Config {
        server_dir: context.server_dir.to_path_buf(),
        config: build::config_element(
            first_valid(elements, "config"),
            context.on_error_variable,
            diagnostics,
        ),
        http_endpoint: build::http_endpoint(default_http),
        manager: build::manager(first_valid(elements, "zosconnect_zosConnectManager")),
        default_ssl: default_ssl_id.clone(),
        administrator_role: build::administrator_role(first_valid(elements, "administrator-role")),
        logging: build::logging(first_valid(elements, "logging")),
        ..Config::default()
    };

    for element in valid_of(elements, "zosconnect_endpointConnection") {
        let authentication_kind = element
            .reference("authenticationConfigRef")
            .and_then(|id| index.find(&id, schema::AUTHENTICATION_KINDS))
            .and_then(|position| elements.get(position))
            .map(Checked::kind);
        let endpoint =
            build::endpoint_connection(element, authentication_kind, default_ssl_id.as_deref());
        config
            .endpoint_connections
            .insert(endpoint.id.clone(), endpoint);
    }
    for element in valid_of(elements, "zosconnect_oAuthConfig") {
        let oauth = build::oauth_config(element);
        config.oauth_configs.insert(oauth.id.clone(), oauth);
    }
    for element in valid_of(elements, "zosconnect_authorizationServer") {
        let server = build::authorization_server(element, default_ssl_id.as_deref());
        config
            .authorization_servers
            .insert(server.id.clone(), server);
    }
    for element in valid_of(elements, "zosconnect_authData") {
        let data = build::auth_data(element);
        config.auth_data.insert(data.id.clone(), data);
    }
    for token in valid_of(elements, "zosconnect_authToken").filter_map(build::auth_token) {
        config.auth_tokens.insert(token.id.clone(), token);
    }
    for element in valid_of(elements, "ssl") {
        let ssl = build::ssl_config(element);
        config.ssl.insert(ssl.id.clone(), ssl);
    }
    for element in valid_of(elements, "keyStore") {
        let store = build::key_store(element, context.server_dir);
        config.key_stores.insert(store.id.clone(), store);
    }
    for element in valid_of(elements, "basicRegistry") {
        let registry = build::basic_registry(element);
        config
            .basic_registries
            .insert(registry.id.clone(), registry);
    }
    config
}

/// Warns when callers must authenticate but no registry can check them, and
/// when HTTPS is required but zconnect serves HTTP only.
fn check_caller_security(
    elements: &[Checked],
    config: &Config,
    auth_required: bool,
    secure_required: bool,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let anchor = first_valid(elements, "zosconnect_zosConnectManager")
        .or_else(|| first_valid(elements, "zosconnect_apiRequesters"));
    let location = anchor.map(|element| element.source.location.clone());
    let path = anchor.map_or_else(
        || "zosconnect_zosConnectManager".to_owned(),
        |element| element.path.clone(),
    );

    if auth_required && config.basic_registries.is_empty() {
        diagnostics.push(
            Diagnostic::new(
                &catalog::REQUIRE_AUTH_WITHOUT_REGISTRY,
                "API requesters require authenticated callers (`requireAuth` is true), but no basicRegistry \
                 is configured, so every call will be answered 401. Add a basicRegistry with the callers' \
                 users, or set requireAuth=\"false\" on zosconnect_zosConnectManager.",
            )
            .at_opt(location.clone())
            .element(path.clone())
            .attribute("requireAuth"),
        );
    }
    if secure_required {
        diagnostics.push(
            Diagnostic::new(
                &catalog::REQUIRE_SECURE_NOT_MET,
                "API requesters require HTTPS callers (`requireSecure` is true), but zconnect serves HTTP \
                 only for now, so calls are accepted over HTTP. Set requireSecure=\"false\" on \
                 zosconnect_zosConnectManager to acknowledge this.",
            )
            .at_opt(location)
            .element(path)
            .attribute("requireSecure"),
        );
    }
}

/// Builds the effective view in document order: valid used elements and elements
/// recognised but not used; invalid elements are left out.
fn effective_view(
    document: &[MergedElement],
    elements: &[Checked],
    unused: &[&MergedElement],
    server_dir: &Path,
) -> EffectiveConfig {
    let mut view = EffectiveConfig::default();
    let mut checked = elements.iter();
    let mut pending = checked.next();
    for element in document {
        if unused
            .iter()
            .any(|candidate| std::ptr::eq(*candidate, element))
        {
            view.elements
                .push(effective::from_unused(element, server_dir));
            continue;
        }
        match pending {
            Some(current)
                if current.source.name == element.name && current.source.id == element.id =>
            {
                if current.valid {
                    view.elements
                        .push(effective::from_checked(current, server_dir));
                }
                pending = checked.next();
            }
            _ => {}
        }
    }
    view
}
