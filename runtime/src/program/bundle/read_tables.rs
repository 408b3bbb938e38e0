//! The routing tables of a program bundle: products, APIs with operations, subscriptions.

use super::read::In;
use super::section;
use crate::program::model::{
    Api, MockExample, Operation, Product, Program, Subscription, SubscriptionScope,
};
use crate::program::BundleError;

impl In<'_, '_> {
    /// The last three sections. Products name APIs, which come after them: those indices
    /// are checked once the APIs are read.
    pub(super) fn tables(&mut self, p: &mut Program) -> Result<(), BundleError> {
        let full = self.enter(section::PRODUCTS)?;
        let n = self.table("products", self.limits.max_entries, 4)?;
        let mut api_refs = Vec::new();
        p.products = (0..n)
            .map(|_| self.product(&mut api_refs))
            .collect::<Result<_, _>>()?;
        self.b.products = n;
        self.leave(section::PRODUCTS, full)?;

        let full = self.enter(section::APIS)?;
        let n = self.table("APIs", self.limits.max_entries, 10)?;
        let mut operations = 0usize;
        p.apis = (0..n)
            .map(|_| self.api(&mut operations))
            .collect::<Result<_, _>>()?;
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
        p.subscriptions = (0..n)
            .map(|_| self.subscription())
            .collect::<Result<_, _>>()?;
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
        let operations = (0..n).map(|_| self.operation()).collect::<Result<_, _>>()?;
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
            operations,
        })
    }

    fn operation(&mut self) -> Result<Operation, BundleError> {
        let name = self.str_id("an operation name")?;
        let display_name = self.str_id("a display name")?;
        let method = self.str_id("a method")?;
        let template = self.str_id("a URL template")?;
        let n = self.list("an operation's pipelines", 2)?;
        let pipelines = (0..n)
            .map(|_| {
                let product = self.opt_id("a pipeline's product", self.b.products)?;
                let pipeline = self.id("a pipeline", self.b.pipelines)?;
                Ok((product.unwrap_or(u32::MAX), pipeline))
            })
            .collect::<Result<_, BundleError>>()?;
        let n = self.list("examples", 3)?;
        let examples = (0..n)
            .map(|_| {
                Ok(MockExample {
                    status: self.r.var_u16("an example status")?,
                    content_type: self.opt_str("an example content type")?,
                    body: self.opt_str("an example body")?,
                })
            })
            .collect::<Result<_, BundleError>>()?;
        Ok(Operation {
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
        let key_digests = (0..n)
            .map(|_| self.r.array::<32>("a key digest"))
            .collect::<Result<_, _>>()?;
        let [active] = self.flags("subscription flags")?;
        Ok(Subscription {
            name,
            scope,
            key_digests,
            active,
        })
    }
}
