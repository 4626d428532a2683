//! The merged element tree: every configuration element after includes,
//! variables and merging, with the position of every value, before the schema
//! converts it to the typed model.

use crate::diagnostics::Location;

/// One attribute value after variable expansion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawValue {
    pub text: String,
    /// Where the value was written (the attribute value, or the text child).
    pub location: Location,
}

/// An attribute after merging. Attribute names compare case-insensitively;
/// `name` keeps the spelling of the occurrence that won.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergedAttribute {
    pub name: String,
    /// One value for a single-valued attribute (the winner); every value in
    /// document order for a list attribute or text children.
    pub values: Vec<RawValue>,
}

/// A configuration element after merging, top-level or nested.
#[derive(Debug, Clone, PartialEq, Eq)]
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
