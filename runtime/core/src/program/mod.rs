//! The whole-gateway program: routes, effective pipelines as policy operations, backends.
//!
//! A [`Program`] is what `gatehouse build` writes and `gatehouse run` serves. It is plain
//! data, immutable once loaded, shared behind an `Arc`. Policies are *operations* with
//! pre-parsed arguments ([`Op`]); every expression is a compiled [`Code`] referenced by index,
//! so nothing is parsed at request time. Blocks are shared: the API-scope sections used by
//! every operation of an API, a product's sections and each fragment are emitted once and
//! reached through [`OpKind::Call`].
//!
//! All cross references are `u32` indices into the program's tables; the bundle loader
//! checks every one of them, so code that walks a loaded program may index directly.

mod backend;
mod contract;
pub mod ops;
mod print;
mod route;
mod secrets;

pub use backend::{Backend, BackendKind, Breaker, Credentials, PoolMember, TlsSettings};
pub use contract::{BodySpec, Contract, ParamIn, ParamSpec, ResponseSpec};
pub use ops::AuthenticationBasic;
pub use ops::AuthenticationManagedIdentity;
pub use ops::Cors;
pub use ops::FindAndReplace;
pub use ops::ForwardAttr;
pub use ops::Quota;
pub use ops::Retry;
pub use ops::SendRequest;
pub use ops::Wait;
pub use ops::XslTransform;
pub use ops::{canonical_ip, ip_key, parse_ip_filter_address, IpFilter};
pub use ops::{
    Arg, CheckHeader, Choose, ExistsAction, ForwardRequest, HeaderOp, HttpVersion, LiquidBody,
    MockResponse, Op, OpKind, RateLimitByKey, Refs, ReturnResponse, RewriteUri, SetBackendService,
    SetBody, SetMethod, SetStatus, SetVariable, Severity, TraceOp, EXECUTED_POLICIES,
};
pub use ops::{AuthenticationCertificate, CertIdentity, ValidateClientCertificate};
pub use ops::{CacheLookup, CacheStore, LimitConcurrency, QuotaByKey};
pub use ops::{CacheLookupValue, CacheRemoveValue, CacheStoreValue, CachingType};
pub use ops::{CallsReport, Limit, RateLimit, Target};
pub use ops::{ContentRule, TypeMapping, ValidateAs, ValidateContent};
pub use ops::{ContentSafety, HarmCategory, OutputType, SemanticCacheLookup, SemanticCacheStore};
pub use ops::{
    DefaultDimension, Dimension, DimensionValue, EmitMetric, QuotaPeriod, TokenLimit, TokenMetric,
};
pub use ops::{EventSink, LogToEventhub};
pub use ops::{JsonToXml, XmlToJson};
pub use ops::{
    JwtRules, KeyMaterial, RequiredClaim, SigningKey, TokenSource, ValidateAzureAdToken,
    ValidateJwt,
};
pub use ops::{
    ParamBlock, ValidateGraphqlRequest, ValidateHeaders, ValidateParameters, ValidateStatusCode,
    PARAMETER_BLOCKS,
};
pub use print::explain;
pub use route::{
    Api, ApiKind, MockExample, Operation, Product, Protocols, Subscription, SubscriptionScope,
    Versioning, NOT_ON_HANDSHAKE,
};
pub use secrets::{secret_env_name, MissingSecret, SecretRef};

use crate::bytecode::Code;
use std::sync::Arc;

/// Index into [`Program::strings`].
pub type StrId = u32;
/// Index into [`Program::codes`].
pub type CodeId = u32;
/// Index into [`Program::blocks`].
pub type BlockId = u32;
/// Index into [`Program::locs`].
pub type LocId = u32;
/// Index into [`Program::pipelines`].
pub type PipelineId = u32;
/// Index into [`Program::backends`].
pub type BackendId = u32;

