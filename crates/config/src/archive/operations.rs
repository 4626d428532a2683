//! The operations of an archive and the matching of a call's method and path
//! against their path templates.

use serde::Serialize;

/// One operation of an archive: an HTTP method on a `relativePath` of
/// package.xml.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Operation {
    /// The HTTP method in upper case, such as `GET`.
    pub method: String,
    /// The path as written in package.xml, such as `/claims/{claimId}`.
    pub relative_path: String,
    pub operation_id: Option<String>,
    #[serde(skip)]
    template: PathTemplate,
}

impl Operation {
    /// Builds an operation, parsing the path template. The error message
    /// describes what is wrong with `relative_path`.
    pub fn new(
        method: &str,
        relative_path: &str,
        operation_id: Option<String>,
    ) -> Result<Self, String> {
        let template = PathTemplate::parse(relative_path)?;
        Ok(Operation {
            method: method.to_ascii_uppercase(),
            relative_path: relative_path.to_owned(),
            operation_id,
            template,
        })
    }

    /// Tells whether a call's method and path select this operation; see
    /// [`match_operation`] for the rules.
    pub fn matches(&self, method: &str, path: &str) -> bool {
        self.method.eq_ignore_ascii_case(method) && self.template.matches(path)
    }

    /// Number of `{param}` placeholders, for preferring literal paths.
    fn parameter_count(&self) -> usize {
        self.template.parameter_count()
    }
}

/// Selects the operation that a call's method and path address.
///
/// - The method compares case-insensitively.
/// - `path` is the operation path without the query, as received: it must
///   start with `/`, and percent-encoded characters are compared as written, so
///   `/claim/r%75le` does not match `/claim/rule`.
/// - Paths compare segment by segment and literal text case-sensitively. A
///   `{param}` matches one or more characters inside one segment, never an
///   empty segment and never a `/`.
/// - A trailing slash is a segment of its own, so `/claim/rule/` does not
///   match `/claim/rule` and the reverse. zconnect does not guess that the two
///   are the same resource, because the endpoint may not treat them alike.
/// - When several operations match, the one with the fewest placeholders wins
///   (`/pets/mine` before `/pets/{id}`), then the one declared first.
pub fn match_operation<'o>(
    operations: &'o [Operation],
    method: &str,
    path: &str,
) -> Option<&'o Operation> {
    let mut best: Option<&Operation> = None;
    for operation in operations.iter().filter(|op| op.matches(method, path)) {
        let better =
            best.is_none_or(|current| operation.parameter_count() < current.parameter_count());
        if better {
            best = Some(operation);
        }
    }
    best
}

/// A parsed `relativePath`: one pattern per `/`-separated segment.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct PathTemplate {
    segments: Vec<Vec<Part>>,
}

/// A piece of one segment pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    /// A `{name}` placeholder: one or more characters of the segment.
    Parameter,
}

impl PathTemplate {
    fn parse(relative_path: &str) -> Result<Self, String> {
        let Some(rest) = relative_path.strip_prefix('/') else {
            return Err(format!(
                "relativePath {relative_path:?} does not start with /"
            ));
        };

        let mut segments = Vec::new();
        for segment in rest.split('/') {
            segments.push(parse_segment(segment, relative_path)?);
        }
        Ok(PathTemplate { segments })
    }

    fn parameter_count(&self) -> usize {
        self.segments
            .iter()
            .flatten()
            .filter(|part| matches!(part, Part::Parameter))
            .count()
    }

    fn matches(&self, path: &str) -> bool {
        let Some(rest) = path.strip_prefix('/') else {
            return false;
        };

        let mut received = rest.split('/');
        for pattern in &self.segments {
            match received.next() {
                Some(segment) if segment_matches(pattern, segment) => {}
                _ => return false,
            }
        }
        received.next().is_none()
    }
}

/// Splits one segment into literals and `{name}` placeholders.
fn parse_segment(segment: &str, relative_path: &str) -> Result<Vec<Part>, String> {
    let mut parts = Vec::new();
    let mut rest = segment;

    while let Some(open) = rest.find('{') {
        if open > 0 {
            parts.push(Part::Literal(rest[..open].to_owned()));
        }

        let after_open = &rest[open + 1..];
        let Some(close) = after_open.find('}') else {
            return Err(format!(
                "relativePath {relative_path:?} has a {{ without a closing }}"
            ));
        };
        let name = &after_open[..close];
        if name.is_empty() || name.contains('{') {
            return Err(format!(
                "relativePath {relative_path:?} has an invalid parameter {{{name}}}"
            ));
        }
        if matches!(parts.last(), Some(Part::Parameter)) {
            return Err(format!(
                "relativePath {relative_path:?} has two parameters with nothing between them"
            ));
        }

        parts.push(Part::Parameter);
        rest = &after_open[close + 1..];
    }

    if rest.contains('}') {
        return Err(format!(
            "relativePath {relative_path:?} has a }} without an opening {{"
        ));
    }
    if !rest.is_empty() || parts.is_empty() {
        parts.push(Part::Literal(rest.to_owned()));
    }
    Ok(parts)
}

/// Matches one received segment against a segment pattern.
///
/// Dynamic programming over (part, byte offset) keeps the cost at
/// parts × segment length, whatever the pattern, so a hostile archive cannot
/// make matching slow.
fn segment_matches(parts: &[Part], segment: &str) -> bool {
    let length = segment.len();

    // reachable[offset]: the parts consumed so far can end at `offset`.
    let mut reachable = vec![false; length + 1];
    reachable[0] = true;

    for part in parts {
        let mut next = vec![false; length + 1];
        match part {
            Part::Literal(text) => {
                for start in (0..=length).filter(|&offset| reachable[offset]) {
                    if segment[start..].starts_with(text.as_str()) {
                        next[start + text.len()] = true;
                    }
                }
            }
            Part::Parameter => {
                // A placeholder can end at any character boundary after the
                // earliest offset reached so far.
                if let Some(first) = reachable.iter().position(|&reached| reached) {
                    for (end, slot) in next.iter_mut().enumerate().skip(first + 1) {
                        *slot = segment.is_char_boundary(end);
                    }
                }
            }
        }
        reachable = next;
    }

    reachable[length]
}
