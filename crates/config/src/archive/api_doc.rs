//! Reads the API document of an archive (Swagger 2.0 or OpenAPI 3, in JSON)
//! for its title, version and base path.

use serde::Serialize;
use serde_json::{Map, Value};
use url::Url;

use super::{ArchiveError, TextPosition};

/// The specification an API document follows, from its `swagger` or
/// `openapi` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ApiDocumentKind {
    Swagger2,
    OpenApi3,
}

/// The parts of an archive's API document that zconnect uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiDocument {
    /// The entry name inside the archive, such as `api-docs/claims.json`.
    pub entry: String,
    /// `docType` of the `apiDoc` element as written, such as `SWAGGER`.
    pub doc_type: Option<String>,
    pub kind: ApiDocumentKind,
    /// `info.title`.
    pub title: Option<String>,
    /// `info.version`.
    pub version: Option<String>,
    /// The path that goes between the connection's `domainBasePath` and the
    /// operation path: empty, or starting with `/` and without a trailing `/`.
    /// Percent-encoding is kept as written.
    pub base_path: String,
}

/// Base URL for resolving a relative server URL. zconnect never connects to it,
/// because it only lets the `url` crate resolve `./v1`, `../v1` and `//host/v1`
/// to a path.
const RESOLVE_BASE: &str = "http://base.invalid/";

/// Parses an API document. `doc_type` is kept for display only; the kind
/// comes from the document itself.
pub(super) fn parse(
    bytes: &[u8],
    archive: &str,
    entry: &str,
    doc_type: Option<String>,
) -> Result<ApiDocument, ArchiveError> {
    let invalid =
        |position: Option<TextPosition>, reason: String| ArchiveError::ApiDocumentInvalid {
            archive: archive.to_owned(),
            entry: entry.to_owned(),
            position,
            reason,
        };

    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let document: Value = serde_json::from_slice(bytes).map_err(|error| {
        let position = TextPosition {
            line: u32::try_from(error.line()).unwrap_or(u32::MAX),
            column: u32::try_from(error.column()).unwrap_or(u32::MAX),
        };
        // serde_json's message ends with "at line L column C", which the
        // position already gives.
        let message = error.to_string();
        let reason = message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(reason, _)| reason)
            .to_owned();
        invalid(Some(position), reason)
    })?;
    let Value::Object(document) = document else {
        return Err(invalid(
            None,
            "the document is not a JSON object".to_owned(),
        ));
    };

    let kind = document_kind(&document).map_err(|reason| invalid(None, reason))?;
    let base_path = match kind {
        ApiDocumentKind::Swagger2 => swagger_base_path(&document),
        ApiDocumentKind::OpenApi3 => openapi_base_path(&document),
    }
    .map_err(|reason| invalid(None, reason))?;

    let info = document.get("info").and_then(Value::as_object);
    let info_text = |key: &str| {
        info.and_then(|info| info.get(key))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };

    Ok(ApiDocument {
        entry: entry.to_owned(),
        doc_type,
        kind,
        title: info_text("title"),
        version: info_text("version"),
        base_path,
    })
}

/// Tells Swagger 2.0 (`"swagger": "2.0"`) from OpenAPI 3 (`"openapi": "3.x.y"`).
fn document_kind(document: &Map<String, Value>) -> Result<ApiDocumentKind, String> {
    if let Some(swagger) = document.get("swagger") {
        return match swagger.as_str() {
            Some("2.0") => Ok(ApiDocumentKind::Swagger2),
            _ => Err(format!("\"swagger\" is {swagger}, expected \"2.0\"")),
        };
    }
    if let Some(openapi) = document.get("openapi") {
        return match openapi.as_str() {
            Some(version) if version.starts_with("3.") => Ok(ApiDocumentKind::OpenApi3),
            _ => Err(format!("\"openapi\" is {openapi}, expected a 3.x version")),
        };
    }
    Err("the document has neither a \"swagger\" nor an \"openapi\" field".to_owned())
}

/// Swagger 2.0: `basePath`, empty when absent.
fn swagger_base_path(document: &Map<String, Value>) -> Result<String, String> {
    match document.get("basePath") {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(base_path)) => Ok(normalize(base_path)),
        Some(other) => Err(format!("\"basePath\" is {other}, expected a string")),
    }
}

/// OpenAPI 3: the path of the first `servers` URL after its variables are
/// replaced by their defaults. Without `servers` the base path is empty, as
/// OpenAPI 3 then assumes the server `/`.
fn openapi_base_path(document: &Map<String, Value>) -> Result<String, String> {
    let first = match document.get("servers") {
        None | Some(Value::Null) => return Ok(String::new()),
        Some(Value::Array(servers)) => match servers.first() {
            None => return Ok(String::new()),
            Some(Value::Object(server)) => server,
            Some(other) => return Err(format!("servers[0] is {other}, expected an object")),
        },
        Some(other) => return Err(format!("\"servers\" is {other}, expected an array")),
    };

    let Some(template) = first.get("url").and_then(Value::as_str) else {
        return Err("servers[0] has no \"url\" string".to_owned());
    };
    let variables = first.get("variables").and_then(Value::as_object);
    let url = substitute_variables(template, variables)?;

    let resolved = Url::parse(RESOLVE_BASE)
        .and_then(|base| base.join(&url))
        .map_err(|error| format!("servers[0].url {url:?} is not a valid URL ({error})"))?;
    Ok(normalize(resolved.path()))
}

/// Replaces each `{name}` in a server URL by `variables.name.default`.
fn substitute_variables(
    template: &str,
    variables: Option<&Map<String, Value>>,
) -> Result<String, String> {
    let mut url = String::new();
    let mut rest = template;

    while let Some(open) = rest.find('{') {
        url.push_str(&rest[..open]);
        let after_open = &rest[open + 1..];
        let Some(close) = after_open.find('}') else {
            return Err(format!(
                "servers[0].url {template:?} has a {{ without a closing }}"
            ));
        };

        let name = &after_open[..close];
        let default = variables
            .and_then(|variables| variables.get(name))
            .and_then(|variable| variable.get("default"))
            .and_then(Value::as_str);
        let Some(default) = default else {
            return Err(format!(
                "servers[0].url {template:?} uses the variable {{{name}}}, which servers[0].variables does not define with a string default"
            ));
        };

        url.push_str(default);
        rest = &after_open[close + 1..];
    }

    url.push_str(rest);
    Ok(url)
}

/// Makes a base path empty or `/`-led without a trailing `/`, so that it joins
/// with an operation path by plain concatenation. A path written without a
/// leading `/` is taken as relative to the root.
fn normalize(path: &str) -> String {
    let trimmed = path.trim().trim_end_matches('/');
    if trimmed.is_empty() {
        String::new()
    } else if trimmed.starts_with('/') {
        trimmed.to_owned()
    } else {
        format!("/{trimmed}")
    }
}
