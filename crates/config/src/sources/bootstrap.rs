//! `bootstrap.properties`: Java properties syntax, with `bootstrap.include`
//! pulling in another properties file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::files::{identity, normalise, FileReader, ReadError};
use crate::diagnostics::{catalog, Diagnostic, Location};

/// The key that names another properties file to read.
const INCLUDE_KEY: &str = "bootstrap.include";

/// How many `bootstrap.include` files may be nested.
const MAX_INCLUDE_DEPTH: usize = 10;

/// One `key=value` line of a properties file. `Debug` masks the value, which
/// may be a password.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Property {
    pub key: String,
    pub value: String,
    /// 1-based line where the property starts.
    pub line: u32,
}

impl std::fmt::Debug for Property {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Property")
            .field("key", &self.key)
            .field("value", &crate::Secret::MASK)
            .field("line", &self.line)
            .finish()
    }
}

/// A line whose escape sequences are invalid; the property is skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PropertyError {
    pub line: u32,
    pub detail: String,
}

/// Reads `bootstrap.properties` in `server_dir` if it exists. Properties of a
/// file win over those of the files it includes (decision: the including
/// file is the more specific one).
pub(crate) fn load(
    server_dir: &Path,
    files: &mut FileReader,
    diagnostics: &mut Vec<Diagnostic>,
) -> BTreeMap<String, String> {
    let path = server_dir.join("bootstrap.properties");
    let mut chain = Vec::new();
    load_file(&path, true, files, diagnostics, &mut chain)
}

fn load_file(
    path: &Path,
    optional: bool,
    files: &mut FileReader,
    diagnostics: &mut Vec<Diagnostic>,
    chain: &mut Vec<PathBuf>,
) -> BTreeMap<String, String> {
    let at_file = Location {
        file: path.to_path_buf(),
        line: 1,
        column: 1,
    };
    let bytes = match files.read(path) {
        Ok(bytes) => bytes,
        Err(ReadError::NotFound) if optional => return BTreeMap::new(),
        Err(error) => {
            let message = format!(
                "The file {} cannot be read: {}.",
                path.display(),
                describe(&error)
            );
            diagnostics.push(Diagnostic::new(&catalog::FILE_UNREADABLE, message).at(at_file));
            return BTreeMap::new();
        }
    };

    // NOTE: Java reads properties as ISO-8859-1; zconnect reads UTF-8 and
    // falls back to ISO-8859-1 only when the bytes are not valid UTF-8.
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(error) => error
            .into_bytes()
            .iter()
            .map(|&byte| char::from(byte))
            .collect(),
    };
    let (properties, errors) = parse(&text);
    for error in errors {
        let message = format!(
            "Line {} of {}: {}; the property is skipped.",
            error.line,
            path.display(),
            error.detail
        );
        let location = Location {
            line: error.line,
            ..at_file.clone()
        };
        diagnostics.push(Diagnostic::new(&catalog::BOOTSTRAP_INVALID, message).at(location));
    }

    let mut own = BTreeMap::new();
    let mut included = BTreeMap::new();
    chain.push(identity(path));
    for property in properties {
        if property.key == INCLUDE_KEY {
            let target = resolve(path, &property.value);
            let location = Location {
                line: property.line,
                ..at_file.clone()
            };
            if chain.contains(&identity(&target)) || chain.len() > MAX_INCLUDE_DEPTH {
                let message = format!(
                    "Line {} of {}: bootstrap.include names {}, which is already being read or \
                     nested too deeply, so it is skipped.",
                    property.line,
                    path.display(),
                    target.display()
                );
                diagnostics.push(Diagnostic::new(&catalog::INCLUDE_CYCLE, message).at(location));
            } else {
                included.extend(load_file(&target, false, files, diagnostics, chain));
            }
        }
        own.insert(property.key, property.value);
    }
    chain.pop();

    included.extend(own);
    included
}

fn resolve(including: &Path, value: &str) -> PathBuf {
    let target = Path::new(value.trim());
    if target.is_absolute() {
        return normalise(target);
    }
    let directory = including.parent().unwrap_or_else(|| Path::new("."));
    normalise(&directory.join(target))
}

pub(crate) fn describe(error: &ReadError) -> String {
    match error {
        ReadError::NotFound => "it does not exist".to_string(),
        ReadError::TooLarge { size, max } => {
            format!("it is {size} bytes, more than the limit of {max} bytes")
        }
        ReadError::TooManyFiles { max } => {
            format!("the configuration already has the maximum of {max} files")
        }
        ReadError::Io(detail) => detail.clone(),
    }
}

