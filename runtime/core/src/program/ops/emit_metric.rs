//! `emit-metric`: a custom metric's name, namespace, value and dimensions; the dimensions
//! are shared with the token metric policies.

use super::{Arg, OpData, Printer, Refs};
use crate::bundle::{many, put_arg, put_len, put_opt_arg, BundleError, ProgramReader};
use crate::program::StrId;

/// A dimension APIM fills in when `value` is omitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum DefaultDimension {
    /// `API ID`: the API's name.
    ApiId = 0,
    /// `Operation ID`: the operation's name.
    OperationId = 1,
    /// `Product ID`: the subscription's product.
    ProductId = 2,
    /// `User ID`: the subscription's user.
    UserId = 3,
    /// `Subscription ID`: the subscription's name.
    SubscriptionId = 4,
    /// `Location` (`Location ID`): the gateway's region.
    Location = 5,
    /// `Gateway ID`.
    GatewayId = 6,
    /// `Backend ID` (token metrics): the backend the request was forwarded to.
    BackendId = 7,
}

/// Every default dimension, in tag order.
const DEFAULTS: [DefaultDimension; 8] = [
    DefaultDimension::ApiId,
    DefaultDimension::OperationId,
    DefaultDimension::ProductId,
    DefaultDimension::UserId,
    DefaultDimension::SubscriptionId,
    DefaultDimension::Location,
    DefaultDimension::GatewayId,
    DefaultDimension::BackendId,
];

impl DefaultDimension {
    /// The default dimension named `name` (APIM's spelling, exactly) for `emit-metric`
    /// (`token_metric` false) or a token metric policy.
    pub fn named(name: &str, token_metric: bool) -> Option<DefaultDimension> {
        Some(match name {
            "API ID" => DefaultDimension::ApiId,
            "Operation ID" => DefaultDimension::OperationId,
            "Product ID" => DefaultDimension::ProductId,
            "User ID" => DefaultDimension::UserId,
            "Subscription ID" => DefaultDimension::SubscriptionId,
            "Location" | "Location ID" => DefaultDimension::Location,
            "Gateway ID" => DefaultDimension::GatewayId,
            "Backend ID" if token_metric => DefaultDimension::BackendId,
            _ => return None,
        })
    }
}

/// A dimension's value: written, or filled in by the gateway.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum DimensionValue {
    /// `value="..."`.
    Given(Arg),
    /// `value` omitted on a default dimension.
    Default(DefaultDimension),
}

/// `<dimension name value>`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Dimension {
    /// `name`.
    pub name: Arg,
    /// `value`.
    pub value: DimensionValue,
}

/// `emit-metric`.
#[derive(Clone, Debug, PartialEq)]
pub struct EmitMetric {
    /// `name`.
    pub name: StrId,
    /// `namespace` (default `API Management`).
    pub namespace: StrId,
    /// `value` (default 1).
    pub value: Option<Arg>,
    /// The dimensions.
    pub dimensions: Vec<Dimension>,
}

/// Writes dimensions.
pub(crate) fn put_dimensions(w: &mut Vec<u8>, dims: &[Dimension]) {
    put_len(w, dims.len());
    for d in dims {
        put_arg(w, d.name);
        match d.value {
            DimensionValue::Given(a) => {
                w.push(0);
                put_arg(w, a);
            }
            DimensionValue::Default(x) => {
                w.push(1);
                w.push(x as u8);
            }
        }
    }
}

/// Reads dimensions.
pub(crate) fn read_dimensions(
    r: &mut ProgramReader<'_, '_>,
) -> Result<Vec<Dimension>, BundleError> {
    let n = r.list("dimensions", 3)?;
    many(n, || {
        let name = r.arg("a dimension name")?;
        let value = match r.tag("dimension value", 2)? {
            0 => DimensionValue::Given(r.arg("a dimension value")?),
            _ => {
                let t = r.tag("default dimension", DEFAULTS.len() as u8)?;
                DimensionValue::Default(DEFAULTS[t as usize])
            }
        };
        Ok(Dimension { name, value })
    })
}

/// The printed dimensions.
pub(crate) fn print_dimensions(p: &Printer<'_>, dims: &[Dimension]) -> String {
    let shown: Vec<String> = dims
        .iter()
        .map(|d| match d.value {
            DimensionValue::Given(a) => format!("{}={}", p.arg(d.name), p.arg(a)),
            DimensionValue::Default(x) => format!("{}=default:{x:?}", p.arg(d.name)),
        })
        .collect();
    format!("dimensions=[{}]", shown.join(", "))
}

/// Visits the dimensions' strings and codes.
pub(crate) fn dimension_refs(v: &mut dyn Refs, dims: &[Dimension]) {
    for d in dims {
        v.arg(d.name);
        if let DimensionValue::Given(a) = d.value {
            v.arg(a);
        }
    }
}

impl OpData for EmitMetric {
    fn write(&self, w: &mut Vec<u8>) {
        crate::bundle::put_var(w, self.name);
        crate::bundle::put_var(w, self.namespace);
        put_opt_arg(w, self.value);
        put_dimensions(w, &self.dimensions);
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        Ok(EmitMetric {
            name: r.str_id("a metric name")?,
            namespace: r.str_id("a metric namespace")?,
            value: r.opt_arg("a metric value")?,
            dimensions: read_dimensions(r)?,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        format!(
            "{name} name={:?} namespace={:?}{} {}",
            p.s(self.name),
            p.s(self.namespace),
            p.opt("value", self.value),
            print_dimensions(p, &self.dimensions)
        )
    }

    fn refs(&self, v: &mut dyn Refs) {
        v.string(self.name);
        v.string(self.namespace);
        self.value.into_iter().for_each(|a| v.arg(a));
        dimension_refs(v, &self.dimensions);
    }
}
