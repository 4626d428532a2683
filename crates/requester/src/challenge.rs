//! Reading `WWW-Authenticate` challenges (RFC 9110 section 11.6.1), leniently.
//!
//! The grammar is `#challenge` with `challenge = auth-scheme [ 1*SP ( token68 /
//! #auth-param ) ]`, where a comma separates both the parameters of one
//! challenge and one challenge from the next. A list item that is a token
//! followed by `=` is a parameter of the current challenge; any other token
//! starts a new challenge. Real servers bend the grammar, so the parser also
//! accepts:
//!
//! - a comma right after the scheme (`Bearer, error="invalid_token"`) and empty
//!   list elements (`,,`);
//! - single-quoted values, and unquoted values that run to the next comma (URLs
//!   such as `https://host/path`);
//! - parameters separated by spaces instead of commas after a quoted value;
//! - an unescaped `"` inside a quoted value when what follows it is not a
//!   comma, whitespace or the end of the line.
//!
//! Several header lines form one list, as RFC 9110 section 5.3 defines, but a
//! quoted value never runs past the end of its line. The parser never fails.
//! It skips whatever it cannot read, and every step consumes at least one
//! byte, so it always ends (a proptest runs it on arbitrary bytes).

use http::header::WWW_AUTHENTICATE;
use http::HeaderMap;

/// One challenge: a scheme with either a token68 or a list of parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// The scheme as written; compare it with [`Challenge::is_scheme`].
    pub scheme: String,
    /// The token68 form (`Negotiate YIIG...`), when the challenge has one.
    pub token68: Option<String>,
    /// Parameters in order, names in ASCII lower case, values unquoted and
    /// unescaped.
    pub params: Vec<(String, String)>,
}

impl Challenge {
    fn new(scheme: String) -> Self {
        Challenge {
            scheme,
            token68: None,
            params: Vec::new(),
        }
    }

    /// Tells whether the scheme is `scheme`, ignoring ASCII case.
    pub fn is_scheme(&self, scheme: &str) -> bool {
        self.scheme.eq_ignore_ascii_case(scheme)
    }

    /// Returns the value of the first parameter named `name`, ignoring ASCII case.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(param_name, _)| param_name.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// Parses every challenge of the given header lines, in order.
pub fn parse_challenges<'a>(lines: impl IntoIterator<Item = &'a [u8]>) -> Vec<Challenge> {
    let mut parser = Parser::default();
    for line in lines {
        parser.parse_line(line);
    }
    parser.finish()
}

/// Parses the challenges of every `WWW-Authenticate` header in `headers`.
pub fn challenges_in(headers: &HeaderMap) -> Vec<Challenge> {
    parse_challenges(
        headers
            .get_all(WWW_AUTHENTICATE)
            .iter()
            .map(|value| value.as_bytes()),
    )
}

/// Tells whether `headers` carry a challenge of scheme Bearer whose `error`
/// parameter is exactly `invalid_token`.
///
/// An `error` parameter of another scheme (DPoP, Basic) does not count, and
/// neither does the text `invalid_token` anywhere else, such as in
/// `error_description`.
pub fn has_bearer_invalid_token(headers: &HeaderMap) -> bool {
    challenges_in(headers).iter().any(|challenge| {
        challenge.is_scheme("Bearer") && challenge.param("error") == Some("invalid_token")
    })
}

/// The challenge being read, carried from one header line to the next.
#[derive(Debug)]
struct Current {
    challenge: Challenge,
    /// True until a list item follows the scheme: only then may a token68 come.
    expects_token68: bool,
}

#[derive(Debug, Default)]
struct Parser {
    current: Option<Current>,
    challenges: Vec<Challenge>,
}

impl Parser {
    fn parse_line(&mut self, line: &[u8]) {
        let mut cursor = Cursor {
            input: line,
            position: 0,
        };
        loop {
            // Commas and whitespace between list items. After a comma the next
            // item can no longer be the current challenge's token68.
            while let Some(byte) = cursor.peek() {
                if byte == b',' {
                    self.end_token68_window();
                } else if !is_whitespace(byte) {
                    break;
                }
                cursor.position += 1;
            }
            if cursor.at_end() {
                break;
            }

            let start = cursor.position;
            cursor.skip_token();
            if cursor.position == start {
                cursor.skip_stray_item();
                continue;
            }
            let token = &line[start..cursor.position];

            let after_token = cursor.skip_whitespace_from(cursor.position);
            let token68_allowed = self.token68_allowed() && is_token68(token);
            if cursor.peek_at(after_token) == Some(b'=') {
                // `name=value`, unless `=` padding directly after the token
                // ends the item, which makes it a token68 (`Negotiate YII=`).
                let padding_end = cursor.skip_equals_from(after_token);
                if token68_allowed
                    && after_token == cursor.position
                    && cursor.ends_item(padding_end)
                {
                    self.set_token68(lossy(&line[start..padding_end]));
                    cursor.position = padding_end;
                } else {
                    cursor.position = after_token + 1;
                    let value = cursor.read_value();
                    self.add_param(token, value);
                }
            } else if token68_allowed && cursor.ends_item(after_token) {
                self.set_token68(lossy(token));
            } else {
                self.start_challenge(lossy(token));
            }
        }

        // The end of a line separates list items like a comma.
        self.end_token68_window();
    }