/// Parses Java properties text: `#` and `!` comment lines, `key=value`,
/// `key:value` or `key value`, a line ending in an odd number of backslashes
/// continuing on the next line (leading white space of the next line
/// dropped), and the escapes `\t \n \r \f \uXXXX` (any other escaped
/// character stands for itself).
pub(crate) fn parse(text: &str) -> (Vec<Property>, Vec<PropertyError>) {
    let mut properties = Vec::new();
    let mut errors = Vec::new();
    let lines: Vec<&str> = text
        .split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .collect();

    let mut index = 0;
    while index < lines.len() {
        let start_line = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let first = lines[index].trim_start_matches([' ', '\t', '\u{c}']);
        index += 1;
        if first.is_empty() || first.starts_with('#') || first.starts_with('!') {
            continue;
        }

        let mut logical = String::from(first);
        while ends_with_continuation(&logical) && index < lines.len() {
            logical.pop();
            logical.push_str(lines[index].trim_start_matches([' ', '\t', '\u{c}']));
            index += 1;
        }
        if ends_with_continuation(&logical) {
            logical.pop();
        }

        let (raw_key, raw_value) = split_key_value(&logical);
        match (unescape(raw_key), unescape(raw_value)) {
            (Ok(key), Ok(value)) => properties.push(Property {
                key,
                value,
                line: start_line,
            }),
            (Err(detail), _) | (_, Err(detail)) => errors.push(PropertyError {
                line: start_line,
                detail,
            }),
        }
    }
    (properties, errors)
}

fn ends_with_continuation(line: &str) -> bool {
    let backslashes = line.bytes().rev().take_while(|&byte| byte == b'\\').count();
    backslashes % 2 == 1
}

/// Splits at the first unescaped `=`, `:` or white space; white space and at
/// most one `=` or `:` separate key and value.
fn split_key_value(line: &str) -> (&str, &str) {
    let bytes = line.as_bytes();
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'\\' => index += 2,
            b'=' | b':' | b' ' | b'\t' | b'\x0c' => break,
            _ => index += 1,
        }
    }
    let index = index.min(bytes.len());
    let key = &line[..index];
    let mut rest = line[index..].trim_start_matches([' ', '\t', '\u{c}']);
    if let Some(after) = rest.strip_prefix(['=', ':']) {
        rest = after.trim_start_matches([' ', '\t', '\u{c}']);
    }
    (key, rest)
}

fn unescape(raw: &str) -> Result<String, String> {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(ch) = chars.next() {
        if ch != '\\' {
            out.push(ch);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('f') => out.push('\u{c}'),
            Some('u') => {
                let digits: String = chars.by_ref().take(4).collect();
                let code = (digits.len() == 4)
                    .then(|| u32::from_str_radix(&digits, 16).ok())
                    .flatten()
                    .and_then(char::from_u32);
                match code {
                    Some(decoded) => out.push(decoded),
                    None => {
                        return Err(format!(
                            "invalid escape \\u{digits}: write \\u and four hexadecimal digits"
                        ))
                    }
                }
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(String, String)> {
        parse(text)
            .0
            .into_iter()
            .map(|p| (p.key, p.value))
            .collect()
    }

    #[test]
    fn separators_and_comments() {
        let text = "# comment\n! other\na=1\nb : 2\nc 3\n  d=\n";
        let expected = [("a", "1"), ("b", "2"), ("c", "3"), ("d", "")];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(pairs(text), expected);
    }

    #[test]
    fn continuation_lines_join_without_leading_space() {
        assert_eq!(
            pairs("list=a,\\\n    b,\\\r\n  c\n"),
            vec![("list".to_string(), "a,b,c".to_string())]
        );
    }

    #[test]
    fn even_backslashes_do_not_continue() {
        assert_eq!(
            pairs("path=c:\\\\\nnext=1"),
            vec![
                ("path".to_string(), "c:\\".to_string()),
                ("next".to_string(), "1".to_string())
            ]
        );
    }

    #[test]
    fn escapes_are_decoded() {
        assert_eq!(
            pairs("k\\=ey=t\\tab\\u00e9\\:x"),
            vec![("k=ey".to_string(), "t\tabé:x".to_string())]
        );
    }

    #[test]
    fn invalid_unicode_escape_is_an_error_with_its_line() {
        let (properties, errors) = parse("a=1\nb=\\u12g4\n");
        assert_eq!(properties.len(), 1);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 2);
    }

    #[test]
    fn property_line_is_where_it_starts() {
        let (properties, _) = parse("\n\na=1\\\n 2\nb=3");
        assert_eq!(properties[0].line, 3);
        assert_eq!(properties[1].line, 5);
    }
}
