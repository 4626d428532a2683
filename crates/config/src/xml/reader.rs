//! The event loop that turns one file's bytes into a [`RawDocument`].

use std::path::Path;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::attributes::{parse_tag, Tag, TagError};
use super::escape::{decode, is_xml_char, Context, EscapeError};
use super::position::LineIndex;
use super::{RawAttribute, RawDocument, RawElement, TextPiece, XmlError, XmlErrorKind};
use crate::diagnostics::Location;
use crate::load::Limits;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
const CDATA_OPEN_LENGTH: usize = "<![CDATA[".len();

pub(super) fn parse(bytes: &[u8], file: &Path, limits: &Limits) -> Result<RawDocument, XmlError> {
    let file_start = Location {
        file: file.to_path_buf(),
        line: 1,
        column: 1,
    };
    let whole_file = |kind| XmlError {
        kind,
        location: file_start.clone(),
    };

    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if size > limits.max_file_size {
        let max = limits.max_file_size;
        return Err(whole_file(XmlErrorKind::TooLarge { size, max }));
    }
    if let Some(reason) = utf16_signature(bytes) {
        return Err(whole_file(XmlErrorKind::Utf16 { reason }));
    }

    let bom_length = if bytes.starts_with(UTF8_BOM) {
        UTF8_BOM.len()
    } else {
        0
    };
    let body = &bytes[bom_length..];
    let text = std::str::from_utf8(body).map_err(|error| {
        let valid = error.valid_up_to();
        let prefix = std::str::from_utf8(&body[..valid]).unwrap_or_default();
        XmlError {
            kind: XmlErrorKind::InvalidUtf8 {
                offset: bom_length + valid,
                byte: body.get(valid).copied().unwrap_or_default(),
            },
            location: LineIndex::new(prefix).location(file, valid),
        }
    })?;

    let lines = LineIndex::new(text);
    if let Some((offset, ch)) = text.char_indices().find(|&(_, ch)| !is_xml_char(ch)) {
        return Err(XmlError {
            kind: XmlErrorKind::InvalidCharacter {
                code: u32::from(ch),
            },
            location: lines.location(file, offset),
        });
    }

    let parser = Parser {
        file,
        text,
        lines: &lines,
        limits,
        stack: Vec::new(),
        root: None,
    };
    parser.run()
}

/// Recognises a UTF-16 byte-order mark, or UTF-16 text without one (`<` or
/// `<?` as two-byte units).
fn utf16_signature(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\xFE\xFF") || bytes.starts_with(b"\xFF\xFE") {
        Some("it starts with a UTF-16 byte-order mark")
    } else if bytes.starts_with(b"\x00<") || bytes.starts_with(b"<\x00") {
        Some("its first character is a two-byte `<`")
    } else {
        None
    }
}

struct Parser<'a> {
    file: &'a Path,
    text: &'a str,
    lines: &'a LineIndex<'a>,
    limits: &'a Limits,
    /// Open elements, innermost last.
    stack: Vec<RawElement>,
    root: Option<RawElement>,
}

