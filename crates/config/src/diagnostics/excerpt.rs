//! The source line shown under a diagnostic: secrets masked, long lines cut
//! to a window around the column.

use crate::Secret;

/// Widest excerpt shown, in characters; longer lines (a whole server.xml on
/// one line is common in workshop samples) are cut around the column.
const MAX_WIDTH: usize = 120;

/// Characters kept before the column when a line is cut.
const CONTEXT_BEFORE: usize = 50;

/// A source line ready to print, and the character index of the caret in it.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Excerpt {
    pub text: String,
    pub caret: usize,
}

/// Characters of an ASCII line read on each side of the window, so that an
/// attribute whose value reaches into the window is still recognised.
const MASK_CONTEXT: usize = 200;

/// Builds the excerpt of `line` for a 1-based character `column`. On an
/// ASCII line (`ascii`), where characters are bytes, only the window and
/// [`MASK_CONTEXT`] around it are read, so a long line costs no more than a
/// short one.
pub(super) fn excerpt(line: &str, ascii: bool, column: u32) -> Excerpt {
    let column = column.saturating_sub(1) as usize;
    let (piece, target, cut_before, cut_after) = if ascii {
        let target = column.min(line.len());
        let from = target.saturating_sub(CONTEXT_BEFORE + MASK_CONTEXT);
        let to = target
            .saturating_add(MAX_WIDTH + MASK_CONTEXT)
            .min(line.len());
        (&line[from..to], target - from, from > 0, to < line.len())
    } else {
        (line, column, false, false)
    };

    let chars: Vec<char> = piece.chars().collect();
    let target = target.min(chars.len());
    let (masked, caret) = mask_secret_values(&chars, target);
    window(&masked, caret, cut_before, cut_after)
}

/// Replaces the quoted value of every attribute whose name looks like a secret
/// (`password`, `clientSecret`...) or of `value`/`defaultValue` on a
/// `<variable>` line, which may hold a password. The excerpt has no schema
/// context, so it masks by name, and masks more rather than less.
fn mask_secret_values(chars: &[char], target: usize) -> (Vec<char>, usize) {
    let is_variable_line = chars.iter().collect::<String>().contains("<variable");
    let mut output = Vec::with_capacity(chars.len());
    let mut caret = None;
    let mut index = 0;

    while index < chars.len() {
        if index == target {
            caret.get_or_insert(output.len());
        }
        let Some((name, value_start, value_end)) = attribute_at(chars, index) else {
            output.push(chars[index]);
            index += 1;
            continue;
        };

        let lower = name.to_ascii_lowercase();
        let secret = names_secret(&lower)
            || (is_variable_line && (lower == "value" || lower == "defaultvalue"));
        if !secret {
            output.push(chars[index]);
            index += 1;
            continue;
        }

        // Copy `name="`, then the mask, then the closing quote.
        for (position, c) in chars.iter().enumerate().take(value_start).skip(index) {
            if position == target {
                caret.get_or_insert(output.len());
            }
            output.push(*c);
        }
        if (value_start..value_end).contains(&target) {
            caret.get_or_insert(output.len());
        }
        output.extend(Secret::MASK.chars());
        index = value_end;
    }

    let caret = caret.unwrap_or(output.len());
    (output, caret)
}

/// Whether a lower-cased attribute name holds a secret: passwords, client
/// secrets and tokens, but not settings about them (`tokenRetryCheckLevel`,
/// `credentialLocation`).
fn names_secret(lower: &str) -> bool {
    lower.contains("password") || lower.contains("secret") || lower.ends_with("token")
}

/// Recognises `name = "value"` (or single quotes) starting at `start`, where
/// `start` begins the name. Returns the name and the value's character range.
fn attribute_at(chars: &[char], start: usize) -> Option<(String, usize, usize)> {
    let starts_name = chars[start].is_alphabetic() || chars[start] == '_';
    let follows_name = start > 0 && is_name_char(chars[start - 1]);
    if !starts_name || follows_name {
        return None;
    }

    let mut index = start;
    while index < chars.len() && is_name_char(chars[index]) {
        index += 1;
    }
    let name: String = chars[start..index].iter().collect();

    index = skip_spaces(chars, index);
    if chars.get(index) != Some(&'=') {
        return None;
    }
    index = skip_spaces(chars, index + 1);
    let quote = *chars.get(index).filter(|c| **c == '"' || **c == '\'')?;

    let value_start = index + 1;
    let value_end = chars[value_start..]
        .iter()
        .position(|c| *c == quote)
        .map_or(chars.len(), |offset| value_start + offset);
    Some((name, value_start, value_end))
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')
}

