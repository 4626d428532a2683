//! Byte sizes and durations as written on the command line.

use std::time::Duration;

/// Parses a byte size: a bare number of bytes, or a number followed by `B`,
/// `KiB`, `MiB` or `GiB`. Units are binary, and `KB`, `MB`, `GB` are read the same.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);

    let number: u64 = digits.parse().map_err(|_| {
        format!("invalid size {text:?}: expected a number of bytes, optionally followed by KiB, MiB or GiB")
    })?;

    let multiplier: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1024,
        "m" | "mb" | "mib" => 1024 * 1024,
        "g" | "gb" | "gib" => 1024 * 1024 * 1024,
        other => {
            return Err(format!(
                "invalid size {text:?}: unknown unit {other:?}, use B, KiB, MiB or GiB"
            ))
        }
    };

    number
        .checked_mul(multiplier)
        .ok_or_else(|| format!("invalid size {text:?}: too large"))
}

/// Parses a byte size that must be above zero: a limit of 0 bytes would
/// reject everything it limits.
pub fn parse_positive_size(text: &str) -> Result<u64, String> {
    match parse_size(text)? {
        0 => Err(format!(
            "invalid size {:?}: it must be at least 1 byte, e.g. 64MiB",
            text.trim()
        )),
        size => Ok(size),
    }
}

/// Parses a duration that must be above zero.
pub fn parse_positive_duration(text: &str) -> Result<Duration, String> {
    let duration = parse_duration(text)?;
    if duration.is_zero() {
        return Err(format!(
            "invalid duration {:?}: it must be above zero, e.g. 30s",
            text.trim()
        ));
    }
    Ok(duration)
}

/// Parses a duration: one or more `<integer><unit>` parts with units `d`, `h`,
/// `m`, `s`, `ms` (`1m30s`, `250ms`), or a bare integer of milliseconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let invalid = || {
        format!(
            "invalid duration {text:?}: expected a number with a unit such as 25ms, 30s or 1m30s"
        )
    };

    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.is_empty() {
        return Err(invalid());
    }
    if compact.chars().all(|c| c.is_ascii_digit()) {
        let millis: u64 = compact.parse().map_err(|_| invalid())?;
        return Ok(Duration::from_millis(millis));
    }

    let mut total = Duration::ZERO;
    let mut rest = compact.as_str();
    while !rest.is_empty() {
        let digits_end = rest
            .find(|c: char| !c.is_ascii_digit())
            .ok_or_else(invalid)?;
        if digits_end == 0 {
            return Err(invalid());
        }
        let number: u64 = rest[..digits_end].parse().map_err(|_| invalid())?;
        rest = &rest[digits_end..];

        let unit_end = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let part = match &rest[..unit_end] {
            "ms" => Duration::from_millis(number),
            "s" => Duration::from_secs(number),
            "m" => Duration::from_secs(number.saturating_mul(60)),
            "h" => Duration::from_secs(number.saturating_mul(3600)),
            "d" => Duration::from_secs(number.saturating_mul(86_400)),
            _ => return Err(invalid()),
        };
        total = total.saturating_add(part);
        rest = &rest[unit_end..];
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_accepts_bytes_and_binary_units() {
        assert_eq!(parse_size("1024"), Ok(1024));
        assert_eq!(parse_size("64MiB"), Ok(64 * 1024 * 1024));
        assert_eq!(parse_size("8 MiB"), Ok(8 * 1024 * 1024));
        assert_eq!(parse_size("2KiB"), Ok(2048));
        assert_eq!(parse_size("1GB"), Ok(1024 * 1024 * 1024));
    }

    #[test]
    fn size_rejects_unknown_unit_and_fraction() {
        assert!(parse_size("5 parsecs").is_err());
        assert!(parse_size("1.5MiB").is_err());
        assert!(parse_size("").is_err());
        assert!(parse_size("99999999999999999999GiB").is_err());
    }

    #[test]
    fn duration_accepts_units_and_bare_milliseconds() {
        assert_eq!(parse_duration("25ms"), Ok(Duration::from_millis(25)));
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("1s 500ms"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("40"), Ok(Duration::from_millis(40)));
    }

    #[test]
    fn duration_rejects_trailing_number_sign_and_fraction() {
        assert!(parse_duration("1m30").is_err());
        assert!(parse_duration("-5s").is_err());
        assert!(parse_duration("1.5s").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("10 fortnights").is_err());
    }
}
