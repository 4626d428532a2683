//! The merged element tree: every configuration element after includes,
//! variables and merging, with the position of every value, before the schema
//! converts it to the typed model.
//!
//! `Debug` of these types never shows a value that may be a password: an
//! attribute declared as a password, or any attribute whose name suggests a
//! secret ([`schema::may_be_secret`]), prints `****`. Every other value is
//! shown, so the tree stays useful to debug. A [`RawValue`] printed on its own
//! does not know its attribute, so it always prints `****`.

use std::fmt;

use crate::diagnostics::Location;
use crate::schema;
use crate::secret::MaybeSecretText;

/// One attribute value after variable expansion. `Debug` masks the text.
#[derive(Clone, PartialEq, Eq)]
pub struct RawValue {
    pub text: String,
    /// Where the value was written (the attribute value, or the text child).
    pub location: Location,
}

/// An attribute after merging. Attribute names compare case-insensitively;
/// `name` keeps the spelling of the occurrence that won. `Debug` masks the
/// values when the name suggests a secret.
#[derive(Clone, PartialEq, Eq)]
pub struct MergedAttribute {
    pub name: String,
    /// One value for a single-valued attribute (the winner); every value in
    /// document order for a list attribute or text children.
    pub values: Vec<RawValue>,
}

/// A configuration element after merging, top-level or nested. `Debug`
/// masks the values of password attributes.
#[derive(Clone, PartialEq, Eq)]
pub struct MergedElement {
    pub name: String,
    /// The written id, or `default-N` for an id-less factory occurrence. A
    /// singleton has no id unless one was written.
    pub id: Option<String>,
    /// True when `id` was generated (`default-N`).
    pub generated_id: bool,
    /// Position of the first occurrence's start tag.
    pub location: Location,
    pub attributes: Vec<MergedAttribute>,
    /// Nested elements in document order (text-valued children are attributes).
    pub children: Vec<MergedElement>,
}

impl MergedElement {
    /// Finds an attribute by name, ignoring case.
    pub fn attribute(&self, name: &str) -> Option<&MergedAttribute> {
        self.attributes
            .iter()
            .find(|attribute| attribute.name.eq_ignore_ascii_case(name))
    }

    /// The single value of an attribute, if written.
    pub fn value(&self, name: &str) -> Option<&RawValue> {
        self.attribute(name).and_then(|a| a.values.last())
    }

    /// The element path used in diagnostics: `kind[id]` or `kind`.
    pub fn path(&self) -> String {
        match &self.id {
            Some(id) => format!("{}[{}]", self.name, id),
            None => self.name.clone(),
        }
    }
}

/// Every configuration element of a load, top-level, in document order of
/// first occurrence.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergedDocument {
    pub elements: Vec<MergedElement>,
}

/// A value in Debug output, with its text shown only when not `secret`.
struct ValueDebug<'a> {
    value: &'a RawValue,
    secret: bool,
}

impl fmt::Debug for ValueDebug<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = MaybeSecretText {
            text: &self.value.text,
            secret: self.secret,
        };
        f.debug_struct("RawValue")
            .field("text", &text)
            .field("location", &self.value.location)
            .finish()
    }
}

impl fmt::Debug for RawValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        ValueDebug {
            value: self,
            secret: true,
        }
        .fmt(f)
    }
}

/// An attribute in Debug output; `path` names the element and its ancestors
/// from the top level down, for judging whether the attribute is a password.
struct AttributeDebug<'a> {
    attribute: &'a MergedAttribute,
    path: &'a [&'a str],
}

impl fmt::Debug for AttributeDebug<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secret = schema::may_be_secret(self.path, &self.attribute.name);
        let values: Vec<ValueDebug<'_>> = self
            .attribute
            .values
            .iter()
            .map(|value| ValueDebug { value, secret })
            .collect();
        f.debug_struct("MergedAttribute")
            .field("name", &self.attribute.name)
            .field("values", &values)
            .finish()
    }
}

impl fmt::Debug for MergedAttribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        AttributeDebug {
            attribute: self,
            path: &[],
        }
        .fmt(f)
    }
}

/// An element in Debug output; `parents` names its ancestors.
struct ElementDebug<'a> {
    element: &'a MergedElement,
    parents: &'a [&'a str],
}

impl fmt::Debug for ElementDebug<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut path = self.parents.to_vec();
        path.push(self.element.name.as_str());
        let attributes: Vec<AttributeDebug<'_>> = self
            .element
            .attributes
            .iter()
            .map(|attribute| AttributeDebug {
                attribute,
                path: &path,
            })
            .collect();
        let children: Vec<ElementDebug<'_>> = self
            .element
            .children
            .iter()
            .map(|element| ElementDebug {
                element,
                parents: &path,
            })
            .collect();
        f.debug_struct("MergedElement")
            .field("name", &self.element.name)
            .field("id", &self.element.id)
            .field("generated_id", &self.element.generated_id)
            .field("location", &self.element.location)
            .field("attributes", &attributes)
            .field("children", &children)
            .finish()
    }
}

impl fmt::Debug for MergedElement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        ElementDebug {
            element: self,
            parents: &[],
        }
        .fmt(f)
    }
}
