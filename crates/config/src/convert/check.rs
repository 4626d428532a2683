//! The schema checks every used element goes through: unknown and
//! recognised names, value conversion with defaults, and required attributes.

use std::path::Path;

use super::checked::{Checked, CheckedAttribute, Origin};
use super::names;
use super::passwords::UndecodablePassword;
use crate::diagnostics::{catalog, Diagnostic, MessageDef};
use crate::schema::{AttributeSchema, ElementKind, ElementSchema, Required, TimeUnit, ValueType};
use crate::tree::{MergedAttribute, MergedElement};
use crate::values::{self, Value, ValueError};

/// Paths that defaults may name through `${server.config.dir}` and
/// `${server.output.dir}`.
#[derive(Debug, Clone)]
pub(crate) struct DefaultPaths<'a> {
    pub server_dir: &'a Path,
    pub output_dir: &'a Path,
}

impl DefaultPaths<'_> {
    fn expand(&self, raw: &str) -> String {
        raw.replace(
            "${server.config.dir}",
            &self.server_dir.display().to_string(),
        )
        .replace(
            "${server.output.dir}",
            &self.output_dir.display().to_string(),
        )
    }
}

/// Runs the schema checks on an element and its nested elements.
pub(crate) fn check_element(
    schema: &'static ElementSchema,
    source: &MergedElement,
    path: String,
    paths: &DefaultPaths<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Checked {
    let mut checked = Checked {
        schema,
        source: source.clone(),
        path,
        attributes: Vec::new(),
        recognised: Vec::new(),
        children: Vec::new(),
        valid: true,
        used: true,
        undecodable_passwords: Vec::new(),
    };

    for attribute in &source.attributes {
        if attribute.name.eq_ignore_ascii_case("id") || schema.attribute(&attribute.name).is_some()
        {
            continue;
        }
        if names::report_unused_attribute(schema, &checked.path, attribute, diagnostics) {
            checked.recognised.push(attribute.clone());
        }
    }

    for attribute_schema in schema.attributes {
        if attribute_schema.name == "id" {
            continue;
        }
        match source.attribute(attribute_schema.name) {
            Some(written) => {
                convert_written(&mut checked, attribute_schema, written, paths, diagnostics)
            }
            None => apply_default(&mut checked, attribute_schema, paths),
        }
    }

    check_required(&mut checked, diagnostics);
    check_children(&mut checked, paths, diagnostics);
    checked
}

fn convert_written(
    checked: &mut Checked,
    schema: &'static AttributeSchema,
    written: &MergedAttribute,
    paths: &DefaultPaths<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let Some(last) = written.values.last() else {
        return apply_default(checked, schema, paths);
    };
    let origin = Origin::Written(last.location.clone());

    if schema.list {
        let items = written
            .values
            .iter()
            .map(|value| value.text.trim().to_owned())
            .collect();
        checked.attributes.push(CheckedAttribute {
            schema,
            value: Value::NameList(items),
            origin,
        });
        return;
    }

    match values::convert(schema.ty, &last.text) {
        Ok(value) => {
            if let Value::Duration(parsed) = &value {
                if parsed.bare {
                    report_bare_duration(
                        checked,
                        schema,
                        &last.text,
                        last.location.clone(),
                        diagnostics,
                    );
                }
            }
            checked.attributes.push(CheckedAttribute {
                schema,
                value,
                origin,
            });
        }
        Err(error) => {
            report_invalid_value(checked, schema, &error, last.location.clone(), diagnostics);
            apply_default(checked, schema, paths);
        }
    }
}

fn report_bare_duration(
    checked: &Checked,
    schema: &AttributeSchema,
    raw: &str,
    location: crate::diagnostics::Location,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let (unit_name, suffix) = match schema.ty {
        ValueType::Duration(TimeUnit::Seconds) => ("seconds", "s"),
        _ => ("milliseconds", "ms"),
    };
    diagnostics.push(
        Diagnostic::new(
            &catalog::BARE_DURATION,
            format!(
                "`{}=\"{raw}\"` has no unit and is read as {raw} {unit_name}; write `{raw}{suffix}` \
                 or another unit to make it explicit.",
                schema.name
            ),
        )
        .at(location)
        .element(checked.path.clone())
        .attribute(schema.name),
    );
}

/// Reports an invalid value. With a default the default applies (the caller
/// adds it); without one the element is left out. A password zconnect cannot
/// decode leaves the element out and is reported later by
/// [`super::passwords::report_undecodable`].
fn report_invalid_value(
    checked: &mut Checked,
    schema: &AttributeSchema,
    error: &ValueError,
    location: crate::diagnostics::Location,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let name = schema.name;
    if let ValueError::UnsupportedPasswordEncoding { .. } = error {
        checked.valid = false;
        checked.undecodable_passwords.push(UndecodablePassword {
            attribute: name,
            error: error.clone(),
            location,
        });
        return;
    }

    let (def, message): (&'static MessageDef, String) = match (schema.ty, schema.default) {
        (ValueType::IntOptions(_), Some(default)) => (
            &catalog::UNEXPECTED_VALUE,
            format!("Unexpected value for `{name}`: {error}; the default `{default}` is used."),
        ),
        (ValueType::Password { .. }, _) => {
            checked.valid = false;
            (
                &catalog::PASSWORD_ENCODING_UNSUPPORTED,
                format!("Invalid `{name}`: {error}. {} is left out.", checked.path),
            )
        }
        (_, Some(default)) => (
            &catalog::INVALID_VALUE_DEFAULT_USED,
            format!("Invalid value for `{name}`: {error}; the default `{default}` is used."),
        ),
        (_, None) => {
            checked.valid = false;
            (
                &catalog::INVALID_VALUE,
                format!(
                    "Invalid value for `{name}`: {error}. The attribute has no default, so {} is left out.",
                    checked.path
                ),
            )
        }
    };
    diagnostics.push(
        Diagnostic::new(def, message)
            .at(location)
            .element(checked.path.clone())
            .attribute(name),
    );
}

fn apply_default(
    checked: &mut Checked,
    schema: &'static AttributeSchema,
    paths: &DefaultPaths<'_>,
) {
    let Some(raw) = schema.default else {
        return;
    };
    // Defaults are part of the schema and always convert; a table test pins
    // that, so a failure here only drops the default.
    if let Ok(value) = values::convert(schema.ty, &paths.expand(raw)) {
        checked.attributes.push(CheckedAttribute {
            schema,
            value,
            origin: Origin::Default,
        });
    }
}

fn check_required(checked: &mut Checked, diagnostics: &mut Vec<Diagnostic>) {
    let schema = checked.schema;
    for attribute in schema.attributes {
        let condition = match attribute.required {
            Required::No => continue,
            Required::Yes => String::new(),
            Required::When {
                attribute: other,
                equals,
            } => {
                let applies = checked
                    .string(other)
                    .is_some_and(|value| value.eq_ignore_ascii_case(equals));
                if !applies {
                    continue;
                }
                format!(", required when `{other}` is `{equals}`")
            }
        };
        if checked.source.attribute(attribute.name).is_some() {
            continue;
        }

        checked.valid = false;
        diagnostics.push(
            Diagnostic::new(
                missing_message(schema.name, attribute.name),
                format!(
                    "The element {} is missing the attribute `{}`{condition}, so it is left out.",
                    checked.path, attribute.name
                ),
            )
            .at(checked.source.location.clone())
            .element(checked.path.clone())
            .attribute(attribute.name),
        );
    }
}

/// Returns the catalog entry for a missing attribute: z/OS Connect's own message
/// where it has one.
fn missing_message(element: &str, attribute: &str) -> &'static MessageDef {
    match (element, attribute) {
        ("zosconnect_authorizationServer", "tokenEndpoint") => &catalog::TOKEN_ENDPOINT_MISSING,
        ("tokenRequest", "header") | ("tokenResponse", "header") => &catalog::TOKEN_HEADER_MISSING,
        ("tokenRequest", "requestBody") => &catalog::TOKEN_REQUEST_BODY_MISSING,
        ("tokenResponse", "responseFormat") => &catalog::RESPONSE_FORMAT_MISSING,
        ("tokenResponse", "tokenPath") => &catalog::TOKEN_PATH_MISSING,
        _ => &catalog::MISSING_REQUIRED,
    }
}

