//! The policy catalogue: machine-readable descriptions of every APIM policy element.
//!
//! The data lives in TOML files under `data/` (one per category), embedded with
//! `include_str!` and parsed once by [`catalogue()`]. Each [`PolicySpec`] records where a
//! policy may appear ([`Sections`], [`Scopes`], [`OncePer`]), its provenance ([`Status`],
//! `source`, `notes`) and the shape of its element ([`ElementSpec`]): attributes with types,
//! defaults and whether policy expressions are allowed, and child elements in their
//! documented order.
//!
//! Global rules that are not repeated per policy:
//!
//! * every policy element accepts the attributes in [`COMMON_ATTRIBUTES`] (`id`);
//! * the structural elements `policies`, `inbound`, `backend`, `outbound`, `on-error`,
//!   `base` and `fragment` are **not** policies; they are described separately
//!   ([`Catalogue::structural`]) so that every element name of a document is known;
//! * `base` may appear wherever policy statements may ([`Content::Policies`]); whether a
//!   particular placement is meaningful is the compiler's business.

mod load;

use std::collections::HashMap;
use std::sync::OnceLock;

pub use load::CatalogueError;

/// Attributes accepted on every policy element without being listed per policy.
///
/// `id` names the statement; its value surfaces as `context.LastError.PolicyId`.
pub const COMMON_ATTRIBUTES: &[&str] = &["id"];

/// Known misspellings of policy names, mapped to the documented name.
///
/// Microsoft's policy toolkit emits the left-hand names; APIM does not know them.
pub const POLICY_ALIASES: &[(&str, &str)] = &[
    ("invoke-darp-binding", "invoke-dapr-binding"),
    ("publish-to-darp", "publish-to-dapr"),
];

/// Known misspellings of attribute names as `(element, wrong, documented)`.
pub const ATTRIBUTE_ALIASES: &[(&str, &str, &str)] = &[
    ("publish-to-dapr", "pub-sub-name", "pubsub-name"),
    (
        "validate-status-code",
        "error-variable-name",
        "errors-variable-name",
    ),
];

/// The embedded TOML data files, as `(file name, contents)`.
pub const DATA_FILES: &[(&str, &str)] = &[
    ("structural.toml", include_str!("data/structural.toml")),
    ("routing.toml", include_str!("data/routing.toml")),
    (
        "transformation.toml",
        include_str!("data/transformation.toml"),
    ),
    ("flow.toml", include_str!("data/flow.toml")),
    ("integration.toml", include_str!("data/integration.toml")),
    (
        "rate-limiting.toml",
        include_str!("data/rate-limiting.toml"),
    ),
    (
        "authentication.toml",
        include_str!("data/authentication.toml"),
    ),
    ("caching.toml", include_str!("data/caching.toml")),
    ("validation.toml", include_str!("data/validation.toml")),
    ("cross-domain.toml", include_str!("data/cross-domain.toml")),
    ("ai-gateway.toml", include_str!("data/ai-gateway.toml")),
    ("graphql.toml", include_str!("data/graphql.toml")),
];

/// The catalogue parsed from the embedded data, built on first use.
pub fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        Catalogue::parse(DATA_FILES)
            .expect("the embedded policy catalogue is valid (checked by the catalogue tests)")
    })
}

/// Every known policy and structural element.
#[derive(Debug, Clone)]
pub struct Catalogue {
    policies: Vec<PolicySpec>,
    by_name: HashMap<String, usize>,
    structural: Vec<StructuralSpec>,
    structural_by_name: HashMap<String, usize>,
}

impl Catalogue {
    /// Parses and cross-checks catalogue data from `(file name, TOML text)` pairs.
    pub fn parse(files: &[(&str, &str)]) -> Result<Catalogue, CatalogueError> {
        load::parse(files)
    }

    /// The policy named `name` (exact, case-sensitive match).
    pub fn policy(&self, name: &str) -> Option<&PolicySpec> {
        self.by_name.get(name).map(|&i| &self.policies[i])
    }

    /// All policies, in data-file order.
    pub fn policies(&self) -> impl Iterator<Item = &PolicySpec> {
        self.policies.iter()
    }

    /// Number of policies (structural elements not counted).
    pub fn len(&self) -> usize {
        self.policies.len()
    }

    /// Whether the catalogue has no policies.
    pub fn is_empty(&self) -> bool {
        self.policies.is_empty()
    }

    /// The structural element named `name` (`policies`, `inbound`, `base`, `fragment`, ...).
    pub fn structural(&self, name: &str) -> Option<&StructuralSpec> {
        self.structural_by_name
            .get(name)
            .map(|&i| &self.structural[i])
    }

    /// All structural elements.
    pub fn structural_elements(&self) -> impl Iterator<Item = &StructuralSpec> {
        self.structural.iter()
    }

