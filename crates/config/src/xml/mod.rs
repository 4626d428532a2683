//! The XML reader: one configuration file into a raw element tree with the
//! position of every element, attribute and piece of text.
//!
//! The reader is stricter than Liberty where strictness removes a risk or a
//! silent change: input must be UTF-8 (invalid bytes are an error, never
//! replaced), a document type declaration is rejected so that no entity is
//! expanded and no external file is read, and only the five predefined
//! entities and numeric character references are decoded.

mod attributes;
mod debug;
mod error;
mod escape;
pub(crate) mod position;
mod reader;

use std::path::{Path, PathBuf};

use crate::diagnostics::Location;
use crate::load::Limits;

pub use error::{XmlError, XmlErrorKind};

/// One attribute as read, after reference decoding and attribute-value
/// normalisation. `Debug` masks values that may be passwords.
#[derive(Clone, PartialEq, Eq)]
pub struct RawAttribute {
    pub name: String,
    pub value: String,
    /// Position of the attribute name.
    pub location: Location,
    /// Position of the first character after the opening quote.
    pub value_location: Location,
    /// The value as written between the quotes, references still encoded.
    pub raw_value: String,
}

/// A run of text or a CDATA section as written, for finding positions inside
/// a text value. `Debug` masks the text.
#[derive(Clone, PartialEq, Eq)]
pub struct TextPiece {
    /// Position of the first character of the piece.
    pub location: Location,
    /// The source text, references still encoded.
    pub raw: String,
}

/// An element as read, before includes, variables and merging. `Debug`
/// masks values that may be passwords.
#[derive(Clone, PartialEq, Eq)]
pub struct RawElement {
    pub name: String,
    /// Position of the `<` of the start tag.
    pub location: Location,
    pub attributes: Vec<RawAttribute>,
    /// All text and CDATA directly inside the element, concatenated and
    /// decoded, untrimmed; comments and processing instructions are skipped.
    pub text: String,
    pub text_pieces: Vec<TextPiece>,
    pub children: Vec<RawElement>,
}

impl RawElement {
    /// Finds an attribute by name, ignoring case as Liberty does.
    pub fn attribute(&self, name: &str) -> Option<&RawAttribute> {
        self.attributes
            .iter()
            .rev()
            .find(|attribute| attribute.name.eq_ignore_ascii_case(name))
    }

    /// The text value: all text and CDATA, trimmed once.
    pub fn text_value(&self) -> &str {
        self.text.trim()
    }

    /// Position of the first text or CDATA piece, else of the element.
    pub fn text_location(&self) -> &Location {
        self.text_pieces
            .first()
            .map_or(&self.location, |piece| &piece.location)
    }
}

/// A parsed configuration file.
#[derive(Clone, PartialEq, Eq)]
pub struct RawDocument {
    pub file: PathBuf,
    /// The root element, always `<server>`.
    pub root: RawElement,
}

/// Reads the bytes of one configuration file. `file` is used only for
/// positions; nothing is read from disk here.
pub fn parse(bytes: &[u8], file: &Path, limits: &Limits) -> Result<RawDocument, XmlError> {
    reader::parse(bytes, file, limits)
}
