//! `Debug` for the raw tree that never shows a value that may be a password.
//!
//! An attribute declared as a password, any attribute whose name suggests a
//! secret ([`schema::may_be_secret`]), and the `value` and `defaultValue` of a
//! `<variable>` (a variable may hold a password) print `****`; every other
//! value is shown so the tree stays useful to debug. An attribute or text
//! piece printed on its own does not know its element, so it is masked more
//! broadly: a [`RawAttribute`] named `value` or `defaultValue` is masked, and a
//! [`TextPiece`] always is.

use std::fmt;

use super::{RawAttribute, RawDocument, RawElement, TextPiece};
use crate::schema;
use crate::secret::MaybeSecretText;

/// Attributes of `<variable>` that carry the variable's value.
const VARIABLE_VALUES: &[&str] = &["value", "defaultValue"];

struct AttributeDebug<'a> {
    attribute: &'a RawAttribute,
    secret: bool,
}

impl fmt::Debug for AttributeDebug<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = |text| MaybeSecretText {
            text,
            secret: self.secret,
        };
        f.debug_struct("RawAttribute")
            .field("name", &self.attribute.name)
            .field("value", &text(&self.attribute.value))
            .field("location", &self.attribute.location)
            .field("value_location", &self.attribute.value_location)
            .field("raw_value", &text(&self.attribute.raw_value))
            .finish()
    }
}

impl fmt::Debug for RawAttribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let is_variable_value = VARIABLE_VALUES
            .iter()
            .any(|name| name.eq_ignore_ascii_case(&self.name));
        AttributeDebug {
            attribute: self,
            secret: is_variable_value || schema::looks_secret(&self.name),
        }
        .fmt(f)
    }
}

struct PieceDebug<'a> {
    piece: &'a TextPiece,
    secret: bool,
}

impl fmt::Debug for PieceDebug<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TextPiece")
            .field("location", &self.piece.location)
            .field(
                "raw",
                &MaybeSecretText {
                    text: &self.piece.raw,
                    secret: self.secret,
                },
            )
            .finish()
    }
}

impl fmt::Debug for TextPiece {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        PieceDebug {
            piece: self,
            secret: true,
        }
        .fmt(f)
    }
}

/// An element in Debug output; `parents` names its configuration ancestors
/// from the top level down (the root `<server>` is not one of them).
struct ElementDebug<'a> {
    element: &'a RawElement,
    parents: &'a [&'a str],
}

impl fmt::Debug for ElementDebug<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let element = self.element;
        let is_root = self.parents.is_empty() && element.name == "server";
        let mut path = self.parents.to_vec();
        if !is_root {
            path.push(element.name.as_str());
        }

        let is_variable = self.parents.is_empty() && element.name == "variable";
        let attributes: Vec<AttributeDebug<'_>> = element
            .attributes
            .iter()
            .map(|attribute| {
                let variable_value = is_variable
                    && VARIABLE_VALUES
                        .iter()
                        .any(|name| name.eq_ignore_ascii_case(&attribute.name));
                AttributeDebug {
                    attribute,
                    secret: variable_value || schema::may_be_secret(&path, &attribute.name),
                }
            })
            .collect();

        // Text inside an element is a value of the parent's attribute named
        // after the element, as in `<password>...</password>`.
        let text_secret = schema::may_be_secret(self.parents, &element.name);
        let pieces: Vec<PieceDebug<'_>> = element
            .text_pieces
            .iter()
            .map(|piece| PieceDebug {
                piece,
                secret: text_secret,
            })
            .collect();
        let children: Vec<ElementDebug<'_>> = element
            .children
            .iter()
            .map(|element| ElementDebug {
                element,
                parents: &path,
            })
            .collect();

        f.debug_struct("RawElement")
            .field("name", &element.name)
            .field("location", &element.location)
            .field("attributes", &attributes)
            .field(
                "text",
                &MaybeSecretText {
                    text: &element.text,
                    secret: text_secret,
                },
            )
            .field("text_pieces", &pieces)
            .field("children", &children)
            .finish()
    }
}

impl fmt::Debug for RawElement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        ElementDebug {
            element: self,
            parents: &[],
        }
        .fmt(f)
    }
}

impl fmt::Debug for RawDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawDocument")
            .field("file", &self.file)
            .field("root", &self.root)
            .finish()
    }
}