    /// Nearest documented policy name for an unknown element name.
    ///
    /// Known slips ([`POLICY_ALIASES`]) are answered first; otherwise the closest policy
    /// name by optimal-string-alignment distance, if close enough. `None` if nothing is
    /// close or `unknown` is itself a policy.
    pub fn suggest_policy(&self, unknown: &str) -> Option<&str> {
        if self.policy(unknown).is_some() {
            return None;
        }
        if let Some((_, to)) = POLICY_ALIASES.iter().find(|(from, _)| *from == unknown) {
            return self.policy(to).map(|p| p.name());
        }
        nearest(unknown, self.policies.iter().map(|p| p.name()))
    }

    /// Renders the policy support matrix (`docs/policies.md`); `gatehouse` gives each
    /// policy's last column (what the gateway does with it, which the compiler knows).
    pub fn support_matrix_markdown(&self, gatehouse: &dyn Fn(&PolicySpec) -> String) -> String {
        load::support_matrix(self, gatehouse)
    }
}

/// Picks the candidate nearest to `unknown`, if within a length-dependent distance.
fn nearest<'a>(unknown: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let needle = unknown.to_ascii_lowercase();
    let limit = (needle.chars().count() / 4).clamp(1, 3);
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let distance = strsim::osa_distance(&needle, &candidate.to_ascii_lowercase());
        if distance <= limit && best.is_none_or(|(d, c)| (distance, candidate) < (d, c)) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// One policy: where it may appear, where its description comes from, and its element.
#[derive(Debug, Clone)]
pub struct PolicySpec {
    /// The policy element (its name is the policy name).
    pub element: ElementSpec,
    /// Category, as in the APIM policy index.
    pub category: Category,
    /// Sections the policy may appear in; empty for GraphQL resolver-only policies.
    pub sections: Sections,
    /// Further sections where Microsoft's policy toolkit emits the policy although the docs
    /// do not list them: a warning rather than an error, since the sources disagree.
    pub toolkit_sections: Sections,
    /// Scopes the policy may be configured at; empty for resolver-only policies.
    pub scopes: Scopes,
    /// Documented "only once per section / per policy definition" rule, if any.
    pub once_per: Option<OncePer>,
    /// Support status (documented, preview, toolkit-only, ...).
    pub status: Status,
    /// Provenance, e.g. `docs: set-header-policy.md`.
    pub source: String,
    /// Discrepancies and choices made when the sources disagree.
    pub notes: Option<String>,
}

impl PolicySpec {
    /// The policy (element) name.
    pub fn name(&self) -> &str {
        &self.element.name
    }

    /// Whether the policy lives only in GraphQL resolver definitions.
    pub fn is_resolver_only(&self) -> bool {
        self.status == Status::ResolverOnly
    }
}

/// A structural (non-policy) element of the document skeleton.
#[derive(Debug, Clone)]
pub struct StructuralSpec {
    /// The element.
    pub element: ElementSpec,
    /// Provenance.
    pub source: String,
    /// Placement rules in prose.
    pub notes: Option<String>,
}

/// The shape of one element: attributes, children and content.
#[derive(Debug, Clone)]
pub struct ElementSpec {
    /// Element name.
    pub name: String,
    /// Attributes other than [`COMMON_ATTRIBUTES`] (which apply to policies only).
    pub attributes: Vec<AttributeSpec>,
    /// Child elements, in documented order (see [`ElementSpec::ordered`]).
    pub children: Vec<ChildSpec>,
    /// What the element contains.
    pub content: Content,
    /// Groups of attributes of which at least one must be present.
    /// Together with a matching [`ElementSpec::exclusive`] group: exactly one.
    pub one_of: Vec<Vec<String>>,
    /// Groups of attributes of which at most one may be present.
    pub exclusive: Vec<Vec<String>>,
    /// Whether children must follow the order of [`ElementSpec::children`]
    /// (false e.g. for `wait` and `ip-filter`).
    pub ordered: bool,
    /// Whether attributes not listed are accepted (foreign XML such as `xsl:stylesheet`).
    pub any_attributes: bool,
}

impl ElementSpec {
    /// The attribute named `name`.
    pub fn attribute(&self, name: &str) -> Option<&AttributeSpec> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// The child named `name` (inline element or catalogued policy).
    pub fn child(&self, name: &str) -> Option<&ChildSpec> {
        self.children.iter().find(|c| c.name() == name)
    }

    /// Position of the child named `name` in the documented order.
    pub fn child_position(&self, name: &str) -> Option<usize> {
        self.children.iter().position(|c| c.name() == name)
    }

