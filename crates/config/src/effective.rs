//! The effective configuration view: every element after merging, with the
//! file and line each value came from and secrets masked.

use std::path::Path;

use serde::Serialize;
use serde_json::{json, Map, Value as Json};

use crate::convert::checked::{Checked, Origin};
use crate::diagnostics::Location;
use crate::schema;
use crate::tree::{MergedAttribute, MergedElement};
use crate::Secret;

/// The `config` object of `zconnect check --format json` and `GET /zosConnect/config`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EffectiveConfig {
    pub elements: Vec<EffectiveElement>,
}

/// One element of the effective configuration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EffectiveElement {
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// False for elements zconnect recognises but does not apply.
    pub used: bool,
    /// Attribute name to `{"value": ..., "default": true}` or
    /// `{"value": ..., "file": ..., "line": ...}`.
    pub attributes: Map<String, Json>,
    pub children: Vec<EffectiveElement>,
}

/// Builds the view of a valid element zconnect uses.
pub(crate) fn from_checked(element: &Checked, server_dir: &Path) -> EffectiveElement {
    let mut attributes = Map::new();
    for attribute in &element.attributes {
        let mut entry = Map::new();
        entry.insert("value".to_owned(), attribute.value.to_json());
        match &attribute.origin {
            Origin::Default => {
                entry.insert("default".to_owned(), json!(true));
            }
            Origin::Written(location) => insert_location(&mut entry, location, server_dir),
        }
        attributes.insert(attribute.schema.name.to_owned(), Json::Object(entry));
    }
    for attribute in &element.recognised {
        attributes.insert(
            attribute.name.clone(),
            unused_attribute(attribute, server_dir),
        );
    }

    EffectiveElement {
        kind: element.kind().to_owned(),
        id: element.source.id.clone(),
        used: element.used,
        attributes,
        children: element
            .children
            .iter()
            .filter(|child| child.valid)
            .map(|child| from_checked(child, server_dir))
            .collect(),
    }
}

/// Builds the view of an element zconnect recognises but does not use; its
/// values are shown as written, with likely secrets masked.
pub(crate) fn from_unused(element: &MergedElement, server_dir: &Path) -> EffectiveElement {
    let mut attributes = Map::new();
    for attribute in &element.attributes {
        if attribute.name.eq_ignore_ascii_case("id") {
            continue;
        }
        attributes.insert(
            attribute.name.clone(),
            unused_attribute(attribute, server_dir),
        );
    }
    EffectiveElement {
        kind: element.name.clone(),
        id: element.id.clone(),
        used: false,
        attributes,
        children: element
            .children
            .iter()
            .map(|child| from_unused(child, server_dir))
            .collect(),
    }
}

fn unused_attribute(attribute: &MergedAttribute, server_dir: &Path) -> Json {
    let mut entry = Map::new();
    let value = if schema::looks_secret(&attribute.name) {
        json!(Secret::MASK)
    } else if attribute.values.len() == 1 {
        json!(attribute
            .values
            .first()
            .map(|value| value.text.as_str())
            .unwrap_or_default())
    } else {
        json!(attribute
            .values
            .iter()
            .map(|value| value.text.as_str())
            .collect::<Vec<_>>())
    };
    entry.insert("value".to_owned(), value);
    if let Some(last) = attribute.values.last() {
        insert_location(&mut entry, &last.location, server_dir);
    }
    entry.insert("used".to_owned(), json!(false));
    Json::Object(entry)
}

fn insert_location(entry: &mut Map<String, Json>, location: &Location, server_dir: &Path) {
    entry.insert(
        "file".to_owned(),
        json!(display_path(&location.file, server_dir)),
    );
    entry.insert("line".to_owned(), json!(location.line));
}

/// Returns a file path relative to the server directory when it is inside it.
pub fn display_path(file: &Path, server_dir: &Path) -> String {
    file.strip_prefix(server_dir)
        .unwrap_or(file)
        .display()
        .to_string()
}
