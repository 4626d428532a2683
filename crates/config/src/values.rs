//! Converts raw attribute strings to typed values, one function per
//! value type of the schema.
//!
//! Every error names the value (never a password) and the expected form, so
//! the caller can build a diagnostic that shows the user what to write.

mod duration;
mod json_path;
mod password;

use std::time::Duration;

use crate::schema::ValueType;
use crate::Secret;

pub use duration::{parse_duration, ParsedDuration};
pub use json_path::{parse_json_path, JsonPathSegment};
pub use password::{decode_password, encode_xor, verify_hash, PasswordValue};

/// Reason a raw value does not convert to its attribute's type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error("`{value}` is not a boolean: write `true` or `false`")]
    NotABoolean { value: String },

    #[error(
        "`{value}` is not an integer: write decimal digits with an optional sign, and no spaces"
    )]
    NotAnInteger { value: String },

    #[error("`{value}` is out of range: write an integer from {min} to {max}")]
    OutOfRange { value: String, min: i64, max: i64 },

    #[error("`{value}` is not one of the allowed values: write {}", list_options(.options))]
    NotAnOption { value: String, options: Vec<String> },

    #[error("`{value}` is not a duration: {reason}")]
    NotADuration { value: String, reason: String },

    #[error("the password uses the `{encoding}` encoding, which zconnect cannot decode: {advice}")]
    UnsupportedPasswordEncoding {
        encoding: String,
        advice: &'static str,
    },

    #[error(
        "the `{{xor}}` password is not valid ({reason}): encode it again with `zconnect encode`"
    )]
    InvalidXor { reason: &'static str },

    #[error("the `{{hash}}` password is not a valid Liberty hash record ({reason}): generate it again with Liberty's securityUtility")]
    InvalidHash { reason: String },

    #[error("`{value}` is not an absolute URL: {reason}")]
    NotAUrl { value: String, reason: String },

    #[error("`{value}` is not a JSONPath: {reason}; write a path such as `$.a.b` or `$['a'].b`")]
    NotAJsonPath { value: String, reason: String },

    #[error("the reference is empty: write the id of an element")]
    EmptyReference,
}

fn list_options(options: &[String]) -> String {
    let quoted: Vec<String> = options.iter().map(|option| format!("`{option}`")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => "nothing".to_owned(),
    }
}

/// A converted attribute value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    String(String),
    Boolean(bool),
    Int(i64),
    Duration(ParsedDuration),
    /// The canonical spelling from the schema.
    Enum(&'static str),
    Password(PasswordValue),
    Url(String),
    Reference(String),
    ReferenceList(Vec<String>),
    NameList(Vec<String>),
    JsonPath(String),
}

impl Value {
    /// Returns the value as JSON for the effective configuration, secrets masked.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::json;
        match self {
            Value::String(text)
            | Value::Url(text)
            | Value::Reference(text)
            | Value::JsonPath(text) => {
                json!(text)
            }
            Value::Boolean(flag) => json!(flag),
            Value::Int(number) => json!(number),
            Value::Duration(parsed) => json!(format_duration(parsed.value)),
            Value::Enum(option) => json!(option),
            Value::Password(_) => json!(Secret::MASK),
            Value::ReferenceList(items) | Value::NameList(items) => json!(items),
        }
    }
}

/// Converts a raw value to the schema type. `IntOptions` values outside the
/// options give [`ValueError::NotAnOption`]; the caller reports them with
/// Liberty's unexpected-value message.
pub fn convert(ty: ValueType, raw: &str) -> Result<Value, ValueError> {
    match ty {
        ValueType::String => Ok(Value::String(raw.to_owned())),
        ValueType::Boolean => parse_boolean(raw).map(Value::Boolean),
        ValueType::Int { min, max } => parse_int(raw, min, max).map(Value::Int),
        ValueType::IntOptions(options) => parse_int_option(raw, options).map(Value::Int),
        ValueType::Duration(unit) => parse_duration(raw, unit).map(Value::Duration),
        ValueType::Enum(options) => parse_enum(raw, options).map(Value::Enum),
        ValueType::Password { hash_allowed } => {
            decode_password(raw, hash_allowed).map(Value::Password)
        }
        ValueType::Url => parse_url(raw).map(Value::Url),
        ValueType::Reference(_) => parse_reference(raw).map(Value::Reference),
        ValueType::ReferenceList(_) => Ok(Value::ReferenceList(parse_list(raw))),
        ValueType::NameList => Ok(Value::NameList(parse_list(raw))),
        ValueType::JsonPath => {
            parse_json_path(raw)?;
            Ok(Value::JsonPath(raw.to_owned()))
        }
    }
}

