//! Caller authentication with HTTP Basic against `basicRegistry`, and the
//! groups an authenticated user belongs to.

use std::collections::BTreeSet;

use axum::http::{header, HeaderMap};
use base64::Engine as _;
use sha2::{Digest, Sha256};
use zconnect_config::model::{BasicRegistry, UserPassword};
use zconnect_config::{Config, Secret};

/// An authenticated user and the registry groups it is a member of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub user: String,
    pub groups: BTreeSet<String>,
}

impl Caller {
    /// Whether the user is a member of one of `groups`.
    pub fn in_any(&self, groups: &[String]) -> bool {
        groups.iter().any(|group| self.groups.contains(group))
    }
}

/// Why a request could not be authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthFailure {
    /// No `basicRegistry` is configured, so no one can authenticate.
    NoRegistry,
    /// The request has no `Authorization: Basic` header.
    MissingCredentials,
    /// The `Authorization` header is not valid HTTP Basic.
    MalformedCredentials,
    /// Unknown user or wrong password. The two are not told apart.
    WrongCredentials,
}

/// User name and password from an `Authorization: Basic` header.
#[derive(Debug)]
struct Credentials {
    user: String,
    password: Secret,
}

/// Authenticates the request's HTTP Basic credentials against every
/// `basicRegistry` of the configuration.
pub async fn authenticate(config: &Config, headers: &HeaderMap) -> Result<Caller, AuthFailure> {
    if config.basic_registries.is_empty() {
        return Err(AuthFailure::NoRegistry);
    }

    let credentials = basic_credentials(headers)?;

    for registry in config.basic_registries.values() {
        let Some(user) = registry
            .users
            .iter()
            .find(|user| user.name == credentials.user)
        else {
            continue;
        };
        if !password_matches(&credentials.password, &user.password).await {
            return Err(AuthFailure::WrongCredentials);
        }
        return Ok(Caller {
            user: user.name.clone(),
            groups: groups_of(registry, &user.name),
        });
    }
    Err(AuthFailure::WrongCredentials)
}

fn basic_credentials(headers: &HeaderMap) -> Result<Credentials, AuthFailure> {
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or(AuthFailure::MissingCredentials)?;
    let text = value
        .to_str()
        .map_err(|_| AuthFailure::MalformedCredentials)?;

    let (scheme, encoded) = text
        .trim()
        .split_once(' ')
        .ok_or(AuthFailure::MalformedCredentials)?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(AuthFailure::MissingCredentials);
    }

    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|_| AuthFailure::MalformedCredentials)?;
    let decoded = String::from_utf8(decoded).map_err(|_| AuthFailure::MalformedCredentials)?;
    let (user, password) = decoded
        .split_once(':')
        .ok_or(AuthFailure::MalformedCredentials)?;

    Ok(Credentials {
        user: user.to_owned(),
        password: Secret::new(password),
    })
}

/// Checks a password. A `{hash}` password is checked on the blocking pool:
/// PBKDF2 with many iterations takes long enough to hold up every other
/// connection of the thread that serves this one.
async fn password_matches(candidate: &Secret, stored: &UserPassword) -> bool {
    match stored {
        UserPassword::Plain(expected) => digests_equal(candidate.expose(), expected.expose()),
        UserPassword::Hash(record) => {
            let (record, candidate) = (record.clone(), candidate.clone());
            let checking = tokio::task::spawn_blocking(move || {
                zconnect_config::values::verify_hash(&record, candidate.expose())
            });
            match checking.await {
                Ok(matches) => matches,
                Err(error) => {
                    tracing::error!(%error, "Checking a {{hash}} password failed; the credentials are rejected");
                    false
                }
            }
        }
    }
}

/// Compares two passwords through their SHA-256 digests, so the comparison
/// time does not depend on where they differ.
fn digests_equal(left: &str, right: &str) -> bool {
    let left = Sha256::digest(left.as_bytes());
    let right = Sha256::digest(right.as_bytes());
    left.iter()
        .zip(right.iter())
        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
        == 0
}

