//! The `name1=value1,name2=value2` lists of the `BAQHAPI-*-CustomParms` and
//! `BAQHAPI-Token-CustomHeaders` headers.
//!
//! A comma separates items and `\,` is a literal comma; any other backslash is
//! kept as written. Each item splits at its first `=`, so a value may contain
//! `=`. Names are trimmed of surrounding whitespace, values are used as given,
//! and empty items (`a=1,,b=2` or a trailing comma) are skipped.

use thiserror::Error;
use zconnect_config::Secret;

/// A malformed list. Messages give the item's position, never its text,
/// because values may be secrets.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CustomParmsError {
    #[error("item {position} has no '='; write name=value, with \\, for a comma inside a value")]
    MissingEquals { position: usize },
    #[error("item {position} has an empty name; write name=value")]
    EmptyName { position: usize },
}

/// One `name=value` item; the value may be a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomParm {
    pub name: String,
    pub value: Secret,
}

/// Parses a custom parameter list; positions in errors count items from 1.
pub fn parse_custom_parms(list: &str) -> Result<Vec<CustomParm>, CustomParmsError> {
    let mut parms = Vec::new();
    for (index, item) in split_items(list).into_iter().enumerate() {
        let position = index + 1;
        if item.trim().is_empty() {
            continue;
        }
        let Some((name, value)) = item.split_once('=') else {
            return Err(CustomParmsError::MissingEquals { position });
        };
        let name = name.trim();
        if name.is_empty() {
            return Err(CustomParmsError::EmptyName { position });
        }
        parms.push(CustomParm {
            name: name.to_owned(),
            value: Secret::new(value),
        });
    }
    Ok(parms)
}

/// Splits at commas not preceded by a backslash and turns `\,` into `,`.
fn split_items(list: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut item = String::new();
    let mut chars = list.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&',') => {
                item.push(',');
                chars.next();
            }
            ',' => items.push(std::mem::take(&mut item)),
            _ => item.push(c),
        }
    }
    items.push(item);
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &str) -> Vec<(String, String)> {
        parse_custom_parms(list)
            .unwrap()
            .into_iter()
            .map(|parm| (parm.name, parm.value.expose().to_owned()))
            .collect()
    }

    fn owned(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect()
    }

    #[test]
    fn parses_table_of_valid_lists() {
        let cases: &[(&str, &[(&str, &str)])] = &[
            ("", &[]),
            ("a=1", &[("a", "1")]),
            ("a=1,b=2", &[("a", "1"), ("b", "2")]),
            (r"a=x\,y,b=2", &[("a", "x,y"), ("b", "2")]),
            (r"a=\,\,", &[("a", ",,")]),
            ("a=", &[("a", "")]),
            ("a==b=c", &[("a", "=b=c")]),
            ("a=1,,b=2,", &[("a", "1"), ("b", "2")]),
            (" a =1, b= 2 ", &[("a", "1"), ("b", " 2 ")]),
            (r"path=C:\dir,x=1", &[("path", r"C:\dir"), ("x", "1")]),
            (
                "Name=Value,name=value",
                &[("Name", "Value"), ("name", "value")],
            ),
        ];
        for (list, expected) in cases {
            assert_eq!(pairs(list), owned(expected), "list {list:?}");
        }
    }

    #[test]
    fn item_without_equals_is_malformed() {
        assert_eq!(
            parse_custom_parms("a=1,b"),
            Err(CustomParmsError::MissingEquals { position: 2 })
        );
    }

    #[test]
    fn unescaped_comma_in_value_is_malformed() {
        assert_eq!(
            parse_custom_parms("scope=read,write"),
            Err(CustomParmsError::MissingEquals { position: 2 })
        );
    }

    #[test]
    fn empty_name_is_malformed() {
        assert_eq!(
            parse_custom_parms("=1"),
            Err(CustomParmsError::EmptyName { position: 1 })
        );
    }

    #[test]
    fn error_text_does_not_echo_the_value() {
        let error = parse_custom_parms("secretvalue").unwrap_err();
        assert!(!error.to_string().contains("secretvalue"));
    }
}
