//! Elements after the schema checks: every attribute converted or defaulted,
//! with where each value came from, and whether the element is still valid.

use std::time::Duration;

use super::passwords::UndecodablePassword;
use crate::diagnostics::Location;
use crate::schema::{AttributeSchema, ElementKind, ElementSchema};
use crate::tree::{MergedAttribute, MergedElement};
use crate::values::{PasswordValue, Value};

/// Source of an attribute value: written in a file, or the schema default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Origin {
    Written(Location),
    Default,
}

/// One attribute of a checked element that has a value.
#[derive(Debug, Clone)]
pub(crate) struct CheckedAttribute {
    pub schema: &'static AttributeSchema,
    pub value: Value,
    pub origin: Origin,
}

/// An element of a kind zconnect uses, after the schema checks.
#[derive(Debug, Clone)]
pub(crate) struct Checked {
    pub schema: &'static ElementSchema,
    pub source: MergedElement,
    /// Path used in diagnostics, such as `zosconnect_authToken[t1]/tokenRequest`.
    pub path: String,
    /// Attributes with a value, written or default, in schema order.
    pub attributes: Vec<CheckedAttribute>,
    /// Written attributes on the recognised-but-unused list, for the
    /// effective view.
    pub recognised: Vec<MergedAttribute>,
    pub children: Vec<Checked>,
    /// False once any problem leaves the element out.
    pub valid: bool,
    /// False for a valid element that zconnect reads but does not apply, such
    /// as an `httpEndpoint` other than `defaultHttpEndpoint`.
    pub used: bool,
    /// Passwords in `{aes}` or a disallowed `{hash}`, reported once it is
    /// known whether the element is in use; they already make it invalid.
    pub undecodable_passwords: Vec<UndecodablePassword>,
}

impl Checked {
    pub fn kind(&self) -> &'static str {
        self.schema.name
    }

    /// The id, written or generated; empty for an id-less singleton.
    pub fn id(&self) -> String {
        self.source.id.clone().unwrap_or_default()
    }

    pub fn attribute(&self, name: &str) -> Option<&CheckedAttribute> {
        self.attributes
            .iter()
            .find(|attribute| attribute.schema.name.eq_ignore_ascii_case(name))
    }

    pub fn value(&self, name: &str) -> Option<&Value> {
        self.attribute(name).map(|attribute| &attribute.value)
    }

    /// Whether the attribute was written, as opposed to defaulted or absent.
    pub fn is_written(&self, name: &str) -> bool {
        self.attribute(name)
            .is_some_and(|attribute| matches!(attribute.origin, Origin::Written(_)))
    }

    /// Where the attribute's value was written, else where the element starts.
    pub fn location_of(&self, name: &str) -> Location {
        match self.attribute(name).map(|attribute| &attribute.origin) {
            Some(Origin::Written(location)) => location.clone(),
            _ => self.source.location.clone(),
        }
    }

    pub fn string(&self, name: &str) -> Option<String> {
        match self.value(name)? {
            Value::String(text)
            | Value::Url(text)
            | Value::Reference(text)
            | Value::JsonPath(text) => Some(text.clone()),
            Value::Enum(option) => Some((*option).to_owned()),
            _ => None,
        }
    }

    pub fn boolean(&self, name: &str) -> Option<bool> {
        match self.value(name)? {
            Value::Boolean(flag) => Some(*flag),
            _ => None,
        }
    }

    pub fn int(&self, name: &str) -> Option<i64> {
        match self.value(name)? {
            Value::Int(number) => Some(*number),
            _ => None,
        }
    }

    pub fn duration(&self, name: &str) -> Option<Duration> {
        match self.value(name)? {
            Value::Duration(parsed) => Some(parsed.value),
            _ => None,
        }
    }

    pub fn option(&self, name: &str) -> Option<&'static str> {
        match self.value(name)? {
            Value::Enum(option) => Some(option),
            _ => None,
        }
    }

    pub fn reference(&self, name: &str) -> Option<String> {
        match self.value(name)? {
            Value::Reference(id) => Some(id.clone()),
            _ => None,
        }
    }

    /// A list attribute's items; empty when absent.
    pub fn names(&self, name: &str) -> Vec<String> {
        match self.value(name) {
            Some(Value::NameList(items)) | Some(Value::ReferenceList(items)) => items.clone(),
            _ => Vec::new(),
        }
    }

    pub fn password(&self, name: &str) -> Option<PasswordValue> {
        match self.value(name)? {
            Value::Password(password) => Some(password.clone()),
            _ => None,
        }
    }

    /// Valid children of a nested kind.
    pub fn children_named<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Checked> + 's {
        self.children
            .iter()
            .filter(move |child| child.schema.name == name && child.valid)
    }

    /// The nested singleton of a kind, which the checks always create.
    pub fn child(&self, name: &str) -> Option<&Checked> {
        self.children.iter().find(|child| child.schema.name == name)
    }

    pub fn is_list_child(&self) -> bool {
        self.schema.kind == ElementKind::Factory
    }
}

/// Addresses an element among the checked top-level elements: the index of
/// the top-level element, then child indexes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct ElementRef {
    pub top: usize,
    pub children: Vec<usize>,
}

impl ElementRef {
    pub fn top(index: usize) -> Self {
        ElementRef {
            top: index,
            children: Vec::new(),
        }
    }

    pub fn child(&self, index: usize) -> Self {
        let mut children = self.children.clone();
        children.push(index);
        ElementRef {
            top: self.top,
            children,
        }
    }
}

/// Finds an element by its address.
pub(crate) fn get<'a>(elements: &'a [Checked], address: &ElementRef) -> Option<&'a Checked> {
    let mut element = elements.get(address.top)?;
    for index in &address.children {
        element = element.children.get(*index)?;
    }
    Some(element)
}

/// Finds an element by its address, for marking it invalid.
pub(crate) fn get_mut<'a>(
    elements: &'a mut [Checked],
    address: &ElementRef,
) -> Option<&'a mut Checked> {
    let mut element = elements.get_mut(address.top)?;
    for index in &address.children {
        element = element.children.get_mut(*index)?;
    }
    Some(element)
}

/// Marks an element invalid. A nested singleton cannot be left out on its
/// own, so its parent goes too; a list child is left out alone.
pub(crate) fn invalidate(elements: &mut [Checked], address: &ElementRef) {
    let mut address = address.clone();
    loop {
        let Some(element) = get_mut(elements, &address) else {
            return;
        };
        element.valid = false;
        if address.children.is_empty() || element.is_list_child() {
            return;
        }
        address.children.pop();
    }
}