fn groups_of(registry: &BasicRegistry, user: &str) -> BTreeSet<String> {
    registry
        .groups
        .iter()
        .filter(|group| group.members.iter().any(|member| member == user))
        .map(|group| group.name.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use zconnect_config::model::{RegistryGroup, RegistryUser};

    fn config_with_registry() -> Config {
        let registry = BasicRegistry {
            id: "basic".to_owned(),
            users: vec![
                RegistryUser {
                    name: "alice".to_owned(),
                    password: UserPassword::Plain(Secret::new("wonder:land")),
                },
                RegistryUser {
                    name: "bob".to_owned(),
                    password: UserPassword::Plain(Secret::new("builder")),
                },
                RegistryUser {
                    name: "carol".to_owned(),
                    password: UserPassword::Hash(Secret::new(hash_record("s3cret"))),
                },
            ],
            groups: vec![
                RegistryGroup {
                    name: "ops".to_owned(),
                    members: vec!["alice".to_owned()],
                },
                RegistryGroup {
                    name: "readers".to_owned(),
                    members: vec!["alice".to_owned(), "bob".to_owned()],
                },
            ],
        };
        let mut config = Config::default();
        config.basic_registries.insert("basic".to_owned(), registry);
        config
    }

    /// Writes `password` as a Liberty `{hash}` record: PBKDF2 with HMAC-SHA1,
    /// 1,000 iterations, an 8-byte salt and a 256-bit digest, in tagged fields.
    fn hash_record(password: &str) -> String {
        let salt = [9u8; 8];
        let mut digest = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password.as_bytes(), &salt, 1000, &mut digest);
        let mut record = Vec::new();
        for (tag, field) in [
            (0x20u8, 1000u32.to_be_bytes().to_vec()),
            (0x30, salt.to_vec()),
            (0x40, digest.to_vec()),
        ] {
            record.push(tag);
            record.extend_from_slice(&(field.len() as u32).to_be_bytes());
            record.extend_from_slice(&field);
        }
        format!(
            "{{hash}}{}",
            base64::engine::general_purpose::STANDARD.encode(record)
        )
    }

    fn basic(user: &str, password: &str) -> HeaderMap {
        let encoded =
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
        let mut headers = HeaderMap::new();
        headers.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&format!("Basic {encoded}")).expect("header value"),
        );
        headers
    }

    #[tokio::test]
    async fn authenticate_accepts_password_with_colon() {
        let caller = authenticate(&config_with_registry(), &basic("alice", "wonder:land"))
            .await
            .expect("alice authenticates");
        assert_eq!(caller.user, "alice");
        assert!(caller.groups.contains("ops"));
        assert!(caller.groups.contains("readers"));
    }

    #[tokio::test]
    async fn authenticate_rejects_wrong_password() {
        let result = authenticate(&config_with_registry(), &basic("alice", "wrong")).await;
        assert_eq!(result, Err(AuthFailure::WrongCredentials));
    }

    #[tokio::test]
    async fn authenticate_rejects_unknown_user() {
        let result = authenticate(&config_with_registry(), &basic("mallory", "builder")).await;
        assert_eq!(result, Err(AuthFailure::WrongCredentials));
    }

    #[tokio::test]
    async fn authenticate_requires_header() {
        let result = authenticate(&config_with_registry(), &HeaderMap::new()).await;
        assert_eq!(result, Err(AuthFailure::MissingCredentials));
    }

    #[tokio::test]
    async fn authenticate_rejects_bad_base64() {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic !!!"));
        let result = authenticate(&config_with_registry(), &headers).await;
        assert_eq!(result, Err(AuthFailure::MalformedCredentials));
    }

    #[tokio::test]
    async fn authenticate_without_registry_reports_it() {
        let result = authenticate(&Config::default(), &basic("alice", "wonder:land")).await;
        assert_eq!(result, Err(AuthFailure::NoRegistry));
    }

    #[tokio::test]
    async fn authenticate_checks_hash_password() {
        let caller = authenticate(&config_with_registry(), &basic("carol", "s3cret"))
            .await
            .expect("carol authenticates");
        assert_eq!(caller.user, "carol");
    }

    #[tokio::test]
    async fn authenticate_rejects_wrong_hash_password() {
        let result = authenticate(&config_with_registry(), &basic("carol", "s3cret!")).await;
        assert_eq!(result, Err(AuthFailure::WrongCredentials));
    }

    #[tokio::test]
    async fn groups_lists_only_memberships() {
        let caller = authenticate(&config_with_registry(), &basic("bob", "builder"))
            .await
            .expect("bob authenticates");
        assert_eq!(caller.groups, BTreeSet::from(["readers".to_owned()]));
    }
}
