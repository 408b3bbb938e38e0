//! The tables of a program bundle after the code: backends, products, APIs with their
//! operations, subscriptions.

use super::read_program::{many, In};
use super::section;
use crate::bundle::BundleError;
use crate::program::{
    Api, ApiKind, Backend, BackendKind, Breaker, Credentials, MockExample, Operation, PoolMember,
    Product, Program, Protocols, Subscription, SubscriptionScope, TlsSettings, Versioning,
};

impl In<'_, '_> {
    /// The last three sections. Products name APIs, which come after them: those indices
    /// are checked once the APIs are read.
    pub(super) fn tables(&mut self, p: &mut Program) -> Result<(), BundleError> {
        let full = self.enter(section::PRODUCTS)?;
        let n = self.table("products", self.limits.max_entries, 4)?;
        let mut api_refs = Vec::new();
        p.products = many(n, || self.product(&mut api_refs))?;
        self.b.products = n;
        self.leave(section::PRODUCTS, full)?;

        let full = self.enter(section::APIS)?;
        let n = self.table("APIs", self.limits.max_entries, 10)?;
        let mut operations = 0usize;
        p.apis = many(n, || self.api(&mut operations))?;
        self.b.apis = n;
        self.leave(section::APIS, full)?;
        for (at, api) in api_refs {
            if api as usize >= n {
                return Err(BundleError::new(
                    at,
                    format!("a product's API {api} out of range (0..{n})"),
                ));
            }
        }

        let full = self.enter(section::SUBSCRIPTIONS)?;
        let n = self.table("subscriptions", self.limits.max_entries, 4)?;
        p.subscriptions = many(n, || self.subscription())?;
        self.leave(section::SUBSCRIPTIONS, full)
    }

    fn product(&mut self, api_refs: &mut Vec<(usize, u32)>) -> Result<Product, BundleError> {
        let name = self.str_id("a product name")?;
        let display_name = self.str_id("a display name")?;
        let [subscription_required, published] = self.flags("product flags")?;
        let n = self.list("a product's APIs", 1)?;
        let mut apis = Vec::with_capacity(n);
        for _ in 0..n {
            let at = self.r.pos;
            let api = self.r.var_u32("a product's API")?;
            api_refs.push((at, api));
            apis.push(api);
        }
        Ok(Product {
            name,
            display_name,
            subscription_required,
            published,
            apis,
        })
    }

    fn api(&mut self, operations: &mut usize) -> Result<Api, BundleError> {
        let name = self.str_id("an API name")?;
        let display_name = self.str_id("a display name")?;
        let path = self.str_id("an API path")?;
        let hosts = self.str_ids("host names")?;
        let service_url = self.opt_str("a service URL")?;
        let [subscription_required, is_current] = self.flags("API flags")?;
        let key_header = self.str_id("a key header")?;
        let key_query = self.str_id("a key query parameter")?;
        let revision = self.str_id("a revision")?;
        let version = self.opt_str("a version")?;
        let versioning = self.versioning()?;
        let at = self.r.pos;
        let kind = self.r.u8("an API type")?;
        let Some(kind) = ApiKind::ALL.get(kind as usize).copied() else {
            return Err(BundleError::new(
                at,
                format!("API type {kind} is not 0..=4"),
            ));
        };
        let protocols = Protocols(self.r.u8("an API's protocols")?);
        if protocols.0 > 15 {
            return Err(BundleError::new(
                at + 1,
                "API protocols over 4 bits".to_string(),
            ));
        }
        let graphql_schema = self.opt_str("a GraphQL schema")?;
        let at = self.r.pos;
        let n = self.list("operations", 6)?;
        *operations = operations.saturating_add(n);
        if *operations > self.limits.max_entries {
            return Err(BundleError::new(
                at,
                format!(
                    "operations total over the limit of {}",
                    self.limits.max_entries
                ),
            ));
        }
        let operations = many(n, || self.operation())?;
        Ok(Api {
            name,
            display_name,
            path,
            hosts,
            service_url,
            subscription_required,
            key_header,
            key_query,
            revision,
            is_current,
            version,
            versioning,
            kind,
            protocols,
            graphql_schema,
            operations,
        })
    }

    /// An API's version-set scheme: `u8` 0 none, 1 segment, 2 header or 3 query (then the
    /// header or parameter name).
    fn versioning(&mut self) -> Result<Option<Versioning>, BundleError> {
        let at = self.r.pos;
        Ok(match self.r.u8("a versioning scheme")? {
            0 => None,
            1 => Some(Versioning::Segment),
            2 => Some(Versioning::Header(self.str_id("a version header")?)),
            3 => Some(Versioning::Query(self.str_id("a version query parameter")?)),
            k => {
                return Err(BundleError::new(
                    at,
                    format!("versioning scheme {k} is not 0..=3"),
                ))
            }
        })
    }