fn skip_spaces(chars: &[char], mut index: usize) -> usize {
    while index < chars.len() && chars[index].is_whitespace() {
        index += 1;
    }
    index
}

/// Cuts `chars` to at most `MAX_WIDTH` characters around `caret`, marking cut
/// ends with `...`. `cut_before` and `cut_after` tell that `chars` is itself
/// a piece of a longer line.
fn window(chars: &[char], caret: usize, cut_before: bool, cut_after: bool) -> Excerpt {
    if chars.len() <= MAX_WIDTH && !cut_before && !cut_after {
        return Excerpt {
            text: chars.iter().collect(),
            caret,
        };
    }

    let start = caret.saturating_sub(CONTEXT_BEFORE);
    let end = (start + MAX_WIDTH).min(chars.len());
    let start = end.saturating_sub(MAX_WIDTH);

    let mut text = String::new();
    let mut caret_in_text = caret - start;
    if start > 0 || cut_before {
        text.push_str("...");
        caret_in_text += 3;
    }
    text.extend(&chars[start..end]);
    if end < chars.len() || cut_after {
        text.push_str("...");
    }
    Excerpt {
        text,
        caret: caret_in_text,
    }
}

#[cfg(test)]
mod tests {
    use super::excerpt;

    #[test]
    fn excerpt_masks_password_attribute() {
        let shown = excerpt(r#"<authData id="a" user="u" password="hunter2"/>"#, true, 1);
        assert_eq!(shown.text, r#"<authData id="a" user="u" password="****"/>"#);
        assert_eq!(shown.caret, 0);
    }

    #[test]
    fn excerpt_masks_variable_value() {
        let shown = excerpt(r#"<variable name="pw" value="hunter2"/>"#, true, 1);
        assert!(!shown.text.contains("hunter2"));
    }

    #[test]
    fn excerpt_keeps_caret_after_masked_value() {
        let line = r#"<a password="longsecretvalue" port="x"/>"#;
        let column = line.find("port").unwrap() as u32 + 1;
        let shown = excerpt(line, true, column);
        assert_eq!(&shown.text[shown.caret..shown.caret + 4], "port");
    }

    #[test]
    fn excerpt_caret_inside_masked_value_points_at_mask() {
        let line = r#"<a password="secret"/>"#;
        let column = line.find("ecret").unwrap() as u32 + 1;
        let shown = excerpt(line, true, column);
        assert_eq!(&shown.text[shown.caret..shown.caret + 4], "****");
    }

    #[test]
    fn excerpt_cuts_long_line_around_column() {
        let line = format!("{}<b port=\"x\"/>{}", "a".repeat(300), "c".repeat(300));
        let column = 301;
        let shown = excerpt(&line, true, column);
        assert!(shown.text.starts_with("..."));
        assert!(shown.text.ends_with("..."));
        assert!(shown.text.chars().count() <= 126);
        assert_eq!(&shown.text[shown.caret..shown.caret + 2], "<b");
    }

    #[test]
    fn excerpt_keeps_settings_about_tokens() {
        let line = r#"<o tokenRetryCheckLevel="2" credentialLocation="body" clientSecret="s"/>"#;
        let shown = excerpt(line, true, 1);
        assert!(shown.text.contains(r#"tokenRetryCheckLevel="2""#));
        assert!(shown.text.contains(r#"credentialLocation="body""#));
        assert!(shown.text.contains(r#"clientSecret="****""#));
    }

    #[test]
    fn excerpt_of_an_ascii_window_matches_the_whole_line() {
        let element = r#"<a id="x" password="hunter2" port="p"/>"#;
        let line = element.repeat(300);
        for column in [1, 41, 5000, 11_990, 12_000] {
            let windowed = excerpt(&line, true, column);
            let whole = excerpt(&line, false, column);
            assert_eq!(windowed, whole, "column {column}");
            assert!(!windowed.text.contains("hunter2"), "column {column}");
        }
    }

    #[test]
    fn excerpt_keeps_short_line_whole() {
        let shown = excerpt("<server/>", true, 2);
        assert_eq!(shown.text, "<server/>");
        assert_eq!(shown.caret, 1);
    }
}
