//! The `tokenPath` of a `zosconnect_authToken`: a JSONPath subset that names
//! one value, such as `$.a.b`, `$['a'].b`, `$["a"]` or `$.tokens[0].value`.

use serde_json::Value;
use thiserror::Error;

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// A `tokenPath` that is not of the supported form.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("tokenPath \"{path}\" is invalid at character {position}: {problem}; write it like $.a.b or $['a'].b")]
pub struct TokenPathError {
    pub path: String,
    /// Character offset, from 0.
    pub position: usize,
    pub problem: &'static str,
}

/// Parses a `tokenPath`.
pub fn parse_token_path(path: &str) -> Result<Vec<Segment>, TokenPathError> {
    let chars: Vec<char> = path.trim().chars().collect();
    let error = |position: usize, problem: &'static str| TokenPathError {
        path: path.to_owned(),
        position,
        problem,
    };

    if chars.first() != Some(&'$') {
        return Err(error(0, "it must start with $"));
    }
    let mut segments = Vec::new();
    let mut position = 1;
    while position < chars.len() {
        match chars[position] {
            '.' => {
                let start = position + 1;
                let mut end = start;
                while end < chars.len() && chars[end] != '.' && chars[end] != '[' {
                    end += 1;
                }
                if end == start {
                    return Err(error(start, "a name must follow '.'"));
                }
                segments.push(Segment::Key(chars[start..end].iter().collect()));
                position = end;
            }
            '[' => {
                let (segment, next) = parse_bracket(&chars, position + 1)
                    .map_err(|(at, problem)| error(at, problem))?;
                segments.push(segment);
                position = next;
            }
            _ => return Err(error(position, "expected '.' or '['")),
        }
    }
    if segments.is_empty() {
        return Err(error(chars.len(), "the path names no value"));
    }
    Ok(segments)
}

/// Parses `'name']`, `"name"]` or `digits]` starting after `[`; returns the
/// segment and the position after `]`.
fn parse_bracket(chars: &[char], start: usize) -> Result<(Segment, usize), (usize, &'static str)> {
    match chars.get(start) {
        Some(&quote @ ('\'' | '"')) => {
            let mut name = String::new();
            let mut position = start + 1;
            loop {
                match chars.get(position) {
                    None => return Err((position, "the quoted name is not closed")),
                    Some('\\') => {
                        let escaped = chars
                            .get(position + 1)
                            .ok_or((position, "the quoted name ends in a backslash"))?;
                        name.push(*escaped);
                        position += 2;
                    }
                    Some(&c) if c == quote => break,
                    Some(&c) => {
                        name.push(c);
                        position += 1;
                    }
                }
            }
            if chars.get(position + 1) != Some(&']') {
                return Err((position + 1, "expected ']' after the quoted name"));
            }
            Ok((Segment::Key(name), position + 2))
        }
        Some(c) if c.is_ascii_digit() => {
            let mut position = start;
            while chars.get(position).is_some_and(char::is_ascii_digit) {
                position += 1;
            }
            if chars.get(position) != Some(&']') {
                return Err((position, "expected ']' after the index"));
            }
            let digits: String = chars[start..position].iter().collect();
            let index = digits
                .parse()
                .map_err(|_| (start, "the index is too large"))?;
            Ok((Segment::Index(index), position + 1))
        }
        _ => Err((start, "expected a quoted name or an index after '['")),
    }
}

/// Returns the value at `segments` in `document`, if there is one.
pub fn select<'a>(document: &'a Value, segments: &[Segment]) -> Option<&'a Value> {
    segments
        .iter()
        .try_fold(document, |value, segment| match segment {
            Segment::Key(key) => value.as_object()?.get(key),
            Segment::Index(index) => value.as_array()?.get(*index),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(name: &str) -> Segment {
        Segment::Key(name.to_owned())
    }

    #[test]
    fn parses_table_of_paths() {
        let cases: Vec<(&str, Vec<Segment>)> = vec![
            ("$.token", vec![key("token")]),
            ("$.a.b", vec![key("a"), key("b")]),
            ("$['a'].b", vec![key("a"), key("b")]),
            (r#"$["a"]['b']"#, vec![key("a"), key("b")]),
            ("$['a.b']", vec![key("a.b")]),
            (r"$['it\'s']", vec![key("it's")]),
            (
                "$.tokens[0].value",
                vec![key("tokens"), Segment::Index(0), key("value")],
            ),
            (" $.token ", vec![key("token")]),
            ("$.access-token", vec![key("access-token")]),
        ];
        for (path, expected) in cases {
            assert_eq!(parse_token_path(path), Ok(expected), "path {path}");
        }
    }

    #[test]
    fn rejects_table_of_invalid_paths() {
        let cases: &[(&str, usize)] = &[
            ("token", 0),
            ("$", 1),
            ("$.", 2),
            ("$..a", 2),
            ("$[a]", 2),
            ("$['a'", 5),
            ("$['a'x", 5),
            ("$[0", 3),
            ("$x", 1),
        ];
        for (path, position) in cases {
            let error = parse_token_path(path).unwrap_err();
            assert_eq!(error.position, *position, "path {path}: {error}");
        }
    }

    #[test]
    fn error_names_the_path() {
        let error = parse_token_path("token").unwrap_err();
        assert!(error.to_string().contains("\"token\""), "{error}");
        assert!(error.to_string().contains("$.a.b"), "{error}");
    }

    #[test]
    fn selects_nested_values() {
        let document = json!({"a": {"b": "T"}, "list": [{"v": "first"}]});
        let select_path = |path| select(&document, &parse_token_path(path).unwrap()).cloned();
        assert_eq!(select_path("$.a.b"), Some(json!("T")));
        assert_eq!(select_path("$['a']['b']"), Some(json!("T")));
        assert_eq!(select_path("$.list[0].v"), Some(json!("first")));
        assert_eq!(select_path("$.list[1].v"), None);
        assert_eq!(select_path("$.a.c"), None);
        assert_eq!(select_path("$.a.b.c"), None);
    }
}