    /// Nearest attribute name for an unknown one (known slips first), or `None`.
    pub fn suggest_attribute(&self, unknown: &str) -> Option<&str> {
        if self.attribute(unknown).is_some() {
            return None;
        }
        if let Some((_, _, to)) = ATTRIBUTE_ALIASES
            .iter()
            .find(|(element, from, _)| *element == self.name && *from == unknown)
        {
            return self.attribute(to).map(|a| a.name.as_str());
        }
        nearest(unknown, self.attributes.iter().map(|a| a.name.as_str()))
    }

    /// Nearest child element name for an unknown one, or `None`.
    pub fn suggest_child(&self, unknown: &str) -> Option<&str> {
        if self.child(unknown).is_some() {
            return None;
        }
        nearest(unknown, self.children.iter().map(|c| c.name()))
    }

    /// Attributes that must be present.
    pub fn required_attributes(&self) -> impl Iterator<Item = &AttributeSpec> {
        self.attributes.iter().filter(|a| a.required)
    }
}

/// What an element contains besides its attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// Nothing (self-closing).
    Empty,
    /// Text only, e.g. `<value>` of `set-header`.
    Text {
        /// Whether the text may be a policy expression.
        expressions: ExprAllowed,
    },
    /// Policy statements, e.g. `when`, `otherwise`, `retry`, sections, `fragment`.
    Policies,
    /// Only the listed child elements.
    Elements,
    /// The listed child elements, or instead text alone: an older documented form, such
    /// as `<trace source="s">@(message)</trace>` before `<message>` existed.
    ElementsOrText {
        /// Whether the text may be a policy expression.
        expressions: ExprAllowed,
    },
    /// Opaque content not checked structurally: text, policy expressions, Liquid or
    /// foreign markup (`set-body`, `xsl:stylesheet`, `cross-domain`).
    AnyXml,
}

/// One attribute of an element.
#[derive(Debug, Clone)]
pub struct AttributeSpec {
    /// Attribute name.
    pub name: String,
    /// Value type.
    pub ty: AttrType,
    /// Whether the attribute must be present.
    pub required: bool,
    /// Documented default, as written in the docs.
    pub default: Option<String>,
    /// Whether a policy expression may be the value.
    pub expressions: ExprAllowed,
    /// If this spelling is an accepted variant, the preferred (documented) name.
    pub alias_of: Option<String>,
    /// Remarks (provenance, discrepancies).
    pub notes: Option<String>,
}

/// Whether policy expressions are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExprAllowed {
    /// Documented as allowed.
    Yes,
    /// Documented as not allowed.
    No,
    /// Not stated by the sources.
    Unknown,
}

/// The type of an attribute value (of its literal form; expressions are typed elsewhere).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttrType {
    /// Any string.
    String,
    /// `true` / `false`.
    Bool,
    /// An integer with optional inclusive bounds.
    Int {
        /// Inclusive lower bound.
        min: Option<i64>,
        /// Inclusive upper bound.
        max: Option<i64>,
    },
    /// A floating-point number.
    Number,
    /// A whole number of time units with optional inclusive bounds.
    Duration {
        /// Unit of the number.
        unit: TimeUnit,
        /// Inclusive lower bound.
        min: Option<i64>,
        /// Inclusive upper bound.
        max: Option<i64>,
    },
    /// An absolute URL.
    Url,
    /// An ISO 8601 date-time.
    DateTime,
    /// One of the listed values (exact spelling).
    Enum(Vec<String>),
    /// A reference to (or definition of) a named entity.
    Name(NameKind),
}

/// Unit of a [`AttrType::Duration`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeUnit {
    /// Seconds.
    Seconds,
    /// Milliseconds.
    Milliseconds,
}

/// What a [`AttrType::Name`] attribute names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    /// A `context.Variables` entry.
    Variable,
    /// A Backend entity.
    Backend,
    /// A policy fragment.
    Fragment,
    /// A logger entity (Event Hubs).
    Logger,
    /// A certificate entity.
    Certificate,
}

/// One allowed child element.
#[derive(Debug, Clone)]
pub struct ChildSpec {
    /// Minimum number of occurrences.
    pub min: u32,
    /// Maximum number of occurrences; `None` = unbounded.
    pub max: Option<u32>,
    /// The child itself.
    pub kind: ChildKind,
    /// Remarks.
    pub notes: Option<String>,
}

impl ChildSpec {
    /// The child element name.
    pub fn name(&self) -> &str {
        match &self.kind {
            ChildKind::Element(e) => &e.name,
            ChildKind::Policy(p) => p,
        }
    }
}

/// A child element: defined inline, or a catalogued policy.
#[derive(Debug, Clone)]
pub enum ChildKind {
    /// An element defined here (recursively).
    Element(ElementSpec),
    /// A child that is itself a catalogued policy (e.g. `send-request > set-header`).
    Policy(String),
}