/// Parses `true` or `false` in any case.
pub fn parse_boolean(raw: &str) -> Result<bool, ValueError> {
    if raw.eq_ignore_ascii_case("true") {
        Ok(true)
    } else if raw.eq_ignore_ascii_case("false") {
        Ok(false)
    } else {
        Err(ValueError::NotABoolean {
            value: raw.to_owned(),
        })
    }
}

/// Parses an optional sign and decimal digits within `min..=max`. Spaces are
/// not trimmed, as in Liberty: `" 3"` is invalid.
pub fn parse_int(raw: &str, min: i64, max: i64) -> Result<i64, ValueError> {
    let digits = raw.strip_prefix(['+', '-']).unwrap_or(raw);
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(ValueError::NotAnInteger {
            value: raw.to_owned(),
        });
    }

    let out_of_range = || ValueError::OutOfRange {
        value: raw.to_owned(),
        min,
        max,
    };
    let number: i64 = raw.parse().map_err(|_| out_of_range())?;
    if number < min || number > max {
        return Err(out_of_range());
    }
    Ok(number)
}

/// Parses an integer that must be one of `options`.
pub fn parse_int_option(raw: &str, options: &[i64]) -> Result<i64, ValueError> {
    let not_an_option = || ValueError::NotAnOption {
        value: raw.to_owned(),
        options: options.iter().map(i64::to_string).collect(),
    };
    let number = parse_int(raw, i64::MIN, i64::MAX).map_err(|_| not_an_option())?;
    if options.contains(&number) {
        Ok(number)
    } else {
        Err(not_an_option())
    }
}

/// Matches one of `options` ignoring case and returns its canonical spelling.
pub fn parse_enum(raw: &str, options: &'static [&'static str]) -> Result<&'static str, ValueError> {
    options
        .iter()
        .copied()
        .find(|option| option.eq_ignore_ascii_case(raw))
        .ok_or_else(|| ValueError::NotAnOption {
            value: raw.to_owned(),
            options: options.iter().map(|option| (*option).to_owned()).collect(),
        })
}

/// Checks an absolute `http` or `https` URL with a host.
pub fn parse_url(raw: &str) -> Result<String, ValueError> {
    let not_a_url = |reason: &str| ValueError::NotAUrl {
        value: raw.to_owned(),
        reason: reason.to_owned(),
    };
    let parsed = url::Url::parse(raw).map_err(|error| {
        not_a_url(&format!(
            "{error}; write a URL such as `https://host/token`"
        ))
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(not_a_url("the scheme must be `http` or `https`"));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(not_a_url("the URL has no host"));
    }
    Ok(raw.to_owned())
}

/// Trims a reference to an id; ids never contain surrounding spaces.
pub fn parse_reference(raw: &str) -> Result<String, ValueError> {
    let id = raw.trim();
    if id.is_empty() {
        return Err(ValueError::EmptyReference);
    }
    Ok(id.to_owned())
}

/// Splits a comma-separated list, trimming each item and dropping empty ones.
pub fn parse_list(raw: &str) -> Vec<String> {
    raw.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Formats a duration in the largest units that keep it exact, such as
/// `1m30s` or `500ms`; zero is `0ms`.
pub fn format_duration(duration: Duration) -> String {
    let mut millis = duration.as_millis();
    if millis == 0 {
        return "0ms".to_owned();
    }
    let mut text = String::new();
    for (unit, size) in [
        ("d", 86_400_000u128),
        ("h", 3_600_000),
        ("m", 60_000),
        ("s", 1_000),
        ("ms", 1),
    ] {
        if millis >= size {
            text.push_str(&format!("{}{unit}", millis / size));
            millis %= size;
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_options_joins_with_or() {
        let options = vec!["1".to_owned(), "3".to_owned()];
        assert_eq!(list_options(&options), "`1` or `3`");
    }

    #[test]
    fn format_duration_uses_exact_units() {
        assert_eq!(format_duration(Duration::from_millis(90_000)), "1m30s");
        assert_eq!(format_duration(Duration::from_millis(1_500)), "1s500ms");
        assert_eq!(format_duration(Duration::ZERO), "0ms");
    }
}
