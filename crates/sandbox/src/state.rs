//! What the sandbox records and how it chooses each reply.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use bytes::Bytes;
use tokio::time::Instant;

use crate::demo_routes;
use crate::record::RecordedRequest;
use crate::reply::{Reply, ReplyAction, ReplyBody};
use crate::server::ConnectionCloser;

/// The challenge the API sends with a 401 for a token it does not accept,
/// unless a test sets others.
pub const DEFAULT_REJECTION_CHALLENGE: &str = r#"Bearer realm="sandbox", error="invalid_token""#;

/// Replies for one route: queued ones are used first, one per request; then
/// the standing reply if set; then the route's own behaviour.
#[derive(Debug, Default)]
pub(crate) struct Script {
    pub(crate) queue: VecDeque<Reply>,
    pub(crate) standing: Option<Reply>,
}

impl Script {
    fn next(&mut self) -> Option<Reply> {
        self.queue.pop_front().or_else(|| self.standing.clone())
    }
}

/// The check the protected API applies to the `Authorization` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ApiAuth {
    /// Accept only tokens this sandbox issued, not revoked and not expired.
    #[default]
    IssuedBearerToken,
    /// Accept every request, with or without credentials.
    Open,
}

#[derive(Debug)]
struct IssuedToken {
    issued_at: Instant,
    lifetime: Option<Duration>,
    revoked: bool,
}

#[derive(Debug)]
pub(crate) struct Settings {
    pub(crate) token_script: Script,
    pub(crate) api_script: Script,
    /// `expires_in` of issued tokens in seconds; `None` leaves it out.
    pub(crate) token_lifetime: Option<u64>,
    pub(crate) api_auth: ApiAuth,
    pub(crate) rejection_challenges: Vec<String>,
    /// Client id and secret the token endpoint requires, if any.
    pub(crate) client: Option<(String, String)>,
    /// Whether the `zconnect demo` routes are served and API bodies show token numbers.
    pub(crate) demo_routes: bool,
    issued: HashMap<String, IssuedToken>,
    issued_order: Vec<String>,
    token_log: Vec<RecordedRequest>,
    api_log: Vec<RecordedRequest>,
}

#[derive(Debug)]
pub(crate) struct Shared {
    settings: Mutex<Settings>,
    token_requests: AtomicUsize,
    api_calls: AtomicUsize,
}

impl Shared {
    pub(crate) fn new() -> Shared {
        Shared {
            settings: Mutex::new(Settings {
                token_script: Script::default(),
                api_script: Script::default(),
                token_lifetime: Some(3600),
                api_auth: ApiAuth::default(),
                rejection_challenges: vec![DEFAULT_REJECTION_CHALLENGE.to_owned()],
                client: None,
                demo_routes: false,
                issued: HashMap::new(),
                issued_order: Vec::new(),
                token_log: Vec::new(),
                api_log: Vec::new(),
            }),
            token_requests: AtomicUsize::new(0),
            api_calls: AtomicUsize::new(0),
        }
    }

    /// Locks the settings; a panic in another holder (a test assertion) does
    /// not make the sandbox unusable.
    pub(crate) fn settings(&self) -> MutexGuard<'_, Settings> {
        self.settings
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn token_requests(&self) -> usize {
        self.token_requests.load(Ordering::SeqCst)
    }

    pub(crate) fn api_calls(&self) -> usize {
        self.api_calls.load(Ordering::SeqCst)
    }

    pub(crate) fn token_log(&self) -> Vec<RecordedRequest> {
        self.settings().token_log.clone()
    }

    pub(crate) fn api_log(&self) -> Vec<RecordedRequest> {
        self.settings().api_log.clone()
    }

    pub(crate) fn issued_tokens(&self) -> Vec<String> {
        self.settings().issued_order.clone()
    }

    pub(crate) fn revoke_tokens(&self) {
        for token in self.settings().issued.values_mut() {
            token.revoked = true;
        }
    }
}

