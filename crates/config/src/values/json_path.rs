//! The JSONPath subset of `tokenPath`: `$` followed by `.name`, `['name']`,
//! `["name"]` or `[index]` steps.

use super::ValueError;

/// One step of a token path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonPathSegment {
    Member(String),
    Index(usize),
}

/// Parses a token path such as `$.a.b` or `$['a'].b[0]`.
pub fn parse_json_path(raw: &str) -> Result<Vec<JsonPathSegment>, ValueError> {
    let invalid = |reason: &str| ValueError::NotAJsonPath {
        value: raw.to_owned(),
        reason: reason.to_owned(),
    };

    let mut rest = raw
        .strip_prefix('$')
        .ok_or_else(|| invalid("it must start with `$`"))?;
    let mut segments = Vec::new();
    while !rest.is_empty() {
        if let Some(after_dot) = rest.strip_prefix('.') {
            let end = after_dot.find(['.', '[']).unwrap_or(after_dot.len());
            let name = &after_dot[..end];
            if name.is_empty() {
                return Err(invalid("a `.` must be followed by a member name"));
            }
            segments.push(JsonPathSegment::Member(name.to_owned()));
            rest = &after_dot[end..];
        } else if let Some(inside) = rest.strip_prefix('[') {
            let (segment, after) = parse_bracket(inside).ok_or_else(|| {
                invalid("a `[` must hold a quoted member name or an index, then `]`")
            })?;
            segments.push(segment);
            rest = after;
        } else {
            return Err(invalid("expected `.` or `[` after each step"));
        }
    }

    if segments.is_empty() {
        return Err(invalid("it names no member"));
    }
    Ok(segments)
}

fn parse_bracket(inside: &str) -> Option<(JsonPathSegment, &str)> {
    let quote = inside.chars().next()?;
    if quote == '\'' || quote == '"' {
        let body = &inside[1..];
        let end = body.find(quote)?;
        let after = body[end + 1..].strip_prefix(']')?;
        return Some((JsonPathSegment::Member(body[..end].to_owned()), after));
    }

    let end = inside.find(']')?;
    let index = inside[..end].parse().ok()?;
    Some((JsonPathSegment::Index(index), &inside[end + 1..]))
}

#[cfg(test)]
mod tests {
    use super::{parse_json_path, JsonPathSegment::*};

    #[test]
    fn json_path_accepts_dots_brackets_and_indexes() {
        assert_eq!(
            parse_json_path("$['a'].b[0][\"c.d\"]").expect("valid path"),
            vec![
                Member("a".into()),
                Member("b".into()),
                Index(0),
                Member("c.d".into())
            ]
        );
    }

    #[test]
    fn json_path_rejects_bad_forms() {
        for raw in ["a.b", "$", "$.", "$..a", "$['a'", "$[x]", "$a"] {
            assert!(parse_json_path(raw).is_err(), "{raw} should be invalid");
        }
    }
}