    fn operation(&mut self) -> Result<Operation, BundleError> {
        let name = self.str_id("an operation name")?;
        let display_name = self.str_id("a display name")?;
        let method = self.str_id("a method")?;
        let template = self.str_id("a URL template")?;
        let n = self.list("an operation's pipelines", 2)?;
        let pipelines = many(n, || {
            let product = self.opt_id("a pipeline's product", self.b.products)?;
            let pipeline = self.id("a pipeline", self.b.pipelines)?;
            Ok((product.unwrap_or(u32::MAX), pipeline))
        })?;
        let n = self.list("examples", 3)?;
        let examples = many(n, || {
            Ok(MockExample {
                status: self.r.var_u16("an example status")?,
                content_type: self.opt_str("an example content type")?,
                body: self.opt_str("an example body")?,
            })
        })?;
        let contract = crate::program::Contract::read(self)?;
        Ok(Operation {
            contract,
            name,
            display_name,
            method,
            template,
            pipelines,
            examples,
        })
    }

    fn subscription(&mut self) -> Result<Subscription, BundleError> {
        let name = self.str_id("a subscription name")?;
        let scope = match self.tag("subscription scope", 3)? {
            0 => SubscriptionScope::AllApis,
            1 => SubscriptionScope::Product(self.id("a product", self.b.products)?),
            _ => SubscriptionScope::Api(self.id("an API", self.b.apis)?),
        };
        let n = self.list("key digests", 32)?;
        let key_digests = many(n, || self.r.array::<32>("a key digest"))?;
        let [active] = self.flags("subscription flags")?;
        Ok(Subscription {
            name,
            scope,
            key_digests,
            active,
        })
    }

    pub(super) fn backends(&mut self) -> Result<(Vec<Backend>, Vec<usize>), BundleError> {
        let n = self.table("backends", self.limits.max_entries, 9)?;
        self.b.backends = n;
        let (mut all, mut offsets) = (Vec::with_capacity(n), Vec::with_capacity(n));
        for _ in 0..n {
            offsets.push(self.r.pos);
            all.push(self.backend()?);
        }
        Ok((all, offsets))
    }

    fn backend(&mut self) -> Result<Backend, BundleError> {
        let name = self.str_id("a backend name")?;
        let url = self.opt_str("a backend URL")?;
        let kind = match self.tag("backend kind", 2)? {
            0 => BackendKind::Single,
            _ => {
                let m = self.list("pool members", 3)?;
                let members = many(m, || {
                    Ok(PoolMember {
                        backend: self.id("a pool member", self.b.backends)?,
                        priority: self.r.var_u32("a priority")?,
                        weight: self.r.var_u32("a weight")?,
                    })
                })?;
                BackendKind::Pool(members)
            }
        };
        let credentials = self.credentials()?;
        let [validate_chain, validate_name] = self.flags("TLS flags")?;
        let m = self.list("circuit breakers", 8)?;
        let breakers = many(m, || self.breaker())?;
        Ok(Backend {
            name,
            url,
            kind,
            credentials,
            tls: TlsSettings {
                validate_chain,
                validate_name,
            },
            breakers,
        })
    }

    fn credentials(&mut self) -> Result<Credentials, BundleError> {
        let mut pairs = || -> Result<Vec<(u32, Vec<u32>)>, BundleError> {
            let n = self.list("credential entries", 2)?;
            many(n, || {
                Ok((self.str_id("a credential name")?, self.str_ids("values")?))
            })
        };
        let headers = pairs()?;
        let query = pairs()?;
        let authorization = match self.tag("authorization flag", 2)? {
            0 => None,
            _ => Some((
                self.str_id("an authorization scheme")?,
                self.str_id("an authorization parameter")?,
            )),
        };
        Ok(Credentials {
            headers,
            query,
            authorization,
            certificates: self.str_ids("certificates")?,
        })
    }

    fn breaker(&mut self) -> Result<Breaker, BundleError> {
        let name = self.str_id("a breaker name")?;
        let count = self.opt_u32("a failure count")?;
        let percentage = self.opt_u32("a failure percentage")?;
        let interval_ms = self.r.var("an interval")?;
        let n = self.list("status ranges", 2)?;
        let mut status_ranges = Vec::with_capacity(n);
        for _ in 0..n {
            let at = self.r.pos;
            let (lo, hi) = (self.r.var_u16("a status")?, self.r.var_u16("a status")?);
            if lo > hi {
                return Err(BundleError::new(at, format!("status range {lo}-{hi}")));
            }
            status_ranges.push((lo, hi));
        }
        Ok(Breaker {
            name,
            count,
            percentage,
            interval_ms,
            status_ranges,
            error_reasons: self.str_ids("error reasons")?,
            trip_ms: self.r.var("a trip duration")?,
            accept_retry_after: self.flags::<1>("breaker flags")?[0],
        })
    }
}