impl Parser<'_> {
    fn location(&self, offset: usize) -> Location {
        self.lines.location(self.file, offset)
    }

    fn error(&self, offset: usize, kind: XmlErrorKind) -> XmlError {
        XmlError {
            kind,
            location: self.location(offset),
        }
    }

    fn syntax(&self, offset: usize, detail: impl Into<String>) -> XmlError {
        self.error(
            offset,
            XmlErrorKind::Syntax {
                detail: detail.into(),
            },
        )
    }

    fn run(mut self) -> Result<RawDocument, XmlError> {
        let mut reader = Reader::from_str(self.text);
        reader.config_mut().check_end_names = true;

        loop {
            let start = to_offset(reader.buffer_position());
            let event = match reader.read_event() {
                Ok(event) => event,
                Err(error) => {
                    let at = to_offset(reader.error_position());
                    return Err(self.syntax(at, error.to_string()));
                }
            };

            match event {
                Event::Decl(declaration) => {
                    let content = self.slice(&declaration)?;
                    self.check_declaration(content, start)?;
                }
                Event::DocType(_) => return Err(self.error(start, XmlErrorKind::Doctype)),
                Event::Start(tag) => {
                    let element = self.open_element(self.slice(&tag)?, start)?;
                    self.stack.push(element);
                }
                Event::Empty(tag) => {
                    let element = self.open_element(self.slice(&tag)?, start)?;
                    self.close_element(element, start)?;
                }
                Event::End(_) => match self.stack.pop() {
                    Some(element) => self.close_element(element, start)?,
                    None => return Err(self.syntax(start, "an end tag has no matching start tag")),
                },
                Event::Text(text) => {
                    let raw = self.slice(&text)?;
                    self.add_text(raw, start)?;
                }
                Event::CData(cdata) => {
                    let raw = self.slice(&cdata)?;
                    self.add_cdata(raw, start)?;
                }
                Event::Comment(_) | Event::PI(_) => {}
                Event::Eof => break,
            }
        }

        if let Some(open) = self.stack.last() {
            let (line, column) = (open.location.line, open.location.column);
            let detail = format!(
                "element <{}> opened at line {line}, column {column} is not closed",
                open.name
            );
            return Err(self.syntax(self.text.len(), detail));
        }
        match self.root {
            Some(root) => Ok(RawDocument {
                file: self.file.to_path_buf(),
                root,
            }),
            None => Err(self.syntax(
                self.text.len(),
                "the file contains no element; a configuration file needs a <server> root element",
            )),
        }
    }

    /// Returns the text of an event. The reader works on a `&str`, so every
    /// event is valid UTF-8 already.
    fn slice<'e>(&self, bytes: &'e [u8]) -> Result<&'e str, XmlError> {
        std::str::from_utf8(bytes).map_err(|_| self.syntax(0, "the reader split a character"))
    }

    fn check_declaration(&self, content: &str, start: usize) -> Result<(), XmlError> {
        if start != 0 {
            return Err(self.syntax(
                start,
                "the XML declaration <?xml ...?> must be at the very start of the file",
            ));
        }
        let tag = parse_tag(content, start + 2).map_err(|error| self.tag_error(error))?;
        let encoding = tag
            .attributes
            .iter()
            .find(|attribute| attribute.name == "encoding");
        if let Some(encoding) = encoding {
            let name = encoding.raw_value.trim();
            let accepted = ["UTF-8", "UTF8", "US-ASCII", "ASCII"];
            if !accepted
                .iter()
                .any(|known| known.eq_ignore_ascii_case(name))
            {
                let kind = XmlErrorKind::UnsupportedEncoding {
                    encoding: name.to_string(),
                };
                return Err(self.error(encoding.value_offset, kind));
            }
        }
        Ok(())
    }

    fn tag_error(&self, error: TagError) -> XmlError {
        match error {
            TagError::Malformed { offset, detail } => self.syntax(offset, detail),
            TagError::Duplicate {
                offset,
                first_offset,
                name,
            } => {
                let (first_line, first_column) = self.lines.line_column(first_offset);
                let kind = XmlErrorKind::DuplicateAttribute {
                    name,
                    first_line,
                    first_column,
                };
                self.error(offset, kind)
            }
        }
    }

    fn escape_error(&self, error: EscapeError, base: usize) -> XmlError {
        match error {
            EscapeError::BareAmpersand { offset } => {
                let (line, column) = self.lines.line_column(base + offset);
                self.error(base + offset, XmlErrorKind::BareAmpersand { line, column })
            }
            EscapeError::UndefinedEntity { offset, name } => {
                let (line, column) = self.lines.line_column(base + offset);
                let kind = XmlErrorKind::UndefinedEntity { name, line, column };
                self.error(base + offset, kind)
            }
            EscapeError::InvalidCharacterReference { offset, reference } => {
                let kind = XmlErrorKind::InvalidCharacterReference { reference };
                self.error(base + offset, kind)
            }
        }
    }

    fn open_element(&self, content: &str, start: usize) -> Result<RawElement, XmlError> {
        let depth = self.stack.len() + 1;
        if depth > self.limits.max_nesting_depth {
            let max = self.limits.max_nesting_depth;
            return Err(self.error(start, XmlErrorKind::TooDeep { max }));
        }
        if self.stack.is_empty() && self.root.is_some() {
            return Err(self.syntax(
                start,
                "a second root element; a file has exactly one <server> element",
            ));
        }

        let Tag { name, attributes } =
            parse_tag(content, start + 1).map_err(|error| self.tag_error(error))?;
        if self.stack.is_empty() && name != "server" {
            let kind = XmlErrorKind::RootNotServer {
                found: name.to_string(),
            };
            return Err(self.error(start, kind));
        }

        let mut raw_attributes = Vec::with_capacity(attributes.len());
        for attribute in attributes {
            let value = decode(attribute.raw_value, Context::Attribute)
                .map_err(|error| self.escape_error(error, attribute.value_offset))?;
            raw_attributes.push(RawAttribute {
                name: attribute.name.to_string(),
                value,
                location: self.location(attribute.name_offset),
                value_location: self.location(attribute.value_offset),
                raw_value: attribute.raw_value.to_string(),
            });
        }

        Ok(RawElement {
            name: name.to_string(),
            location: self.location(start),
            attributes: raw_attributes,
            text: String::new(),
            text_pieces: Vec::new(),
            children: Vec::new(),
        })
    }

    fn close_element(&mut self, element: RawElement, start: usize) -> Result<(), XmlError> {
        match self.stack.last_mut() {
            Some(parent) => parent.children.push(element),
            None if self.root.is_none() => self.root = Some(element),
            None => {
                return Err(self.syntax(
                    start,
                    "a second root element; a file has exactly one <server> element",
                ))
            }
        }
        Ok(())
    }

    fn add_text(&mut self, raw: &str, start: usize) -> Result<(), XmlError> {
        if self.stack.is_empty() {
            return match raw.char_indices().find(|(_, ch)| !ch.is_whitespace()) {
                Some((index, _)) => {
                    Err(self.syntax(start + index, "text outside the root element"))
                }
                None => Ok(()),
            };
        }
        let decoded =
            decode(raw, Context::Text).map_err(|error| self.escape_error(error, start))?;
        let location = self.location(start);
        if let Some(element) = self.stack.last_mut() {
            element.text.push_str(&decoded);
            element.text_pieces.push(TextPiece {
                location,
                raw: raw.to_string(),
            });
        }
        Ok(())
    }

    fn add_cdata(&mut self, raw: &str, start: usize) -> Result<(), XmlError> {
        let location = self.location(start + CDATA_OPEN_LENGTH);
        match self.stack.last_mut() {
            Some(element) => {
                element
                    .text
                    .push_str(&raw.replace("\r\n", "\n").replace('\r', "\n"));
                element.text_pieces.push(TextPiece {
                    location,
                    raw: raw.to_string(),
                });
                Ok(())
            }
            None => Err(self.syntax(start, "a CDATA section outside the root element")),
        }
    }
}

fn to_offset(position: u64) -> usize {
    usize::try_from(position).unwrap_or(usize::MAX)
}