/// Nested list elements that merge by an attribute instead of by `id`.
fn merge_key(child: &ElementSchema) -> Option<&'static str> {
    match child.name {
        "apiRequester" => Some("name"),
        _ => None,
    }
}

fn check_children(
    checked: &mut Checked,
    paths: &DefaultPaths<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let schema = checked.schema;
    let source = checked.source.clone();

    for child in &source.children {
        if schema.child(&child.name).is_none() {
            names::report_unused_child(schema, &checked.path, child, diagnostics);
        }
    }

    for child_schema in schema.children {
        let occurrences: Vec<&MergedElement> = source
            .children
            .iter()
            .filter(|child| child.name == child_schema.name)
            .collect();

        let written = !occurrences.is_empty();
        let instances = match child_schema.kind {
            ElementKind::Singleton => {
                vec![merge_occurrences(&occurrences, child_schema.name, &source)]
            }
            ElementKind::Factory => match merge_key(child_schema) {
                Some(key) => merge_by_key(&occurrences, key),
                None => occurrences.into_iter().cloned().collect(),
            },
        };

        for instance in instances {
            let path = child_path(&checked.path, &instance);
            let first_new = diagnostics.len();
            let child = check_element(child_schema, &instance, path, paths, diagnostics);
            if !written {
                explain_unwritten(&checked.path, &child.path, &mut diagnostics[first_new..]);
            }
            if !child.valid && child_schema.kind == ElementKind::Singleton {
                checked.valid = false;
            }
            checked.children.push(child);
        }
    }
}

