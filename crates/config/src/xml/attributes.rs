//! Splits the inside of a start tag into the element name and attributes,
//! keeping the byte offset of each so that every attribute has a position.
//!
//! quick-xml finds where a tag ends; this reads what is inside, because its
//! attribute iterator does not report positions.

/// One attribute as written, value not yet decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TagAttribute<'a> {
    pub name: &'a str,
    pub name_offset: usize,
    /// The text between the quotes, with references still encoded.
    pub raw_value: &'a str,
    /// Offset of the first character after the opening quote.
    pub value_offset: usize,
}

/// The inside of a start tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tag<'a> {
    pub name: &'a str,
    pub attributes: Vec<TagAttribute<'a>>,
}

/// Why a start tag could not be read. Offsets are absolute document offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TagError {
    /// Malformed markup; the text says what was expected.
    Malformed { offset: usize, detail: String },
    /// The same attribute name twice on one element.
    Duplicate {
        offset: usize,
        first_offset: usize,
        name: String,
    },
}

fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_name_start(ch: char) -> bool {
    ch.is_alphabetic() || ch == '_' || ch == ':' || (!ch.is_ascii() && !ch.is_whitespace())
}

fn is_name_char(ch: char) -> bool {
    is_name_start(ch) || ch.is_ascii_digit() || matches!(ch, '-' | '.' | '\u{B7}')
}

/// Length in bytes of the XML name at the start of `text`, 0 when none.
fn name_length(text: &str) -> usize {
    let mut chars = text.char_indices();
    match chars.next() {
        Some((_, first)) if is_name_start(first) => {}
        _ => return 0,
    }
    chars
        .find(|&(_, ch)| !is_name_char(ch))
        .map_or(text.len(), |(index, _)| index)
}

/// Reads `content` (what is between `<` and `>` or `/>`), which starts at
/// document offset `base`.
pub(crate) fn parse_tag(content: &str, base: usize) -> Result<Tag<'_>, TagError> {
    let malformed = |at: usize, detail: &str| TagError::Malformed {
        offset: base + at,
        detail: detail.to_string(),
    };

    let name_end = name_length(content);
    if name_end == 0 {
        return Err(malformed(0, "an element name must follow `<`"));
    }
    let name = &content[..name_end];
    let bytes = content.as_bytes();
    let mut attributes: Vec<TagAttribute<'_>> = Vec::new();
    let mut position = name_end;

    loop {
        let before_space = position;
        while position < bytes.len() && is_space(bytes[position]) {
            position += 1;
        }
        if position == bytes.len() {
            break;
        }
        if position == before_space {
            return Err(malformed(
                position,
                "expected white space before the attribute name",
            ));
        }

        let name_offset = position;
        let length = name_length(&content[position..]);
        if length == 0 {
            return Err(malformed(position, "expected an attribute name"));
        }
        let attribute_name = &content[position..position + length];
        position += length;

        while position < bytes.len() && is_space(bytes[position]) {
            position += 1;
        }
        if bytes.get(position) != Some(&b'=') {
            let detail = format!("expected `=` after attribute name `{attribute_name}`");
            return Err(malformed(position, &detail));
        }
        position += 1;
        while position < bytes.len() && is_space(bytes[position]) {
            position += 1;
        }

        let quote = match bytes.get(position) {
            Some(&quote @ (b'"' | b'\'')) => quote,
            _ => {
                let detail = format!("the value of attribute `{attribute_name}` must be quoted");
                return Err(malformed(position, &detail));
            }
        };
        let value_offset = position + 1;
        let Some(length) = content[value_offset..].find(quote as char) else {
            let detail = format!("the value of attribute `{attribute_name}` has no closing quote");
            return Err(malformed(position, &detail));
        };
        let raw_value = &content[value_offset..value_offset + length];
        if let Some(less_than) = raw_value.find('<') {
            let detail = "`<` is not allowed in an attribute value; write `&lt;`";
            return Err(malformed(value_offset + less_than, detail));
        }
        position = value_offset + length + 1;

        if let Some(first) = attributes.iter().find(|a| a.name == attribute_name) {
            return Err(TagError::Duplicate {
                offset: base + name_offset,
                first_offset: first.name_offset,
                name: attribute_name.to_string(),
            });
        }
        attributes.push(TagAttribute {
            name: attribute_name,
            name_offset: base + name_offset,
            raw_value,
            value_offset: base + value_offset,
        });
    }

    Ok(Tag { name, attributes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_keep_offsets_and_raw_values() {
        let tag = parse_tag("a x=\"1\"  y = 'b&amp;c'", 10).expect("well-formed tag");
        assert_eq!(tag.name, "a");
        assert_eq!(tag.attributes.len(), 2);
        assert_eq!(tag.attributes[0].name, "x");
        assert_eq!(tag.attributes[0].name_offset, 12);
        assert_eq!(tag.attributes[0].value_offset, 15);
        assert_eq!(tag.attributes[1].raw_value, "b&amp;c");
        assert_eq!(tag.attributes[1].value_offset, 24);
    }

    #[test]
    fn duplicate_attribute_is_rejected() {
        let error = parse_tag("a x='1' x='2'", 0);
        assert_eq!(
            error,
            Err(TagError::Duplicate {
                offset: 8,
                first_offset: 2,
                name: "x".to_string()
            })
        );
    }

    #[test]
    fn differently_cased_names_are_not_duplicates() {
        let tag = parse_tag("a x='1' X='2'", 0).expect("well-formed tag");
        assert_eq!(tag.attributes.len(), 2);
    }

    #[test]
    fn malformed_tags_are_rejected() {
        for content in [
            "a x",
            "a x=1",
            "a x='1",
            "a x='1'y='2'",
            "a x='<'",
            "1a",
            "a =",
        ] {
            let result = parse_tag(content, 0);
            assert!(
                matches!(result, Err(TagError::Malformed { .. })),
                "{content}: {result:?}"
            );
        }
    }
}
