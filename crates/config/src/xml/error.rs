//! Why a configuration file could not be read as XML.

use crate::diagnostics::{catalog, sentence, Diagnostic, Location, MessageDef};

/// The condition that stopped the reader.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmlErrorKind {
    #[error("the file is {size} bytes, more than the limit of {max} bytes; split it into included files")]
    TooLarge { size: u64, max: u64 },

    #[error(
        "the file is UTF-16 ({reason}), but zconnect reads only UTF-8: save the file as UTF-8"
    )]
    Utf16 { reason: &'static str },

    #[error(
        "the XML declaration names encoding \"{encoding}\", but zconnect reads only UTF-8 \
         (or its subset US-ASCII): convert the file to UTF-8 and declare encoding=\"UTF-8\""
    )]
    UnsupportedEncoding { encoding: String },

    #[error(
        "invalid UTF-8 at byte offset {offset} (byte 0x{byte:02X}); nothing was replaced: \
         save the file as UTF-8, or write the character as a reference such as &#233;"
    )]
    InvalidUtf8 { offset: usize, byte: u8 },

    #[error("character U+{code:04X} is not allowed in XML; remove it")]
    InvalidCharacter { code: u32 },

    #[error(
        "a document type declaration (<!DOCTYPE ...>) is not allowed in a configuration file: \
         zconnect rejects it so that no entity is expanded and no external file is read; \
         remove it and write special characters as references such as &#160;"
    )]
    Doctype,

    #[error(
        "`&` at line {line}, column {column} does not start an entity reference: write `&amp;` \
         for a literal `&` (or `&#160;` for a non-breaking space)"
    )]
    BareAmpersand { line: u32, column: u32 },

    #[error(
        "undefined entity `&{name};` at line {line}, column {column}: XML predefines only \
         &amp; &lt; &gt; &quot; &apos;; write `&#160;` for a non-breaking space, another \
         `&#NNN;` character reference, or `&amp;` for a literal `&`"
    )]
    UndefinedEntity {
        name: String,
        line: u32,
        column: u32,
    },

    #[error("invalid character reference `{reference}`: it must name a character XML allows, as in `&#160;` or `&#xA0;`")]
    InvalidCharacterReference { reference: String },

    #[error("attribute `{name}` is written twice on one element (first at line {first_line}, column {first_column}); remove one")]
    DuplicateAttribute {
        name: String,
        first_line: u32,
        first_column: u32,
    },

    #[error("elements are nested more than {max} levels deep; flatten the configuration")]
    TooDeep { max: usize },

    #[error("the root element is <{found}>, but a configuration file must have <server> as its root element")]
    RootNotServer { found: String },

    #[error("{detail}")]
    Syntax { detail: String },
}

/// A file that is not well-formed or breaks a reader rule, with the position
/// where the problem was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}")]
pub struct XmlError {
    pub kind: XmlErrorKind,
    /// Where the problem is; the file alone (line 1, column 1) when it
    /// concerns the whole file.
    pub location: Location,
}

impl XmlError {
    /// The catalog entry this error is reported under.
    pub fn message_def(&self) -> &'static MessageDef {
        match self.kind {
            XmlErrorKind::TooLarge { .. } | XmlErrorKind::TooDeep { .. } => {
                &catalog::LIMIT_EXCEEDED
            }
            XmlErrorKind::Utf16 { .. } | XmlErrorKind::UnsupportedEncoding { .. } => {
                &catalog::XML_ENCODING_REJECTED
            }
            XmlErrorKind::Doctype => &catalog::XML_DOCTYPE_REJECTED,
            XmlErrorKind::RootNotServer { .. } => &catalog::ROOT_NOT_SERVER,
            _ => &catalog::XML_SYNTAX,
        }
    }

    /// Builds the diagnostic, whose message names the file.
    pub fn to_diagnostic(&self) -> Diagnostic {
        let file = self.location.file.display();
        let message = sentence(&format!("The file {file} cannot be read: {}", self.kind));
        Diagnostic::new(self.message_def(), message).at(self.location.clone())
    }
}