/// Reads the whole request into a record.
async fn record(request: Request) -> (RecordedRequest, Option<ConnectionCloser>) {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let headers = parts
        .headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_owned(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let recorded = RecordedRequest {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers,
        body,
    };
    (
        recorded,
        parts.extensions.get::<ConnectionCloser>().cloned(),
    )
}

pub(crate) async fn token_endpoint(
    State(shared): State<std::sync::Arc<Shared>>,
    request: Request,
) -> Response {
    let (recorded, closer) = record(request).await;
    shared.token_requests.fetch_add(1, Ordering::SeqCst);

    let reply = {
        let mut settings = shared.settings();
        settings.token_log.push(recorded.clone());
        match settings.token_script.next() {
            Some(reply) => reply,
            None => issue_token(&mut settings, &recorded, shared.token_requests()),
        }
    };
    play(reply, closer).await
}

fn issue_token(settings: &mut Settings, request: &RecordedRequest, serial: usize) -> Reply {
    if let Some((id, secret)) = &settings.client {
        if !client_matches(request, id, secret) {
            return Reply::json(
                401,
                &serde_json::json!({
                    "error": "invalid_client",
                    "error_description": "client authentication failed",
                }),
            )
            .header("www-authenticate", r#"Basic realm="sandbox""#);
        }
    }

    let token = format!("sandbox-token-{serial}");
    let lifetime = settings.token_lifetime;
    settings.issued.insert(
        token.clone(),
        IssuedToken {
            issued_at: Instant::now(),
            lifetime: lifetime.map(Duration::from_secs),
            revoked: false,
        },
    );
    settings.issued_order.push(token.clone());

    let mut body = serde_json::json!({"access_token": token, "token_type": "Bearer"});
    if let Some(seconds) = lifetime {
        body["expires_in"] = serde_json::json!(seconds);
    }
    Reply::json(200, &body).header("cache-control", "no-store")
}

/// Checks the client the way RFC 6749 section 2.3.1 allows: HTTP Basic with
/// form-urlencoded id and secret, or `client_id` and `client_secret` in the body.
fn client_matches(request: &RecordedRequest, id: &str, secret: &str) -> bool {
    if let Some((sent_id, sent_secret)) = request.header("authorization").and_then(basic_pair) {
        return sent_id == id && sent_secret == secret;
    }
    request.form_value("client_id").as_deref() == Some(id)
        && request.form_value("client_secret").as_deref() == Some(secret)
}

fn basic_pair(value: &str) -> Option<(String, String)> {
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    let unescape = |text: &str| -> Option<String> {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(&format!("v={}", text.replace('&', "%26"))).ok()?;
        pairs.into_iter().next().map(|(_, value)| value)
    };
    Some((unescape(id)?, unescape(secret)?))
}

pub(crate) async fn protected_api(
    State(shared): State<std::sync::Arc<Shared>>,
    request: Request,
) -> Response {
    let (recorded, closer) = record(request).await;
    shared.api_calls.fetch_add(1, Ordering::SeqCst);

    let reply = {
        let mut settings = shared.settings();
        settings.api_log.push(recorded.clone());
        match settings.api_script.next() {
            Some(reply) => reply,
            None => answer_api(&settings, &recorded),
        }
    };
    play(reply, closer).await
}

fn answer_api(settings: &Settings, request: &RecordedRequest) -> Reply {
    let token_number = settings
        .demo_routes
        .then(|| token_number(settings, request));
    if let Some(reply) = token_number.and_then(|number| demo_routes::reply(&request.path, number)) {
        return reply;
    }

    if settings.api_auth == ApiAuth::IssuedBearerToken {
        let accepted = request
            .bearer_token()
            .and_then(|token| settings.issued.get(token))
            .is_some_and(|token| {
                !token.revoked
                    && token
                        .lifetime
                        .is_none_or(|lifetime| token.issued_at.elapsed() < lifetime)
            });
        if !accepted {
            let challenges: Vec<&str> = settings
                .rejection_challenges
                .iter()
                .map(String::as_str)
                .collect();
            return Reply::unauthorized(&challenges)
                .header("content-type", "application/json")
                .body(r#"{"error":"HTTP 401 Unauthorized"}"#);
        }
    }

    let mut summary = serde_json::json!({
        "method": request.method,
        "path": request.path,
        "query": request.query,
        "bodyLength": request.body.len(),
    });
    if let Some(number) = token_number {
        summary["tokenNumber"] = serde_json::json!(number);
    }
    Reply::json(200, &summary)
}

/// Returns the position of the request's bearer token among the issued
/// tokens, 1 for the first. `None` means no token or one the sandbox did not issue.
fn token_number(settings: &Settings, request: &RecordedRequest) -> Option<usize> {
    let token = request.bearer_token()?;
    settings
        .issued_order
        .iter()
        .position(|issued| issued == token)
        .map(|index| index + 1)
}

/// Carries out a reply: waits, then responds, hangs or closes the connection.
async fn play(reply: Reply, closer: Option<ConnectionCloser>) -> Response {
    tokio::time::sleep(reply.delay).await;

    match reply.action {
        ReplyAction::Respond => {}
        ReplyAction::Hang => std::future::pending::<()>().await,
        ReplyAction::Close => {
            if let Some(closer) = closer {
                closer.close();
            }
            std::future::pending::<()>().await;
        }
    }

    let body = match reply.body {
        ReplyBody::Full(bytes) => Body::from(bytes),
        ReplyBody::Parts(parts) => {
            let stream = futures_util::stream::unfold(parts.into_iter(), |mut parts| async move {
                let (pause, bytes) = parts.next()?;
                tokio::time::sleep(pause).await;
                Some((Ok::<Bytes, std::io::Error>(bytes), parts))
            });
            Body::from_stream(stream)
        }
    };

    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, body).into_response();
    for (name, value) in &reply.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            response.headers_mut().append(name, value);
        }
    }
    response
}