/// A compiled gateway.
#[derive(Debug, Default, PartialEq)]
pub struct Program {
    /// Interned strings: header and variable names, literal attribute values, URLs.
    /// Strings holding a `{{secret}}` reference are completed by
    /// [`Program::resolve_secrets`] when the gateway loads the program.
    pub strings: Vec<Arc<str>>,
    /// Every policy expression, compiled.
    pub codes: Vec<CodeEntry>,
    /// Sequences of policy operations; sections, shared scopes and fragments.
    pub blocks: Vec<Block>,
    /// One per (operation, product) pair whose effective policy differs.
    pub pipelines: Vec<Pipeline>,
    /// The global policy alone, when the project has one: its `on-error` runs for a
    /// request that matches no API or operation.
    pub global: Option<PipelineId>,
    /// APIs with their operations (the routing table).
    pub apis: Vec<Api>,
    /// Products.
    pub products: Vec<Product>,
    /// Subscriptions (keys stored as SHA-256 digests, never in clear).
    pub subscriptions: Vec<Subscription>,
    /// Backend entities, single and pool.
    pub backends: Vec<Backend>,
    /// Secret and Key Vault named values, referenced and resolved at load.
    pub secrets: Vec<SecretRef>,
    /// Source file paths, relative to the project root.
    pub files: Vec<Arc<str>>,
    /// Source locations of policies and expressions.
    pub locs: Vec<Loc>,
    /// The values [`Program::resolve_secrets`] filled in: never encoded, only kept so that
    /// no message the gateway makes can carry one ([`Program::redact`]).
    pub secret_values: Vec<Arc<str>>,
}

/// A compiled expression and where it was written.
#[derive(Debug, PartialEq)]
pub struct CodeEntry {
    /// The code. Its spans are byte offsets into the expression text after `@(`/`@{`.
    pub code: Code,
    /// Where the expression starts (the `@`).
    pub loc: LocId,
}

/// A sequence of policy operations, run in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Block {
    /// The operations.
    pub ops: Vec<Op>,
}

/// The effective policy of one operation (through one product or none): a block per
/// section, in the order `inbound`, `backend`, `outbound`, `on-error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pipeline {
    /// `[inbound, backend, outbound, on-error]`.
    pub sections: [BlockId; 4],
}

/// The section names, in [`Pipeline::sections`] order.
pub const SECTION_NAMES: [&str; 4] = ["inbound", "backend", "outbound", "on-error"];

/// The scope a policy was written at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Scope {
    /// The service (global) policy.
    Global = 0,
    /// A workspace's policy.
    Workspace = 1,
    /// A product's policy.
    Product = 2,
    /// An API's policy.
    Api = 3,
    /// An operation's policy.
    Operation = 4,
    /// A policy fragment.
    Fragment = 5,
}

impl Scope {
    /// All scopes, in tag order.
    pub const ALL: [Scope; 6] = [
        Scope::Global,
        Scope::Workspace,
        Scope::Product,
        Scope::Api,
        Scope::Operation,
        Scope::Fragment,
    ];

    /// The name `context.LastError.Scope` reports.
    pub fn name(self) -> &'static str {
        match self {
            Scope::Global => "global",
            Scope::Workspace => "workspace",
            Scope::Product => "product",
            Scope::Api => "api",
            Scope::Operation => "operation",
            Scope::Fragment => "fragment",
        }
    }
}

/// A source location: file, 1-based line and column (in characters), the scope and the
/// policy's path within its document (`inbound/choose[1]/when[2]/set-header[1]`), which
/// `context.LastError.Path` reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Loc {
    /// Index into [`Program::files`].
    pub file: u32,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// The scope of the document.
    pub scope: Scope,
    /// The policy path, a [`StrId`].
    pub path: StrId,
}

impl Program {
    /// String `id` (empty when out of range; a verified program never is).
    pub fn str(&self, id: StrId) -> &str {
        self.strings.get(id as usize).map_or("", |s| s)
    }

    /// Code `id`.
    pub fn code(&self, id: CodeId) -> Option<&CodeEntry> {
        self.codes.get(id as usize)
    }

    /// Location `id`.
    pub fn loc(&self, id: LocId) -> Option<&Loc> {
        self.locs.get(id as usize)
    }

    /// `file:line:column` of location `id`.
    pub fn describe_loc(&self, id: LocId) -> String {
        match self.loc(id) {
            Some(l) => {
                let file = self.files.get(l.file as usize).map_or("?", |f| f);
                format!("{file}:{}:{}", l.line, l.column)
            }
            None => "?".to_string(),
        }
    }

    /// The backend called `name`.
    pub fn backend_by_name(&self, name: &str) -> Option<BackendId> {
        self.backends
            .iter()
            .position(|b| self.str(b.name) == name)
            .map(|i| i as BackendId)
    }
}
