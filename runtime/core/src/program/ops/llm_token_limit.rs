//! `llm-token-limit` and `azure-openai-token-limit`: tokens per minute and token quotas
//! per counter key, and the headers and variables they report to.

use super::{Arg, OpData, Printer, Refs};
use crate::bundle::{put_arg, put_opt, put_opt_arg, BundleError, ProgramReader};
use crate::program::StrId;

/// `token-quota-period`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
#[allow(missing_docs)]
pub enum QuotaPeriod {
    Hourly = 1,
    Daily = 2,
    Weekly = 3,
    Monthly = 4,
    Yearly = 5,
}

/// Every period, in tag order from 1.
const PERIODS: [QuotaPeriod; 5] = [
    QuotaPeriod::Hourly,
    QuotaPeriod::Daily,
    QuotaPeriod::Weekly,
    QuotaPeriod::Monthly,
    QuotaPeriod::Yearly,
];

impl QuotaPeriod {
    /// The period written `name` (APIM's spelling).
    pub fn named(name: &str) -> Option<QuotaPeriod> {
        PERIODS.into_iter().find(|p| format!("{p:?}") == name)
    }
}

/// `llm-token-limit` / `azure-openai-token-limit`.
#[derive(Clone, Debug, PartialEq)]
pub struct TokenLimit {
    /// `counter-key`.
    pub counter_key: Arg,
    /// `tokens-per-minute`.
    pub tokens_per_minute: Option<Arg>,
    /// `token-quota`.
    pub token_quota: Option<Arg>,
    /// `token-quota-period` (given with `token-quota`).
    pub token_quota_period: Option<QuotaPeriod>,
    /// `estimate-prompt-tokens` (or the toolkit's `estimate-prompt-token`): `true` or an
    /// expression.
    pub estimate_prompt_tokens: Arg,
    /// `retry-after-header-name` (default `Retry-After`).
    pub retry_after_header_name: Option<StrId>,
    /// `retry-after-variable-name`.
    pub retry_after_variable_name: Option<StrId>,
    /// `remaining-quota-tokens-header-name`.
    pub remaining_quota_tokens_header_name: Option<StrId>,
    /// `remaining-quota-tokens-variable-name`.
    pub remaining_quota_tokens_variable_name: Option<StrId>,
    /// `remaining-tokens-header-name`.
    pub remaining_tokens_header_name: Option<StrId>,
    /// `remaining-tokens-variable-name`.
    pub remaining_tokens_variable_name: Option<StrId>,
    /// `tokens-consumed-header-name`.
    pub tokens_consumed_header_name: Option<StrId>,
    /// `tokens-consumed-variable-name`.
    pub tokens_consumed_variable_name: Option<StrId>,
}

/// The labels of [`TokenLimit::names`], as `explain` prints them.
const LABELS: [&str; 8] = [
    "retry-after-header",
    "retry-after-variable",
    "remaining-quota-tokens-header",
    "remaining-quota-tokens-variable",
    "remaining-tokens-header",
    "remaining-tokens-variable",
    "tokens-consumed-header",
    "tokens-consumed-variable",
];

impl TokenLimit {
    /// The optional header and variable names, in bundle order.
    pub fn names(&self) -> [Option<StrId>; 8] {
        [
            self.retry_after_header_name,
            self.retry_after_variable_name,
            self.remaining_quota_tokens_header_name,
            self.remaining_quota_tokens_variable_name,
            self.remaining_tokens_header_name,
            self.remaining_tokens_variable_name,
            self.tokens_consumed_header_name,
            self.tokens_consumed_variable_name,
        ]
    }
}

impl OpData for TokenLimit {
    fn write(&self, w: &mut Vec<u8>) {
        put_arg(w, self.counter_key);
        put_opt_arg(w, self.tokens_per_minute);
        put_opt_arg(w, self.token_quota);
        w.push(self.token_quota_period.map_or(0, |p| p as u8));
        put_arg(w, self.estimate_prompt_tokens);
        for name in self.names() {
            put_opt(w, name);
        }
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        let counter_key = r.arg("a counter key")?;
        let tokens_per_minute = r.opt_arg("tokens per minute")?;
        let token_quota = r.opt_arg("a token quota")?;
        let period = match r.tag("token quota period", PERIODS.len() as u8 + 1)? {
            0 => None,
            t => Some(PERIODS[t as usize - 1]),
        };
        let estimate_prompt_tokens = r.arg("estimate-prompt-tokens")?;
        let mut names = [None; 8];
        for (slot, label) in names.iter_mut().zip(LABELS) {
            *slot = r.opt_str(label)?;
        }
        let [a, b, c, d, e, f, g, h] = names;
        Ok(TokenLimit {
            counter_key,
            tokens_per_minute,
            token_quota,
            token_quota_period: period,
            estimate_prompt_tokens,
            retry_after_header_name: a,
            retry_after_variable_name: b,
            remaining_quota_tokens_header_name: c,
            remaining_quota_tokens_variable_name: d,
            remaining_tokens_header_name: e,
            remaining_tokens_variable_name: f,
            tokens_consumed_header_name: g,
            tokens_consumed_variable_name: h,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        let mut s = format!("{name} counter-key={}", p.arg(self.counter_key));
        s.push_str(&p.opt("tokens-per-minute", self.tokens_per_minute));
        s.push_str(&p.opt("token-quota", self.token_quota));
        if let Some(period) = self.token_quota_period {
            s.push_str(&format!(" token-quota-period={period:?}"));
        }
        s.push_str(&format!(
            " estimate-prompt-tokens={}",
            p.arg(self.estimate_prompt_tokens)
        ));
        for (label, id) in LABELS.into_iter().zip(self.names()) {
            s.push_str(&p.name(label, id));
        }
        s
    }

    fn refs(&self, v: &mut dyn Refs) {
        v.arg(self.counter_key);
        self.tokens_per_minute.into_iter().for_each(|a| v.arg(a));
        self.token_quota.into_iter().for_each(|a| v.arg(a));
        v.arg(self.estimate_prompt_tokens);
        self.names().into_iter().flatten().for_each(|s| v.string(s));
    }
}