    fn finish(mut self) -> Vec<Challenge> {
        self.finish_challenge();
        self.challenges
    }

    fn token68_allowed(&self) -> bool {
        self.current
            .as_ref()
            .is_some_and(|current| current.expects_token68)
    }

    fn end_token68_window(&mut self) {
        if let Some(current) = self.current.as_mut() {
            current.expects_token68 = false;
        }
    }

    fn start_challenge(&mut self, scheme: String) {
        self.finish_challenge();
        self.current = Some(Current {
            challenge: Challenge::new(scheme),
            expects_token68: true,
        });
    }

    fn finish_challenge(&mut self) {
        if let Some(current) = self.current.take() {
            self.challenges.push(current.challenge);
        }
    }

    fn set_token68(&mut self, token68: String) {
        if let Some(current) = self.current.as_mut() {
            current.challenge.token68 = Some(token68);
            current.expects_token68 = false;
        }
    }

    /// Adds a parameter to the current challenge. A parameter before any
    /// scheme belongs to no challenge and is dropped.
    fn add_param(&mut self, name: &[u8], value: String) {
        if let Some(current) = self.current.as_mut() {
            current
                .challenge
                .params
                .push((lossy(name).to_ascii_lowercase(), value));
            current.expects_token68 = false;
        }
    }
}

/// A read position in one header line.
struct Cursor<'a> {
    input: &'a [u8],
    position: usize,
}

fn is_whitespace(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\r' | b'\n')
}

/// Bytes that end a token: whitespace and the separators the grammar relies on.
fn ends_token(byte: u8) -> bool {
    is_whitespace(byte) || matches!(byte, b',' | b'=' | b'"')
}

fn is_token68(token: &[u8]) -> bool {
    token.iter().all(|&byte| {
        byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'+' | b'/')
    })
}

impl Cursor<'_> {
    fn at_end(&self) -> bool {
        self.position >= self.input.len()
    }

    fn peek(&self) -> Option<u8> {
        self.peek_at(self.position)
    }

    fn peek_at(&self, position: usize) -> Option<u8> {
        self.input.get(position).copied()
    }

    fn skip_whitespace_from(&self, mut position: usize) -> usize {
        while self.peek_at(position).is_some_and(is_whitespace) {
            position += 1;
        }
        position
    }

    fn skip_equals_from(&self, mut position: usize) -> usize {
        while self.peek_at(position) == Some(b'=') {
            position += 1;
        }
        position
    }

    /// Tells whether the list item ends at `position`: at a comma or the end
    /// of the line, with whitespace allowed before either.
    fn ends_item(&self, position: usize) -> bool {
        let position = self.skip_whitespace_from(position);
        matches!(self.peek_at(position), None | Some(b','))
    }

    fn skip_token(&mut self) {
        while self.peek().is_some_and(|byte| !ends_token(byte)) {
            self.position += 1;
        }
    }

    /// Skips an item that does not start with a token. A quoted string is
    /// skipped whole, so that a comma inside it does not split the list. Any
    /// other byte (a stray `=`) is skipped alone.
    fn skip_stray_item(&mut self) {
        match self.peek() {
            Some(quote @ (b'"' | b'\'')) => {
                self.position += 1;
                self.read_quoted(quote);
            }
            _ => self.position += 1,
        }
    }

    fn read_value(&mut self) -> String {
        self.position = self.skip_whitespace_from(self.position);
        match self.peek() {
            Some(quote @ (b'"' | b'\'')) => {
                self.position += 1;
                self.read_quoted(quote)
            }
            _ => self.read_unquoted(),
        }
    }

    /// Reads a quoted value after its opening quote, with backslash escapes.
    /// A quote closes the value only when a comma, whitespace or the end of
    /// the line follows it; otherwise it is part of the value. Without a
    /// closing quote the value runs to the end of the line.
    fn read_quoted(&mut self, quote: u8) -> String {
        let mut value = Vec::new();
        while let Some(byte) = self.peek() {
            self.position += 1;
            if byte == b'\\' {
                if let Some(escaped) = self.peek() {
                    value.push(escaped);
                    self.position += 1;
                }
            } else if byte == quote
                && self
                    .peek()
                    .is_none_or(|next| next == b',' || is_whitespace(next))
            {
                break;
            } else {
                value.push(byte);
            }
        }
        lossy(&value)
    }

    /// Reads an unquoted value up to the next comma, trailing whitespace removed.
    fn read_unquoted(&mut self) -> String {
        let start = self.position;
        while self.peek().is_some_and(|byte| byte != b',') {
            self.position += 1;
        }
        lossy(self.input[start..self.position].trim_ascii_end())
    }
}

fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
