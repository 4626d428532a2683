//! Liberty durations: a bare integer in the attribute's base unit, or
//! `<integer><unit>` parts such as `1m30s`, `1s500ms` or `2h 5m`.

use std::time::Duration;

use super::ValueError;
use crate::schema::TimeUnit;

/// A converted duration and how it was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParsedDuration {
    pub value: Duration,
    /// True when written as a bare number, read in the attribute's base unit;
    /// the caller reports which unit that was.
    pub bare: bool,
}

const UNITS: &[(&str, u64)] = &[
    ("ms", 1),
    ("d", 86_400_000),
    ("h", 3_600_000),
    ("m", 60_000),
    ("s", 1_000),
];

/// Parses a duration. Unlike Liberty, which silently truncates them, a
/// trailing number without a unit (`1m30`), a sign (`-5s`) and a fraction
/// (`1.5s`) are invalid.
pub fn parse_duration(raw: &str, base: TimeUnit) -> Result<ParsedDuration, ValueError> {
    let invalid = |reason: &str| ValueError::NotADuration {
        value: raw.to_owned(),
        reason: reason.to_owned(),
    };

    if raw.is_empty() {
        return Err(invalid(
            "the value is empty; write a number with a unit such as `30s`",
        ));
    }
    if raw.starts_with(['+', '-']) {
        return Err(invalid(
            "a duration has no sign; write a number with a unit such as `30s`",
        ));
    }
    if raw.contains(['.', ',']) {
        return Err(invalid(
            "a duration has no fractions; use a smaller unit, such as `1s500ms` for 1.5 seconds",
        ));
    }

    if raw.bytes().all(|byte| byte.is_ascii_digit()) {
        let number: u64 = raw
            .parse()
            .map_err(|_| invalid("the number is too large"))?;
        let millis = match base {
            TimeUnit::Milliseconds => Some(number),
            TimeUnit::Seconds => number.checked_mul(1_000),
        };
        let millis = millis.ok_or_else(|| invalid("the number is too large"))?;
        return Ok(ParsedDuration {
            value: Duration::from_millis(millis),
            bare: true,
        });
    }

    let mut total: u64 = 0;
    let mut rest = raw;
    let mut first = true;
    while !rest.is_empty() {
        let trimmed = rest.trim_start_matches(' ');
        if first && trimmed.len() != rest.len() {
            return Err(invalid("remove the leading spaces"));
        }
        rest = trimmed;
        if rest.is_empty() {
            return Err(invalid("remove the trailing spaces"));
        }
        first = false;

        let digits_end = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits_end == 0 {
            return Err(invalid(
                "each part must be a number followed by a unit: `d`, `h`, `m`, `s` or `ms`",
            ));
        }
        let number: u64 = rest[..digits_end]
            .parse()
            .map_err(|_| invalid("the number is too large"))?;
        rest = &rest[digits_end..];

        let unit_end = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        if unit_end == 0
            && rest
                .trim_start_matches(' ')
                .starts_with(|c: char| c.is_ascii_alphabetic())
        {
            return Err(invalid(
                "write each unit right after its number, without a space",
            ));
        }
        if unit_end == 0 {
            return Err(invalid(
                "the last number has no unit; add one of `d`, `h`, `m`, `s` or `ms`, such as `1m30s`",
            ));
        }
        let unit = &rest[..unit_end];
        let size = UNITS
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(unit))
            .map(|(_, size)| *size)
            .ok_or_else(|| {
                invalid(&format!(
                    "`{unit}` is not a unit; use `d`, `h`, `m`, `s` or `ms`"
                ))
            })?;
        rest = &rest[unit_end..];

        total = number
            .checked_mul(size)
            .and_then(|part| total.checked_add(part))
            .ok_or_else(|| invalid("the duration is too large"))?;
    }

    Ok(ParsedDuration {
        value: Duration::from_millis(total),
        bare: false,
    })
}
