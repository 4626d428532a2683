//! The Liberty elements zconnect reads.

use super::ElementKind::{Factory, Singleton};
use super::Family::Liberty;
use super::TimeUnit::Milliseconds;
use super::ValueType::{Boolean, Duration, Enum, Int, Password, Reference, String};
use super::{AttributeSchema as Attr, ElementSchema};

const ID: Attr = Attr::new(
    "id",
    String,
    "Unique id; required only when another element references this one.",
);

/// Feature names that make `zosconnect_*` elements take effect in z/OS Connect.
pub const ZOSCONNECT_FEATURES: &[&str] = &[
    "zosconnect:apiRequester-1.0",
    "zosconnect:zosConnect-2.0",
    "zosconnect:oasRequester-1.0",
];

pub static CONFIG: ElementSchema = ElementSchema {
    name: "config",
    kind: Singleton,
    family: Liberty,
    summary: "How the server reacts to configuration changes and errors.",
    attributes: &[
        Attr::new(
            "monitorInterval",
            Duration(Milliseconds),
            "How often file changes are checked for when file events are not available.",
        )
        .default("500ms"),
        Attr::new(
            "updateTrigger",
            Enum(&["polled", "mbean", "disabled"]),
            "`polled`: reload on file events and polling. `mbean`: only the admin refresh request \
             reloads. `disabled`: no reload at run time.",
        )
        .default("polled"),
        Attr::new(
            "onError",
            Enum(&["WARN", "FAIL", "IGNORE"]),
            "`WARN`: load what is valid and report the rest. `FAIL`: reject the whole \
             configuration on any error. `IGNORE`: like `WARN`, but errors are logged at debug \
             level. A variable or bootstrap property named `onError` sets it too.",
        )
        .default("WARN"),
    ],
    recognised_attributes: &[],
    security_attributes: &[],
    children: &[],
};

pub static FEATURE_MANAGER: ElementSchema = ElementSchema {
    name: "featureManager",
    kind: Singleton,
    family: Liberty,
    summary: "The Liberty features. zconnect uses the `zosconnect_*` elements whatever is listed, \
              but warns when no z/OS Connect feature is.",
    attributes: &[Attr::new(
        "feature",
        String,
        "One feature name per `<feature>` text child.",
    )
    .list()],
    recognised_attributes: &["onError", "platform"],
    security_attributes: &[],
    children: &[],
};

pub static HTTP_ENDPOINT: ElementSchema = ElementSchema {
    name: "httpEndpoint",
    kind: Factory,
    family: Liberty,
    summary: "Where zconnect listens. The instance with id `defaultHttpEndpoint` is used; others \
              are reported as unused.",
    attributes: &[
        ID,
        Attr::new("host", String, "Address to bind; `*` means all interfaces.").default("localhost"),
        Attr::new("httpPort", Int { min: -1, max: 65535 }, "HTTP port; `-1` disables it.")
            .default("9080"),
        Attr::new(
            "httpsPort",
            Int { min: -1, max: 65535 },
            "HTTPS port; `-1` disables it. HTTPS is not served yet: a written `httpsPort` gets an info diagnostic.",
        )
        .default("9443"),
        Attr::new("enabled", Boolean, "Whether the endpoint listens at all.").default("true"),
    ],
    recognised_attributes: &[
        "accessLoggingRef",
        "compressionRef",
        "headersRef",
        "httpOptionsRef",
        "onError",
        "protocolVersion",
        "remoteIpRef",
        "samesiteRef",
        "sslOptionsRef",
        "tcpOptionsRef",
        "accessLogging",
        "compression",
        "headers",
        "httpOptions",
        "remoteIp",
        "samesite",
        "sslOptions",
        "tcpOptions",
    ],
    security_attributes: &[],
    children: &[],
};

pub static SSL: ElementSchema = ElementSchema {
    name: "ssl",
    kind: Factory,
    family: Liberty,
    summary: "A TLS configuration: the stores that hold trusted certificates and the client certificate.",
    attributes: &[
        ID,
        Attr::new("trustStoreRef", Reference(&["keyStore"]), "Store of trusted certificates.")
            .default_note("the key store"),
        Attr::new("keyStoreRef", Reference(&["keyStore"]), "Store of the client certificate and its private key."),
        Attr::new(
            "clientKeyAlias",
            String,
            "Friendly name of the client certificate entry in a PKCS12 key store; ignored, with an \
             info diagnostic, for a PEM key store.",
        ),
    ],
    recognised_attributes: &[
        "clientAuthentication",
        "clientAuthenticationSupported",
        "enabledCiphers",
        "enforceCipherOrder",
        "securityLevel",
        "serverKeyAlias",
        "skipHostnameVerificationForHosts",
        "sslProtocol",
        "trustDefaultCerts",
        "verifyHostname",
        "outboundConnection",
    ],
    security_attributes: &[
        "enabledCiphers",
        "securityLevel",
        "skipHostnameVerificationForHosts",
        "sslProtocol",
        "trustDefaultCerts",
        "verifyHostname",
    ],
    children: &[],
};

pub static SSL_DEFAULT: ElementSchema = ElementSchema {
    name: "sslDefault",
    kind: Singleton,
    family: Liberty,
    summary: "The TLS configuration used where an element names none.",
    attributes: &[
        Attr::new(
            "sslRef",
            Reference(&["ssl"]),
            "Default `ssl` for every connection.",
        )
        .default_note("`defaultSSLConfig` when defined"),
        Attr::new(
            "outboundSSLRef",
            Reference(&["ssl"]),
            "Default `ssl` for outbound connections; wins over `sslRef` for endpoints and \
             authorization servers, as in Liberty.",
        ),
    ],
    recognised_attributes: &[],
    security_attributes: &[],
    children: &[],
};

