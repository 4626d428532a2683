//! Time a call through `Client` adds over calling the same loopback endpoint
//! directly with reqwest, with the OAuth token already cached.
//!
//! Run with `cargo bench -p zconnect-requester --bench call_overhead`.

#![allow(clippy::unwrap_used, missing_docs)]

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use http::{HeaderMap, Method};
use zconnect_config::model::{
    AuthData, Authentication, AuthorizationServer, BasicAuthEncoding, EndpointConnection,
    GrantType, OAuthConfig, RetryCheckLevel, Scheme,
};
use zconnect_config::{Config, Secret};
use zconnect_requester::{
    CallRequest, CallTarget, Client, RequestBody, RequesterOptions, SharedState,
};
use zconnect_sandbox::Sandbox;

fn config(sandbox: &Sandbox) -> Config {
    Config {
        endpoint_connections: BTreeMap::from([(
            "api".to_owned(),
            EndpointConnection {
                id: "api".to_owned(),
                scheme: Scheme::Http,
                host: "127.0.0.1".to_owned(),
                port: sandbox.port(),
                domain_base_path: "/api".to_owned(),
                basic_auth: None,
                authentication: Some(Authentication::OAuth("oauth".to_owned())),
                ssl: None,
                connection_timeout: Duration::from_secs(5),
                receive_timeout: Duration::from_secs(5),
            },
        )]),
        oauth_configs: BTreeMap::from([(
            "oauth".to_owned(),
            OAuthConfig {
                id: "oauth".to_owned(),
                grant_type: GrantType::ClientCredentials,
                auth_server: "as".to_owned(),
                token_retry_check_level: RetryCheckLevel::InvalidTokenChallenge,
                scope: None,
                audience: None,
                resource: None,
                token_expiry_margin: Duration::from_secs(1),
                token_replace_interval: Duration::from_secs(5),
                default_token_lifetime: Duration::from_secs(300),
            },
        )]),
        authorization_servers: BTreeMap::from([(
            "as".to_owned(),
            AuthorizationServer {
                id: "as".to_owned(),
                token_endpoint: sandbox.token_url(),
                basic_auth: Some("client".to_owned()),
                ssl: None,
                connection_timeout: Duration::from_secs(5),
                receive_timeout: Duration::from_secs(5),
                basic_auth_encoding: BasicAuthEncoding::Form,
            },
        )]),
        auth_data: BTreeMap::from([(
            "client".to_owned(),
            AuthData {
                id: "client".to_owned(),
                user: "bench".to_owned(),
                password: Some(Secret::new("bench-secret")),
            },
        )]),
        ..Config::default()
    }
}

fn call_overhead(criterion: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let sandbox = runtime.block_on(Sandbox::start()).unwrap();
    let shared = SharedState::new(RequesterOptions::default());
    let client = Client::build(Arc::new(config(&sandbox)), shared, None).unwrap();
    let target = CallTarget {
        requester: "bench".to_owned(),
        connection: "api".to_owned(),
        base_path: String::new(),
    };
    let call = || CallRequest {
        method: Method::GET,
        path: "/items".to_owned(),
        query: None,
        headers: HeaderMap::new(),
        body: RequestBody::empty(),
    };

    // The first call fetches the token; every measured call uses the cache.
    runtime.block_on(async {
        let response = client.call(&target, call()).await.unwrap();
        response.body.collect().await.unwrap();
    });
    let token = sandbox.issued_tokens().remove(0);
    let direct = reqwest::Client::builder().no_proxy().build().unwrap();
    let url = format!("{}/api/items", sandbox.base_url());

    let mut group = criterion.benchmark_group("call_overhead");
    group.bench_function("reqwest_direct", |bencher| {
        bencher.to_async(&runtime).iter(|| async {
            let response = direct.get(&url).bearer_auth(&token).send().await.unwrap();
            assert_eq!(response.status(), 200);
            response.bytes().await.unwrap()
        });
    });
    group.bench_function("client_call_cached_token", |bencher| {
        bencher.to_async(&runtime).iter(|| async {
            let response = client.call(&target, call()).await.unwrap();
            assert_eq!(response.status, 200);
            response.body.collect().await.unwrap()
        });
    });
    group.finish();
    assert_eq!(
        sandbox.token_requests(),
        1,
        "every measured call used the cached token"
    );
}

criterion_group!(benches, call_overhead);
criterion_main!(benches);
