//! The z/OS Connect API requester elements.

use super::ElementKind::{Factory, Singleton};
use super::Family::ApiRequester;
use super::TimeUnit::{Milliseconds, Seconds};
use super::ValueType::{
    Boolean, Duration, Enum, Int, IntOptions, JsonPath, NameList, Password, Reference, String, Url,
};
use super::{AttributeSchema as Attr, ElementSchema};

const ID: Attr = Attr::new(
    "id",
    String,
    "Unique id; required only when another element references this one.",
);

/// Kinds an `authenticationConfigRef` may name.
pub const AUTHENTICATION_KINDS: &[&str] = &[
    "zosconnect_oAuthConfig",
    "zosconnect_authToken",
    "zosconnect_authTokenLocal",
];

const UPDATE_TRIGGERS: &[&str] = &["polled", "mbean", "disabled"];
const ID_ASSERTIONS: &[&str] = &["OFF", "ASSERT_ONLY", "ASSERT_SURROGATE"];

pub static ENDPOINT_CONNECTION: ElementSchema = ElementSchema {
    name: "zosconnect_endpointConnection",
    kind: Factory,
    family: ApiRequester,
    summary: "The remote API that an API requester calls.",
    attributes: &[
        ID,
        Attr::new(
            "host",
            String,
            "Scheme and host together, such as `https://api.example.com`; the scheme selects TLS. \
             A bare host name is accepted and uses `https` when `sslCertsRef` is written on the \
             element, `http` otherwise, with an info diagnostic saying which.",
        )
        .required(),
        Attr::new("port", Int { min: 1, max: 65535 }, "Port of the endpoint.").required(),
        Attr::new(
            "domainBasePath",
            String,
            "Path prefix put before the operation path; slashes are joined without doubling.",
        )
        .default(""),
        Attr::new(
            "basicAuthRef",
            Reference(&["zosconnect_authData"]),
            "Sends HTTP Basic credentials to the endpoint. Cannot be combined with an \
             `authenticationConfigRef` whose token goes in the `Authorization` header.",
        ),
        Attr::new(
            "authenticationConfigRef",
            Reference(AUTHENTICATION_KINDS),
            "How a token for the endpoint is obtained.",
        ),
        Attr::new("sslCertsRef", Reference(&["ssl"]), "TLS trust and client certificate for the endpoint.")
            .default_note(
                "the `ssl` named by `sslDefault`, else `defaultSSLConfig` when defined, else the system trust roots",
            ),
        Attr::new(
            "connectionTimeout",
            Duration(Milliseconds),
            "Time allowed to open the connection, TLS handshake included.",
        )
        .default("30s"),
        Attr::new(
            "receiveTimeout",
            Duration(Milliseconds),
            "Time allowed from sending the request to receiving the response headers, and the \
             longest pause between parts of the response body.",
        )
        .default("60s"),
    ],
    recognised_attributes: &[],
    security_attributes: &[],
    children: &[],
};