macro_rules! name_enum {
    ($(#[$m:meta])* $ty:ident { $($(#[$vm:meta])* $v:ident = $s:literal,)* }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $ty { $($(#[$vm])* $v,)* }
        impl $ty {
            /// Every value, in canonical order.
            pub const ALL: &'static [$ty] = &[$($ty::$v,)*];
            /// The name used in policy documents and in the catalogue data.
            pub fn as_str(self) -> &'static str {
                match self { $($ty::$v => $s,)* }
            }
            /// Parses the catalogue/document spelling.
            pub fn parse(s: &str) -> Option<$ty> {
                match s { $($s => Some($ty::$v),)* _ => None }
            }
        }
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

name_enum!(
    /// A policy document section.
    Section {
        /// `<inbound>`.
        Inbound = "inbound",
        /// `<backend>`.
        Backend = "backend",
        /// `<outbound>`.
        Outbound = "outbound",
        /// `<on-error>`.
        OnError = "on-error",
    }
);

name_enum!(
    /// A policy scope, broad to narrow.
    Scope {
        /// All APIs.
        Global = "global",
        /// A workspace.
        Workspace = "workspace",
        /// A product.
        Product = "product",
        /// An API.
        Api = "api",
        /// An operation.
        Operation = "operation",
    }
);

name_enum!(
    /// Documented "only once" rule.
    OncePer {
        /// Only once per policy section.
        Section = "section",
        /// Only once per policy definition (document).
        Document = "document",
    }
);

name_enum!(
    /// Support status of a policy.
    Status {
        /// Documented and generally available.
        Documented = "documented",
        /// Documented, in preview.
        Preview = "preview",
        /// Documented; self-hosted gateway only (Dapr).
        SelfHostedOnly = "self-hosted-only",
        /// Seen only in XML emitted by Microsoft's policy toolkit; unverified in APIM.
        ToolkitOnly = "toolkit-only",
        /// GraphQL resolver data source; not valid in `<policies>` sections.
        ResolverOnly = "resolver-only",
    }
);

name_enum!(
    /// Policy category, after the APIM policy index.
    Category {
        /// rate-limit, quota, ...
        RateLimitingAndQuotas = "rate-limiting-and-quotas",
        /// validate-jwt, ip-filter, authentication-*, ...
        AuthenticationAndAuthorization = "authentication-and-authorization",
        /// validate-content, validate-parameters, ...
        ContentValidation = "content-validation",
        /// forward-request, set-backend-service, proxy.
        Routing = "routing",
        /// cache-lookup, cache-store, cache-*-value.
        Caching = "caching",
        /// set-header, set-body, return-response, ...
        Transformation = "transformation",
        /// cors, jsonp, cross-domain.
        CrossDomain = "cross-domain",
        /// send-request, log-to-eventhub, send-service-bus-message, ...
        Integration = "integration",
        /// Dapr integration (self-hosted gateway).
        Dapr = "dapr",
        /// trace, emit-metric.
        Logging = "logging",
        /// llm-* and azure-openai-* policies.
        AiGateway = "ai-gateway",
        /// GraphQL resolver data sources.
        GraphqlResolvers = "graphql-resolvers",
        /// choose, retry, wait, limit-concurrency, include-fragment.
        PolicyControlAndFlow = "policy-control-and-flow",
    }
);

macro_rules! set_type {
    ($(#[$m:meta])* $set:ident of $item:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
        pub struct $set(u8);
        impl $set {
            /// The empty set.
            pub const EMPTY: $set = $set(0);
            /// Every value.
            pub fn all() -> $set {
                $item::ALL.iter().copied().collect()
            }
            /// Whether `item` is in the set.
            pub fn contains(self, item: $item) -> bool {
                self.0 & (1 << item as u8) != 0
            }
            /// Adds `item`.
            pub fn insert(&mut self, item: $item) {
                self.0 |= 1 << item as u8;
            }
            /// Whether the set is empty.
            pub fn is_empty(self) -> bool {
                self.0 == 0
            }
            /// Whether every value is in the set.
            pub fn is_all(self) -> bool {
                self == Self::all()
            }
            /// Members in canonical order.
            pub fn iter(self) -> impl Iterator<Item = $item> {
                $item::ALL.iter().copied().filter(move |i| self.contains(*i))
            }
        }
        impl FromIterator<$item> for $set {
            fn from_iter<I: IntoIterator<Item = $item>>(iter: I) -> $set {
                let mut set = $set::EMPTY;
                for item in iter {
                    set.insert(item);
                }
                set
            }
        }
    };
}

set_type!(
    /// A set of [`Section`]s.
    Sections of Section
);
set_type!(
    /// A set of [`Scope`]s.
    Scopes of Scope
);

#[cfg(test)]
mod tests;
