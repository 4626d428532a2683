//! The declarative schema: every element kind zconnect reads or recognises, with
//! its attributes, types, defaults and checks.
//!
//! One table drives conversion, defaults, validation, reference checks, the
//! unknown-name warnings, the effective-configuration view and the generated
//! reference `docs/configuration.md`, so the four cannot drift apart.

mod liberty;
mod recognised;
mod requester;
mod tables;

pub use liberty::ZOSCONNECT_FEATURES;
pub use recognised::{RECOGNISED_ELEMENTS, RECOGNISED_SINGLETONS};
pub use requester::AUTHENTICATION_KINDS;
pub use tables::ELEMENTS;

/// How occurrences of an element kind combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElementKind {
    /// One instance; every occurrence merges into it.
    Singleton,
    /// Many instances told apart by `id`; id-less occurrences get `default-N`.
    Factory,
}

/// The unit of a bare number in a duration attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeUnit {
    Milliseconds,
    Seconds,
}

/// The type of an attribute value, which converts and checks the raw string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueType {
    String,
    Boolean,
    /// Decimal integer within an inclusive range; no trimming.
    Int {
        min: i64,
        max: i64,
    },
    /// Integer restricted to listed options (`tokenRetryCheckLevel`: 1 and 3).
    IntOptions(&'static [i64]),
    Duration(TimeUnit),
    /// One of the listed values, compared case-insensitively, stored in the
    /// spelling given here.
    Enum(&'static [&'static str]),
    /// Plain or `{xor}`; `{hash}` only where `hash_allowed`.
    Password {
        hash_allowed: bool,
    },
    /// Absolute `http` or `https` URL.
    Url,
    /// The id of a top-level element of one of the named kinds.
    Reference(&'static [&'static str]),
    /// A comma-separated list of ids of the named kinds.
    ReferenceList(&'static [&'static str]),
    /// A comma-separated list of names (groups).
    NameList,
    /// A JSONPath of the form `$.a.b` or `$['a'].b`.
    JsonPath,
}

/// When an attribute must be present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Required {
    No,
    Yes,
    /// Required when another attribute of the same element has a value
    /// (compared case-insensitively).
    When {
        attribute: &'static str,
        equals: &'static str,
    },
}

/// One attribute of an element kind.
#[derive(Debug)]
pub struct AttributeSchema {
    /// Canonical spelling; lookups compare case-insensitively.
    pub name: &'static str,
    pub ty: ValueType,
    /// Raw default, converted like a written value; `None` when there is none.
    pub default: Option<&'static str>,
    pub required: Required,
    /// Values from text children and repeated occurrences append instead of
    /// replacing.
    pub list: bool,
    /// A zconnect extension that z/OS Connect does not document.
    pub extension: bool,
    /// The default as documented when it is not a fixed value, for example
    /// "from zosconnect_zosConnectManager"; conversion computes it.
    pub default_note: Option<&'static str>,
    pub summary: &'static str,
}

impl AttributeSchema {
    /// An optional attribute with no default.
    pub const fn new(name: &'static str, ty: ValueType, summary: &'static str) -> Self {
        AttributeSchema {
            name,
            ty,
            default: None,
            required: Required::No,
            list: false,
            extension: false,
            default_note: None,
            summary,
        }
    }

    pub const fn default(mut self, raw: &'static str) -> Self {
        self.default = Some(raw);
        self
    }

    pub const fn required(mut self) -> Self {
        self.required = Required::Yes;
        self
    }

    pub const fn required_when(mut self, attribute: &'static str, equals: &'static str) -> Self {
        self.required = Required::When { attribute, equals };
        self
    }

    pub const fn list(mut self) -> Self {
        self.list = true;
        self
    }

    pub const fn extension(mut self) -> Self {
        self.extension = true;
        self
    }

    pub const fn default_note(mut self, note: &'static str) -> Self {
        self.default_note = Some(note);
        self
    }
}

/// Which part of the reference documentation an element belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// z/OS Connect API requester elements.
    ApiRequester,
    /// Liberty elements that zconnect reads.
    Liberty,
}

/// An element kind zconnect reads, or a nested element inside one.
#[derive(Debug)]
pub struct ElementSchema {
    pub name: &'static str,
    /// For a top-level element, how occurrences combine. For a nested element,
    /// `Singleton` means at most one (occurrences merge into it) and `Factory`
    /// means a list.
    pub kind: ElementKind,
    pub family: Family,
    pub summary: &'static str,
    pub attributes: &'static [AttributeSchema],
    /// Attributes and nested elements that Liberty or z/OS Connect documents
    /// for this element but zconnect does not use: reported as info, never as
    /// unknown.
    pub recognised_attributes: &'static [&'static str],
    /// Recognised attributes that change security in Liberty; ignoring them
    /// gets a warning instead of an info.
    pub security_attributes: &'static [&'static str],
    pub children: &'static [ElementSchema],
}