pub static OAUTH_CONFIG: ElementSchema = ElementSchema {
    name: "zosconnect_oAuthConfig",
    kind: Factory,
    family: ApiRequester,
    summary: "OAuth 2.0 access tokens for an endpoint.",
    attributes: &[
        ID,
        Attr::new(
            "grantType",
            Enum(&["client_credentials", "password"]),
            "Grant used in the token request.",
        )
        .required(),
        Attr::new(
            "authServerRef",
            Reference(&["zosconnect_authorizationServer"]),
            "The authorization server that issues the tokens.",
        )
        .required(),
        Attr::new(
            "tokenRetryCheckLevel",
            IntOptions(&[1, 3]),
            "Which 401 responses from the endpoint are retried once with a new token. `1`: any 401. \
             `3`: a 401 whose `WWW-Authenticate` has a Bearer challenge with \
             `error=\"invalid_token\"`. `2` is reserved by z/OS Connect and gets the \
             unexpected-value warning like any other value.",
        )
        .default("3"),
        Attr::new("scope", String, "Scope sent when the caller supplies none.").extension(),
        Attr::new(
            "audience",
            String,
            "`audience` parameter sent when the caller supplies none.",
        )
        .extension(),
        Attr::new(
            "resource",
            String,
            "`resource` parameter (RFC 8707) sent when the caller supplies none.",
        )
        .extension(),
        Attr::new(
            "tokenExpiryMargin",
            Duration(Milliseconds),
            "A cached token is used only while at least this much of its lifetime remains.",
        )
        .default("1s")
        .extension(),
        Attr::new(
            "tokenReplaceInterval",
            Duration(Milliseconds),
            "At most one replacement token per cache key per interval after 401 responses; `0` \
             disables the limit.",
        )
        .default("5s")
        .extension(),
        Attr::new(
            "defaultTokenLifetime",
            Duration(Seconds),
            "Lifetime of a token whose response gives none and that is not a JWT with `exp`.",
        )
        .default("300s")
        .extension(),
    ],
    recognised_attributes: &[],
    security_attributes: &[],
    children: &[],
};

pub static AUTHORIZATION_SERVER: ElementSchema = ElementSchema {
    name: "zosconnect_authorizationServer",
    kind: Factory,
    family: ApiRequester,
    summary: "The server that issues access tokens.",
    attributes: &[
        ID,
        Attr::new(
            "tokenEndpoint",
            Url,
            "Absolute `http` or `https` URL of the token endpoint.",
        )
        .required(),
        Attr::new(
            "basicAuthRef",
            Reference(&["zosconnect_authData"]),
            "Client id (`user`) and client secret (`password`).",
        ),
        Attr::new(
            "sslCertsRef",
            Reference(&["ssl"]),
            "TLS trust and client certificate for the token endpoint.",
        )
        .default_note("as for `zosconnect_endpointConnection`"),
        Attr::new(
            "connectionTimeout",
            Duration(Milliseconds),
            "Time allowed to open the connection, TLS handshake included.",
        )
        .default("30s")
        .extension(),
        Attr::new(
            "receiveTimeout",
            Duration(Milliseconds),
            "Time allowed from sending the token request to receiving the response.",
        )
        .default("60s")
        .extension(),
        Attr::new(
            "basicAuthEncoding",
            Enum(&["form", "plain"]),
            "`form` form-urlencodes the client id and secret before base64, as RFC 6749 section \
             2.3.1 requires; `plain` sends them unchanged, for servers that do not decode them.",
        )
        .default("form")
        .extension(),
    ],
    recognised_attributes: &[],
    security_attributes: &[],
    children: &[],
};

pub static AUTH_DATA: ElementSchema = ElementSchema {
    name: "zosconnect_authData",
    kind: Factory,
    family: ApiRequester,
    summary: "A user name and password, or a client id and client secret.",
    attributes: &[
        ID,
        Attr::new("user", String, "User name or client id.").required(),
        Attr::new(
            "password",
            Password {
                hash_allowed: false,
            },
            "Password or client secret, plain or `{xor}`; may be absent for a public OAuth client.",
        ),
    ],
    recognised_attributes: &[],
    security_attributes: &[],
    children: &[],
};

pub static AUTH_TOKEN: ElementSchema = ElementSchema {
    name: "zosconnect_authToken",
    kind: Factory,
    family: ApiRequester,
    summary: "A token, usually a JWT, from an authentication server that is not an OAuth 2.0 token endpoint.",
    attributes: &[
        ID,
        Attr::new(
            "authServerRef",
            Reference(&["zosconnect_authorizationServer"]),
            "Its `tokenEndpoint` is the URL requested; its `basicAuthRef` gives the server-side credentials.",
        )
        .required(),
        Attr::new("header", String, "Header that carries the token to the endpoint.")
            .default("Authorization"),
        Attr::new("useBearerScheme", Boolean, "Prefix the token with `Bearer ` in that header.")
            .default("true"),
        Attr::new("cacheTokensWithJti", Boolean, "Also cache JWTs that have a `jti` claim.")
            .default("false"),
    ],
    recognised_attributes: &[],
    security_attributes: &[],
    children: &[TOKEN_REQUEST, TOKEN_RESPONSE],
};