pub static KEY_STORE: ElementSchema = ElementSchema {
    name: "keyStore",
    kind: Factory,
    family: Liberty,
    summary: "A store of certificates and keys. zconnect reads `PKCS12` and `PEM`; `JKS` and \
              `JCEKS` are an error when an element in use needs the store.",
    attributes: &[
        ID,
        Attr::new(
            "location",
            String,
            "File of the store; a relative path is resolved against the server directory.",
        )
        .default("${server.output.dir}/resources/security/key.p12"),
        Attr::new("type", String, "Store type: `PKCS12` or `PEM`.").default("PKCS12"),
        Attr::new(
            "password",
            Password {
                hash_allowed: false,
            },
            "Password of the store, plain or `{xor}`.",
        ),
    ],
    recognised_attributes: &[
        "fileBased",
        "pollingRate",
        "provider",
        "readOnly",
        "updateTrigger",
        "keyEntry",
    ],
    security_attributes: &[],
    children: &[],
};

pub static BASIC_REGISTRY: ElementSchema = ElementSchema {
    name: "basicRegistry",
    kind: Factory,
    family: Liberty,
    summary: "Users and groups that authenticate HTTP Basic callers.",
    attributes: &[ID],
    recognised_attributes: &[
        "realm",
        "ignoreCaseForAuthentication",
        "certificateMapMode",
        "certificateMapperId",
    ],
    security_attributes: &[],
    children: &[REGISTRY_USER, REGISTRY_GROUP],
};

const REGISTRY_USER: ElementSchema = ElementSchema {
    name: "user",
    kind: Factory,
    family: Liberty,
    summary: "A user of the registry.",
    attributes: &[
        Attr::new("name", String, "User name.").required(),
        Attr::new(
            "password",
            Password { hash_allowed: true },
            "Password: plain, `{xor}`, or Liberty's one-way `{hash}`, which is verified, never decoded.",
        )
        .required(),
    ],
    recognised_attributes: &[],
    security_attributes: &[],
    children: &[],
};

const REGISTRY_GROUP: ElementSchema = ElementSchema {
    name: "group",
    kind: Factory,
    family: Liberty,
    summary: "A group of the registry.",
    attributes: &[Attr::new("name", String, "Group name.").required()],
    recognised_attributes: &[],
    security_attributes: &[],
    children: &[GROUP_MEMBER],
};

const GROUP_MEMBER: ElementSchema = ElementSchema {
    name: "member",
    kind: Factory,
    family: Liberty,
    summary: "A user that belongs to the group.",
    attributes: &[Attr::new("name", String, "User name.").required()],
    recognised_attributes: &[],
    security_attributes: &[],
    children: &[],
};

pub static ADMINISTRATOR_ROLE: ElementSchema = ElementSchema {
    name: "administrator-role",
    kind: Singleton,
    family: Liberty,
    summary: "Users and groups that may use every admin route.",
    attributes: &[
        Attr::new("user", String, "One user name per `<user>` text child.").list(),
        Attr::new("group", String, "One group name per `<group>` text child.").list(),
    ],
    recognised_attributes: &["user-access-id", "group-access-id"],
    security_attributes: &[],
    children: &[],
};

pub static LOGGING: ElementSchema = ElementSchema {
    name: "logging",
    kind: Singleton,
    family: Liberty,
    summary:
        "Liberty logging. zconnect's own log level comes from its command line and `RUST_LOG`.",
    attributes: &[Attr::new(
        "traceSpecification",
        String,
        "Kept and shown; not applied.",
    )],
    recognised_attributes: &[
        "appsWriteJson",
        "consoleFormat",
        "consoleLogLevel",
        "consoleSource",
        "copySystemStreams",
        "hideMessage",
        "isoDateFormat",
        "jsonAccessLogFields",
        "jsonFieldMappings",
        "logDirectory",
        "maxFileSize",
        "maxFiles",
        "messageFileName",
        "messageFormat",
        "messageSource",
        "rolloverInterval",
        "rolloverStartTime",
        "suppressSensitiveTrace",
        "traceFileName",
        "traceFormat",
    ],
    security_attributes: &[],
    children: &[],
};

pub static WEB_APPLICATION: ElementSchema = ElementSchema {
    name: "webApplication",
    kind: Factory,
    family: Liberty,
    summary: "A web application. One with a `connectionRef` application property declares an API \
              requester the z/OS Connect 3.0 way; others are recognised and not used.",
    attributes: &[
        ID,
        Attr::new(
            "name",
            String,
            "Application name; the requester name when written.",
        ),
        Attr::new(
            "location",
            String,
            "Path of the WAR; its file name without extension names the requester when neither \
             `name` nor `id` is written.",
        )
        .required(),
    ],
    recognised_attributes: &[
        "autoStart",
        "context-root",
        "contextRoot",
        "startAfterRef",
        "type",
        "useJandex",
        "application-bnd",
        "classloader",
        "web-bnd",
        "web-ext",
    ],
    security_attributes: &[],
    children: &[APP_PROPERTIES],
};

const APP_PROPERTIES: ElementSchema = ElementSchema {
    name: "appProperties",
    kind: Singleton,
    family: Liberty,
    summary: "Application properties.",
    attributes: &[],
    recognised_attributes: &[],
    security_attributes: &[],
    children: &[APP_PROPERTY],
};

const APP_PROPERTY: ElementSchema = ElementSchema {
    name: "property",
    kind: Factory,
    family: Liberty,
    summary: "One application property; `connectionRef` names the requester's endpoint connection.",
    attributes: &[
        Attr::new("name", String, "Property name.").required(),
        Attr::new("value", String, "Property value.").required(),
    ],
    recognised_attributes: &[],
    security_attributes: &[],
    children: &[],
};
