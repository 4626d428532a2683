//! Entity and character reference decoding, and XML end-of-line and
//! attribute-value normalisation.
//!
//! Only the five predefined entities and numeric character references are
//! expanded. The reader rejects a document type declaration before this runs,
//! so no other entity can be defined.

/// A reference in text or an attribute value that cannot be decoded. The
/// offset is the byte offset of the `&` in the raw input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum EscapeError {
    /// `&` not followed by `name;` or `#number;`, as in `a&b` or `&realm=b`.
    BareAmpersand { offset: usize },
    /// `&name;` where `name` is not one of the five predefined entities.
    UndefinedEntity { offset: usize, name: String },
    /// `&#...;` that is not a number or names a character XML does not allow.
    InvalidCharacterReference { offset: usize, reference: String },
}

/// Whether a decoded value is an attribute value (literal line breaks and
/// tabs become spaces) or text content (line breaks become `\n`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Context {
    Attribute,
    Text,
}

/// Decodes references in `raw` and applies end-of-line handling; attribute
/// values also get attribute-value normalisation (a literal tab, line feed or
/// carriage return becomes a space, while `&#10;` stays a line feed).
pub(crate) fn decode(raw: &str, context: Context) -> Result<String, EscapeError> {
    let mut decoded = String::with_capacity(raw.len());
    let mut rest = raw;
    let mut consumed = 0;

    while let Some(index) = rest.find(['&', '\r', '\n', '\t']) {
        decoded.push_str(&rest[..index]);
        let at = consumed + index;
        let tail = &rest[index..];

        let step = match tail.as_bytes()[0] {
            b'&' => {
                let (text, length) = decode_reference(tail, at)?;
                decoded.push_str(&text);
                length
            }
            b'\r' => {
                let length = if tail.as_bytes().get(1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                decoded.push(line_break(context));
                length
            }
            b'\n' => {
                decoded.push(line_break(context));
                1
            }
            _ => {
                decoded.push(if context == Context::Attribute {
                    ' '
                } else {
                    '\t'
                });
                1
            }
        };

        rest = &tail[step..];
        consumed = at + step;
    }
    decoded.push_str(rest);
    Ok(decoded)
}

fn line_break(context: Context) -> char {
    match context {
        Context::Attribute => ' ',
        Context::Text => '\n',
    }
}

/// Decodes the reference at the start of `tail` (which starts with `&`);
/// returns the text and the number of bytes it spans.
fn decode_reference(tail: &str, offset: usize) -> Result<(String, usize), EscapeError> {
    let body_end = tail[1..]
        .find(|ch: char| !(ch.is_alphanumeric() || matches!(ch, '#' | '_' | '-' | '.' | ':')))
        .map(|end| end + 1);
    let Some(end) = body_end.filter(|&end| tail.as_bytes().get(end) == Some(&b';')) else {
        return Err(EscapeError::BareAmpersand { offset });
    };
    let body = &tail[1..end];
    if body.is_empty() {
        return Err(EscapeError::BareAmpersand { offset });
    }

    if let Some(number) = body.strip_prefix('#') {
        let character = parse_character_reference(number).ok_or_else(|| {
            EscapeError::InvalidCharacterReference {
                offset,
                reference: format!("&{body};"),
            }
        })?;
        return Ok((character.to_string(), end + 1));
    }

    let text = match body {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        _ => {
            return Err(EscapeError::UndefinedEntity {
                offset,
                name: body.to_string(),
            })
        }
    };
    Ok((text.to_string(), end + 1))
}

/// Parses the part after `&#` of a character reference: decimal digits or
/// `x` and hexadecimal digits, naming a character XML 1.0 allows.
fn parse_character_reference(number: &str) -> Option<char> {
    let value = match number.strip_prefix('x') {
        Some(hex) if !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) => {
            u32::from_str_radix(hex, 16).ok()?
        }
        Some(_) => return None,
        None if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) => {
            number.parse::<u32>().ok()?
        }
        None => return None,
    };
    char::from_u32(value).filter(|&ch| is_xml_char(ch))
}

/// The XML 1.0 `Char` production: tab, line feed, carriage return and every
/// character from U+0020 except surrogates, U+FFFE and U+FFFF.
pub(crate) fn is_xml_char(ch: char) -> bool {
    matches!(ch, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predefined_entities_are_decoded() {
        let decoded = decode("a&amp;b&lt;&gt;&quot;&apos;", Context::Text);
        assert_eq!(decoded, Ok("a&b<>\"'".to_string()));
    }

    #[test]
    fn numeric_references_are_decoded() {
        assert_eq!(
            decode("&#160;&#xE9;", Context::Text),
            Ok("\u{a0}é".to_string())
        );
    }

    #[test]
    fn attribute_line_breaks_and_tabs_become_spaces() {
        assert_eq!(
            decode("a\r\nb\tc\nd", Context::Attribute),
            Ok("a b c d".to_string())
        );
    }

    #[test]
    fn attribute_character_reference_line_feed_is_kept() {
        assert_eq!(
            decode("a&#10;b", Context::Attribute),
            Ok("a\nb".to_string())
        );
    }

    #[test]
    fn text_carriage_returns_become_line_feeds() {
        assert_eq!(
            decode("a\r\nb\rc", Context::Text),
            Ok("a\nb\nc".to_string())
        );
    }

    #[test]
    fn bare_ampersand_is_rejected_at_its_offset() {
        let error = decode("tenant=a&realm=b", Context::Attribute);
        assert_eq!(error, Err(EscapeError::BareAmpersand { offset: 8 }));
    }

    #[test]
    fn ampersand_at_end_is_rejected() {
        assert_eq!(
            decode("a &", Context::Text),
            Err(EscapeError::BareAmpersand { offset: 2 })
        );
    }

    #[test]
    fn undefined_entity_is_rejected_with_its_name() {
        let error = decode("x&nbsp;y", Context::Text);
        assert_eq!(
            error,
            Err(EscapeError::UndefinedEntity {
                offset: 1,
                name: "nbsp".to_string()
            })
        );
    }

    #[test]
    fn invalid_character_references_are_rejected() {
        for raw in ["&#0;", "&#xD800;", "&#x;", "&#12a;", "&#99999999999;"] {
            let result = decode(raw, Context::Text);
            assert!(
                matches!(result, Err(EscapeError::InvalidCharacterReference { .. })),
                "{raw}: {result:?}"
            );
        }
    }
}