const TOKEN_REQUEST: ElementSchema = ElementSchema {
    name: "tokenRequest",
    kind: Singleton,
    family: ApiRequester,
    summary: "How the token is requested.",
    attributes: &[
        Attr::new(
            "credentialLocation",
            Enum(&["header", "body"]),
            "Where the user credentials go.",
        )
        .default("header"),
        Attr::new(
            "header",
            String,
            "Header that carries `Basic base64(user:password)`.",
        )
        .required_when("credentialLocation", "header"),
        Attr::new(
            "requestMethod",
            Enum(&["GET", "PUT", "POST"]),
            "HTTP method of the token request.",
        )
        .default("POST"),
        Attr::new(
            "requestBody",
            String,
            "Body template; `${userid}` and `${password}` are replaced by the credentials and are \
             not configuration variables.",
        )
        .required_when("credentialLocation", "body"),
    ],
    recognised_attributes: &[],
    security_attributes: &[],
    children: &[],
};

const TOKEN_RESPONSE: ElementSchema = ElementSchema {
    name: "tokenResponse",
    kind: Singleton,
    family: ApiRequester,
    summary: "Where the token is found in the response.",
    attributes: &[
        Attr::new(
            "tokenLocation",
            Enum(&["header", "body"]),
            "Where the token comes back.",
        )
        .default("header"),
        Attr::new("header", String, "Response header that holds the token.")
            .required_when("tokenLocation", "header"),
        Attr::new(
            "responseFormat",
            Enum(&["Text", "JSON"]),
            "Format of the response body.",
        )
        .required_when("tokenLocation", "body"),
        Attr::new(
            "tokenPath",
            JsonPath,
            "JSONPath of the token in a JSON body, such as `$.a.b` or `$['a'].b`.",
        )
        .required_when("responseFormat", "JSON"),
    ],
    recognised_attributes: &[],
    security_attributes: &[],
    children: &[],
};

pub static AUTH_TOKEN_LOCAL: ElementSchema = ElementSchema {
    name: "zosconnect_authTokenLocal",
    kind: Factory,
    family: ApiRequester,
    summary: "A JWT that the server signs itself with a Liberty `jwtBuilder`. Read but not \
              supported: a warning, and an endpoint that uses it is invalid.",
    attributes: &[
        ID,
        Attr::new(
            "tokenGeneratorRef",
            String,
            "The `jwtBuilder` that signs the token.",
        ),
        Attr::new(
            "header",
            String,
            "Header that carries the token to the endpoint.",
        )
        .default("Authorization"),
        Attr::new(
            "useBearerScheme",
            Boolean,
            "Prefix the token with `Bearer ` in that header.",
        )
        .default("true"),
    ],
    recognised_attributes: &[],
    security_attributes: &[],
    children: &[],
};

pub static API_REQUESTERS: ElementSchema = ElementSchema {
    name: "zosconnect_apiRequesters",
    kind: Singleton,
    family: ApiRequester,
    summary: "The API requesters: where their archives are and who may call them.",
    attributes: &[
        Attr::new("location", String, "Folder of `.ara` archives; a missing folder is reported as info.")
            .default("${server.config.dir}/resources/zosconnect/apiRequesters"),
        Attr::new("updateTrigger", Enum(UPDATE_TRIGGERS), "How changes in that folder are picked up.")
            .default("polled"),
        Attr::new(
            "pollingRate",
            Duration(Milliseconds),
            "Longest time before a change in that folder is picked up when file events are missing.",
        )
        .default("5s"),
        Attr::new(
            "requireAuth",
            Boolean,
            "Callers must authenticate with HTTP Basic against the user registry.",
        )
        .default_note("from `zosconnect_zosConnectManager`"),
        Attr::new("requireSecure", Boolean, "Callers must use HTTPS.")
            .default_note("from `zosconnect_zosConnectManager`"),
        Attr::new("idAssertion", Enum(ID_ASSERTIONS), "Identity assertion mode, kept and shown.")
            .default("OFF"),
        Attr::new("adminGroup", NameList, "Groups that may use every admin route.")
            .default_note("from `zosconnect_zosConnectManager`"),
        Attr::new("operationsGroup", NameList, "Groups that may start and stop requesters.")
            .default_note("from `zosconnect_zosConnectManager`"),
        Attr::new("readerGroup", NameList, "Groups that may read requester details.")
            .default_note("from `zosconnect_zosConnectManager`"),
        Attr::new("invokeGroup", NameList, "Groups that may call the requesters.")
            .default_note("from `zosconnect_zosConnectManager`"),
    ],
    recognised_attributes: &[],
    security_attributes: &[],
    children: &[API_REQUESTER],
};

