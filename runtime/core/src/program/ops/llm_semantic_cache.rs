//! `llm-semantic-cache-lookup` / `-store` and their `azure-openai-` twins: the score
//! threshold, the embeddings backend, which messages count, the partitions, the duration.

use super::{Arg, OpData, Printer, Refs};
use crate::bundle::{many, put_arg, put_len, put_opt, BundleError, ProgramReader};

/// `llm-semantic-cache-lookup` / `azure-openai-semantic-cache-lookup`.
#[derive(Clone, Debug, PartialEq)]
pub struct SemanticCacheLookup {
    /// `score-threshold`: the largest cosine distance of a hit (0.0 to 1.0).
    pub score_threshold: Arg,
    /// `embeddings-backend-id`.
    pub embeddings_backend_id: Arg,
    /// `ignore-system-messages` (default `false`).
    pub ignore_system_messages: bool,
    /// `max-message-count`: more messages than this skip the cache.
    pub max_message_count: Option<u32>,
    /// `vary-by` values, concatenated into the partition.
    pub vary_by: Vec<Arg>,
}

impl OpData for SemanticCacheLookup {
    fn write(&self, w: &mut Vec<u8>) {
        put_arg(w, self.score_threshold);
        put_arg(w, self.embeddings_backend_id);
        w.push(u8::from(self.ignore_system_messages));
        put_opt(w, self.max_message_count);
        put_len(w, self.vary_by.len());
        for a in &self.vary_by {
            put_arg(w, *a);
        }
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        let score_threshold = r.arg("a score threshold")?;
        let embeddings_backend_id = r.arg("an embeddings backend")?;
        let ignore_system_messages = r.tag("ignore-system-messages", 2)? == 1;
        let max_message_count = r.opt_u32("max-message-count")?;
        let n = r.list("vary-by values", 1)?;
        let vary_by = many(n, || r.arg("a vary-by value"))?;
        Ok(SemanticCacheLookup {
            score_threshold,
            embeddings_backend_id,
            ignore_system_messages,
            max_message_count,
            vary_by,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        let mut s = format!(
            "{name} score-threshold={} embeddings-backend-id={} ignore-system-messages={}",
            p.arg(self.score_threshold),
            p.arg(self.embeddings_backend_id),
            self.ignore_system_messages
        );
        if let Some(n) = self.max_message_count {
            s.push_str(&format!(" max-message-count={n}"));
        }
        for a in &self.vary_by {
            s.push_str(&format!(" vary-by={}", p.arg(*a)));
        }
        s
    }

    fn refs(&self, v: &mut dyn Refs) {
        v.arg(self.score_threshold);
        v.arg(self.embeddings_backend_id);
        self.vary_by.iter().for_each(|a| v.arg(*a));
    }
}

/// `llm-semantic-cache-store` / `azure-openai-semantic-cache-store`.
#[derive(Clone, Debug, PartialEq)]
pub struct SemanticCacheStore {
    /// `duration`, seconds.
    pub duration: Arg,
}

impl OpData for SemanticCacheStore {
    fn write(&self, w: &mut Vec<u8>) {
        put_arg(w, self.duration);
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        Ok(SemanticCacheStore {
            duration: r.arg("a duration")?,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        format!("{name} duration={}", p.arg(self.duration))
    }

    fn refs(&self, v: &mut dyn Refs) {
        v.arg(self.duration);
    }
}