/// Rewrites the missing-attribute errors of a nested singleton that is not
/// written at all, so that they say the element is missing rather than
/// blaming an attribute of an element the user never wrote.
fn explain_unwritten(parent: &str, path: &str, diagnostics: &mut [Diagnostic]) {
    let Some(name) = path.rsplit('/').next() else {
        return;
    };
    for diagnostic in diagnostics {
        let prefix = format!("The element {path} is missing the attribute ");
        let Some(rest) = diagnostic.message.strip_prefix(&prefix) else {
            continue;
        };
        let rest = rest.trim_end_matches(", so it is left out.");
        let (attribute, condition) = match rest.split_once(", required when ") {
            Some((attribute, condition)) => (attribute, format!(" (required when {condition})")),
            None => (rest, String::new()),
        };
        let bare = attribute.trim_matches('`');
        diagnostic.message = format!(
            "The element {parent} has no <{name}> element, so {attribute} is missing{condition} \
             and {path} is left out; add <{name} {bare}=\"...\"/> inside {parent}."
        );
    }
}

fn child_path(parent: &str, child: &MergedElement) -> String {
    match child.value("name") {
        Some(name) => format!("{parent}/{}[{}]", child.name, name.text),
        None => format!("{parent}/{}", child.name),
    }
}

/// Merges every occurrence of a nested singleton into one, and later
/// attributes win. With no occurrence it returns an empty element at the
/// parent's position, so that defaults and required checks still apply.
fn merge_occurrences(
    occurrences: &[&MergedElement],
    name: &str,
    parent: &MergedElement,
) -> MergedElement {
    let mut merged = MergedElement {
        name: name.to_owned(),
        id: None,
        generated_id: false,
        location: occurrences
            .first()
            .map_or_else(|| parent.location.clone(), |first| first.location.clone()),
        attributes: Vec::new(),
        children: Vec::new(),
    };
    for occurrence in occurrences {
        merge_into(&mut merged, occurrence);
    }
    merged
}

/// Merges list children with the same key value, in document order of their
/// first occurrence. Children without the key stay on their own.
fn merge_by_key(occurrences: &[&MergedElement], key: &str) -> Vec<MergedElement> {
    let mut merged: Vec<MergedElement> = Vec::new();
    for occurrence in occurrences {
        let key_value = occurrence.value(key).map(|value| value.text.clone());
        let existing = key_value.as_ref().and_then(|wanted| {
            merged.iter_mut().find(|candidate| {
                candidate
                    .value(key)
                    .is_some_and(|value| &value.text == wanted)
            })
        });
        match existing {
            Some(target) => merge_into(target, occurrence),
            None => merged.push((*occurrence).clone()),
        }
    }
    merged
}

fn merge_into(target: &mut MergedElement, occurrence: &MergedElement) {
    for attribute in &occurrence.attributes {
        match target
            .attributes
            .iter_mut()
            .find(|existing| existing.name.eq_ignore_ascii_case(&attribute.name))
        {
            Some(existing) => *existing = attribute.clone(),
            None => target.attributes.push(attribute.clone()),
        }
    }
    target.children.extend(occurrence.children.iter().cloned());
}