const API_REQUESTER: ElementSchema = ElementSchema {
    name: "apiRequester",
    kind: Factory,
    family: ApiRequester,
    summary: "One API requester; entries with the same name merge.",
    attributes: &[
        Attr::new("name", String, "The API requester name used in calls, such as `petstore_1.0.0`.")
            .required(),
        Attr::new(
            "connectionRef",
            Reference(&["zosconnect_endpointConnection"]),
            "The endpoint connection this requester calls; wins over the one in the requester's archive.",
        )
        .extension(),
        Attr::new("requireAuth", Boolean, "Per-requester override.")
            .default_note("from `zosconnect_apiRequesters`"),
        Attr::new("requireSecure", Boolean, "Per-requester override.")
            .default_note("from `zosconnect_apiRequesters`"),
        Attr::new("idAssertion", Enum(ID_ASSERTIONS), "Per-requester override.")
            .default_note("from `zosconnect_apiRequesters`"),
        Attr::new("adminGroup", NameList, "Per-requester override.")
            .default_note("from `zosconnect_apiRequesters`"),
        Attr::new("operationsGroup", NameList, "Per-requester override.")
            .default_note("from `zosconnect_apiRequesters`"),
        Attr::new("readerGroup", NameList, "Per-requester override.")
            .default_note("from `zosconnect_apiRequesters`"),
        Attr::new("invokeGroup", NameList, "Per-requester override.")
            .default_note("from `zosconnect_apiRequesters`"),
        Attr::new(
            "status",
            Enum(&["started", "stopped"]),
            "Status at start; a status changed through the admin API lasts until the server stops.",
        )
        .default("started")
        .extension(),
    ],
    recognised_attributes: &[],
    security_attributes: &[],
    children: &[],
};

pub static ZOS_CONNECT_MANAGER: ElementSchema = ElementSchema {
    name: "zosconnect_zosConnectManager",
    kind: Singleton,
    family: ApiRequester,
    summary: "Server-wide defaults for API requesters.",
    attributes: &[
        Attr::new(
            "requireAuth",
            Boolean,
            "Default for API requesters. zconnect authenticates against a `basicRegistry` only; \
             without one, calls are answered 401.",
        )
        .default("true"),
        Attr::new(
            "requireSecure",
            Boolean,
            "Callers must use HTTPS. zconnect serves HTTP only for now, so the load warns and \
             calls are accepted over HTTP.",
        )
        .default("true"),
        Attr::new("globalAdminGroup", NameList, "Default for `adminGroup`."),
        Attr::new(
            "globalOperationsGroup",
            NameList,
            "Default for `operationsGroup`.",
        ),
        Attr::new("globalReaderGroup", NameList, "Default for `readerGroup`."),
        Attr::new("globalInvokeGroup", NameList, "Default for `invokeGroup`."),
    ],
    recognised_attributes: &[
        "asyncRequestTimeout",
        "globalInterceptorsRef",
        "preserveJsonPayloadCharFormat",
        "setUTF8ResponseEncoding",
    ],
    security_attributes: &[],
    children: &[],
};