impl ElementSchema {
    /// Finds an attribute by name, ignoring case.
    pub fn attribute(&self, name: &str) -> Option<&'static AttributeSchema> {
        self.attributes
            .iter()
            .find(|attribute| attribute.name.eq_ignore_ascii_case(name))
    }

    /// Finds a nested element kind by its exact name.
    pub fn child(&self, name: &str) -> Option<&'static ElementSchema> {
        self.children.iter().find(|child| child.name == name)
    }

    /// Whether an attribute or nested element name is on this element's
    /// recognised-but-unused list, ignoring case.
    pub fn is_recognised_attribute(&self, name: &str) -> bool {
        self.recognised_attributes
            .iter()
            .any(|known| known.eq_ignore_ascii_case(name))
    }

    /// Whether ignoring this recognised attribute changes security.
    pub fn is_security_attribute(&self, name: &str) -> bool {
        self.security_attributes
            .iter()
            .any(|known| known.eq_ignore_ascii_case(name))
    }
}

/// Finds a top-level element kind that zconnect uses. Element names are
/// case-sensitive, as in Liberty.
pub fn element(name: &str) -> Option<&'static ElementSchema> {
    ELEMENTS
        .iter()
        .copied()
        .find(|element| element.name == name)
}

/// Whether a top-level element kind merges into one instance. Kinds zconnect
/// does not use are treated as factories unless listed as Liberty singletons.
pub fn is_singleton(name: &str) -> bool {
    match element(name) {
        Some(schema) => schema.kind == ElementKind::Singleton,
        None => RECOGNISED_SINGLETONS.contains(&name),
    }
}

/// Whether an element name is on the recognised-but-unused list.
pub fn is_recognised(name: &str) -> bool {
    RECOGNISED_ELEMENTS.contains(&name)
}

/// Whether a value of this attribute must be masked wherever it is shown.
/// Only the schema decides: an attribute the schema does not declare is not
/// secret here (see [`may_be_secret`]).
pub fn is_secret(element_path: &[&str], attribute: &str) -> bool {
    declared_attribute(element_path, attribute)
        .is_some_and(|schema| matches!(schema.ty, ValueType::Password { .. }))
}

/// Whether a value of this attribute may hold a secret, for output that
/// must never show one (Debug, the effective view of elements zconnect does
/// not use). An attribute the schema declares is judged by its type; any
/// other attribute, on any element, by its name ([`looks_secret`]).
pub fn may_be_secret(element_path: &[&str], attribute: &str) -> bool {
    match declared_attribute(element_path, attribute) {
        Some(schema) => matches!(schema.ty, ValueType::Password { .. }),
        None => looks_secret(attribute),
    }
}

fn declared_attribute(element_path: &[&str], attribute: &str) -> Option<&'static AttributeSchema> {
    let (first, rest) = element_path.split_first()?;
    let mut schema = element(first)?;
    for name in rest {
        schema = schema.child(name)?;
    }
    schema.attribute(attribute)
}

/// Whether an attribute name suggests a secret: it contains `password`,
/// `secret`, `token` or `credential`, ignoring case.
pub fn looks_secret(attribute: &str) -> bool {
    let lower = attribute.to_ascii_lowercase();
    ["password", "secret", "token", "credential"]
        .iter()
        .any(|word| lower.contains(word))
}

#[cfg(test)]
mod tests {
    use super::{looks_secret, may_be_secret};

    #[test]
    fn secret_names_are_masked() {
        assert!(looks_secret("keyPassword"));
        assert!(looks_secret("clientSecret"));
        assert!(!looks_secret("host"));
    }

    #[test]
    fn may_be_secret_trusts_declared_types() {
        assert!(may_be_secret(&["zosconnect_authData"], "PASSWORD"));
        assert!(may_be_secret(&["basicRegistry", "user"], "password"));
        assert!(!may_be_secret(
            &["zosconnect_authorizationServer"],
            "tokenEndpoint"
        ));
        assert!(may_be_secret(&["zosconnect_authData"], "clientSecret"));
        assert!(may_be_secret(&["dataSource"], "bindPassword"));
        assert!(!may_be_secret(&["dataSource"], "jndiName"));
    }
}
