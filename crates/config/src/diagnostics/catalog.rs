//! The message catalog: every diagnostic id zconnect can report, in one place.
//!
//! Ids have the form `ZCNnnnnS`. Where a Liberty (`CWWKGnnnnS`) or z/OS Connect
//! (`BAQRnnnnS`) message means the same thing, the four digits are the same;
//! zconnect's own messages use 8000-8999. `docs/messages.md` is generated from
//! [`ALL`].

use super::Severity;

/// A catalog entry.
#[derive(Debug, PartialEq, Eq)]
pub struct MessageDef {
    pub id: &'static str,
    pub severity: Severity,
    /// The Liberty or z/OS Connect message with the same meaning, if any.
    pub equivalent: Option<&'static str>,
    /// One line that says when the message is reported, for `docs/messages.md`.
    pub summary: &'static str,
}

macro_rules! catalog {
    ($($name:ident = $id:literal, $severity:ident, $equivalent:expr, $summary:literal;)*) => {
        $(
            pub static $name: MessageDef = MessageDef {
                id: $id,
                severity: Severity::$severity,
                equivalent: $equivalent,
                summary: $summary,
            };
        )*

        /// Every catalog entry, in id order of declaration.
        pub static ALL: &[&MessageDef] = &[$(&$name),*];
    };
}

catalog! {
    // Reading files: XML syntax, limits, includes, variables, merging.
    FILE_UNREADABLE = "ZCN8001E", Error, None, "A configuration file cannot be read.";
    XML_SYNTAX = "ZCN8002E", Error, None, "A configuration file is not well-formed XML.";
    UNDEFINED_VARIABLE = "ZCN8010W", Warning, None, "A ${name} reference names no variable and stays as literal text.";

    // Schema: values, references, unknown names.
    INVALID_VALUE_DEFAULT_USED = "ZCN0075W", Warning, Some("CWWKG0075W"), "An attribute value is invalid and the default is used.";
    UNRESOLVED_REFERENCE = "ZCN0033E", Error, Some("CWWKG0033W"), "A reference names an element that does not exist or is of the wrong kind.";
}
