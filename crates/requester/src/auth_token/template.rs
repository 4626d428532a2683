//! The `requestBody` template of a `zosconnect_authToken` with
//! `credentialLocation="body"`: `${userid}` and `${password}` are replaced by
//! the credentials, escaped for the format the template is written in.

use url::form_urlencoded;
use zconnect_config::Secret;

const USERID: &str = "${userid}";
const PASSWORD: &str = "${password}";

/// The format a template is written in, which decides how the credentials
/// are escaped and the request's `Content-Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFormat {
    /// The template without its placeholders parses as JSON.
    Json,
    /// The template has the form `name=value&name=value`.
    Form,
    /// Anything else; the values go in as they are.
    Text,
}

impl BodyFormat {
    pub fn content_type(self) -> &'static str {
        match self {
            BodyFormat::Json => "application/json",
            BodyFormat::Form => "application/x-www-form-urlencoded",
            BodyFormat::Text => "text/plain",
        }
    }

    fn escape(self, value: &str) -> String {
        match self {
            BodyFormat::Json => json_string_content(value),
            BodyFormat::Form => form_urlencoded::byte_serialize(value.as_bytes()).collect(),
            BodyFormat::Text => value.to_owned(),
        }
    }
}

/// Tells which format `template` is written in.
pub fn body_format(template: &str) -> BodyFormat {
    let without_placeholders = template.replace(USERID, "").replace(PASSWORD, "");
    if serde_json::from_str::<serde_json::Value>(&without_placeholders).is_ok() {
        return BodyFormat::Json;
    }
    if is_form(template.trim()) {
        return BodyFormat::Form;
    }
    BodyFormat::Text
}

/// Tells whether `text` is `name=value` pairs joined by `&`, with non-empty
/// names and no whitespace.
fn is_form(text: &str) -> bool {
    !text.is_empty()
        && text.split('&').all(|pair| {
            pair.split_once('=').is_some_and(|(name, value)| {
                !name.is_empty()
                    && !name.contains(char::is_whitespace)
                    && !value.contains(char::is_whitespace)
            })
        })
}

/// Fills `template` with the credentials and returns the body with its format.
///
/// The template is scanned once, so a credential that itself contains
/// `${userid}` or `${password}` is never replaced again.
pub fn fill(template: &str, user: &str, password: &str) -> (Secret, BodyFormat) {
    let format = body_format(template);
    let user = format.escape(user);
    let password = format.escape(password);

    let mut body = String::with_capacity(template.len() + user.len() + password.len());
    let mut rest = template;
    while let Some(start) = rest.find("${") {
        body.push_str(&rest[..start]);
        let candidate = &rest[start..];
        if let Some(after) = candidate.strip_prefix(USERID) {
            body.push_str(&user);
            rest = after;
        } else if let Some(after) = candidate.strip_prefix(PASSWORD) {
            body.push_str(&password);
            rest = after;
        } else {
            body.push_str("${");
            rest = &candidate[2..];
        }
    }
    body.push_str(rest);

    (Secret::new(body), format)
}

/// Escapes `value` for use inside a JSON string, without the quotes.
fn json_string_content(value: &str) -> String {
    let quoted = serde_json::Value::String(value.to_owned()).to_string();
    quoted[1..quoted.len() - 1].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_table_of_templates() {
        let user = r#"al "ice"&x"#;
        let password = "p=w\\1 ${userid}";
        let cases: &[(&str, BodyFormat, &str)] = &[
            (
                r#"{"user":"${userid}","password":"${password}"}"#,
                BodyFormat::Json,
                r#"{"user":"al \"ice\"&x","password":"p=w\\1 ${userid}"}"#,
            ),
            (
                "{\n  \"credentials\": {\"id\": \"${userid}\", \"secret\": \"${password}\"}\n}",
                BodyFormat::Json,
                "{\n  \"credentials\": {\"id\": \"al \\\"ice\\\"&x\", \"secret\": \"p=w\\\\1 ${userid}\"}\n}",
            ),
            (
                "username=${userid}&password=${password}&grant=pw",
                BodyFormat::Form,
                "username=al+%22ice%22%26x&password=p%3Dw%5C1+%24%7Buserid%7D&grant=pw",
            ),
            (
                "${userid}:${password}",
                BodyFormat::Text,
                r#"al "ice"&x:p=w\1 ${userid}"#,
            ),
            (
                "<login><u>${userid}</u><p>${password}</p></login>",
                BodyFormat::Text,
                r#"<login><u>al "ice"&x</u><p>p=w\1 ${userid}</p></login>"#,
            ),
        ];
        for (template, format, expected) in cases {
            let (body, actual_format) = fill(template, user, password);
            assert_eq!(actual_format, *format, "format of {template}");
            assert_eq!(body.expose(), *expected, "body of {template}");
        }
    }

    #[test]
    fn filled_json_body_parses_with_the_credentials() {
        let (body, _) = fill(
            r#"{"u":"${userid}","p":"${password}"}"#,
            "a\"b\n",
            "c\\d\u{1}",
        );
        let value: serde_json::Value = serde_json::from_str(body.expose()).unwrap();
        assert_eq!(value["u"], "a\"b\n");
        assert_eq!(value["p"], "c\\d\u{1}");
    }

    #[test]
    fn form_with_spaces_is_text() {
        assert_eq!(body_format("user = ${userid}"), BodyFormat::Text);
    }

    #[test]
    fn unquoted_json_placeholder_is_text() {
        assert_eq!(body_format(r#"{"u": ${userid}}"#), BodyFormat::Text);
    }

    #[test]
    fn unknown_placeholder_is_kept() {
        let (body, _) = fill("a=${other}&u=${userid}", "x", "y");
        assert_eq!(body.expose(), "a=${other}&u=x");
    }

    #[test]
    fn content_types() {
        assert_eq!(BodyFormat::Json.content_type(), "application/json");
        assert_eq!(
            BodyFormat::Form.content_type(),
            "application/x-www-form-urlencoded"
        );
        assert_eq!(BodyFormat::Text.content_type(), "text/plain");
    }
}
