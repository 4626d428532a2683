//! A string that never shows itself in logs, errors or debug output.

use std::fmt;

/// A password, client secret or token. `Debug` and `Display` print `****`; the
/// value is reachable only through [`Secret::expose`], so every place that needs
/// the clear text is easy to find.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Secret(String);

impl Secret {
    /// The text printed in place of a secret everywhere.
    pub const MASK: &'static str = "****";

    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// Returns the clear text. Call it only where the value is sent or compared.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(Self::MASK)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(Self::MASK)
    }
}

impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(Self::MASK)
    }
}

/// A string in `Debug` output of the configuration trees: shown as it is, or
/// `****` when it may hold a secret.
pub(crate) struct MaybeSecretText<'a> {
    pub text: &'a str,
    pub secret: bool,
}

impl fmt::Debug for MaybeSecretText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.secret {
            f.write_str(Secret::MASK)
        } else {
            fmt::Debug::fmt(self.text, f)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn secret_debug_and_display_are_masked() {
        let secret = Secret::new("hunter2");
        assert_eq!(format!("{secret:?}"), "****");
        assert_eq!(format!("{secret}"), "****");
        assert_eq!(serde_json::to_string(&secret).unwrap(), "\"****\"");
        assert_eq!(secret.expose(), "hunter2");
    }
}
