//! Scripted replies: what the sandbox sends back for one request.

use std::time::Duration;

use bytes::Bytes;

/// What the sandbox does with one request: answer (after an optional delay,
/// with the body in one piece or in timed parts), never answer, or close the
/// connection without answering.
#[derive(Debug, Clone)]
pub struct Reply {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: ReplyBody,
    pub(crate) delay: Duration,
    pub(crate) action: ReplyAction,
}

#[derive(Debug, Clone)]
pub(crate) enum ReplyBody {
    Full(Bytes),
    /// Parts sent one after the other, each after its pause.
    Parts(Vec<(Duration, Bytes)>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReplyAction {
    Respond,
    Hang,
    Close,
}

impl Reply {
    /// A response with this status and an empty body.
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: ReplyBody::Full(Bytes::new()),
            delay: Duration::ZERO,
            action: ReplyAction::Respond,
        }
    }

    /// A response with a JSON body and `Content-Type: application/json`.
    pub fn json(status: u16, body: &serde_json::Value) -> Reply {
        Reply::status(status)
            .header("content-type", "application/json")
            .body(body.to_string())
    }

    /// A response with a text body and `Content-Type: text/plain`.
    pub fn text(status: u16, body: &str) -> Reply {
        Reply::status(status)
            .header("content-type", "text/plain")
            .body(body.to_owned())
    }

    /// A 401 with one `WWW-Authenticate` header line per challenge (none when
    /// `challenges` is empty).
    pub fn unauthorized(challenges: &[&str]) -> Reply {
        challenges
            .iter()
            .fold(Reply::status(401), |reply, challenge| {
                reply.header("www-authenticate", challenge)
            })
    }

    /// Never answers: the connection stays open until the client gives up or
    /// the sandbox stops.
    pub fn hang() -> Reply {
        Reply {
            action: ReplyAction::Hang,
            ..Reply::status(200)
        }
    }

    /// Closes the connection without sending anything.
    pub fn close() -> Reply {
        Reply {
            action: ReplyAction::Close,
            ..Reply::status(200)
        }
    }

    /// Adds a header line; repeated names give repeated lines.
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Sets the whole body, sent in one piece.
    pub fn body(mut self, body: impl Into<Bytes>) -> Reply {
        self.body = ReplyBody::Full(body.into());
        self
    }

    /// Sends the body in parts, each after its pause. A long last pause makes
    /// a body that stalls after the status and headers have gone out.
    pub fn parts(mut self, parts: Vec<(Duration, Bytes)>) -> Reply {
        self.body = ReplyBody::Parts(parts);
        self
    }

    /// Waits this long before sending the status line.
    pub fn delay(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }
}
