//! `log-to-eventhub`: `logger-id` resolved against the declared loggers (its destination
//! and credentials copied into the operation), the message, `partition-id` and
//! `partition-key`.

use super::{Lowering, Reported};
use crate::diagnostic::codes;
use crate::program::{Builder, ScopeEnv, Site, NOT_EXECUTED};
use crate::project::{EventHubAuth, Logger, LoggerKind};
use gatehouse_grammar::syntax::Element;
use gatehouse_runtime::program::{EventSink, LogToEventhub, OpKind};

/// `log-to-eventhub`.
pub(super) const LOWERING: Lowering = Lowering {
    policy: "log-to-eventhub",
    attributes: &["logger-id", "partition-id", "partition-key"],
    lower: |b, env, site, e| log(b, env, site, e).map(OpKind::LogToEventhub),
};

fn log(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
) -> Result<LogToEventhub, Reported> {
    // Required, without expressions: its absence is reported by the checks.
    let id = b.text_attr(env, site, e, "logger-id")?.ok_or(Reported)?;
    let Some(logger) = env.loggers.get(id.as_str()).copied() else {
        let span = e
            .attribute("logger-id")
            .map_or(e.start_tag, |a| a.value.span);
        let message = format!("logger `{id}` is not declared");
        b.error(
            site.file,
            codes::UNKNOWN_LOGGER,
            message,
            span,
            "unknown logger",
        );
        return Err(Reported);
    };
    let sink = sink(b, env, site, e, logger)?;
    let partition_id = b.text_attr(env, site, e, "partition-id")?;
    Ok(LogToEventhub {
        logger: b.intern(&id),
        sink,
        message: b.content(env, site, e).ok_or(Reported)?,
        partition_id: partition_id.map(|p| b.intern(&p)),
        partition_key: b.attr(env, site, e, "partition-key")?,
    })
}

/// The logger's destination; a logger `log-to-eventhub` cannot write to, or credentials
/// written in clear, are reported at the policy.
fn sink(
    b: &mut Builder<'_>,
    env: &ScopeEnv<'_>,
    site: &Site<'_>,
    e: &Element,
    logger: &Logger,
) -> Result<EventSink, Reported> {
    let hub = |b: &mut Builder<'_>, h: &Option<String>| b.intern(h.as_deref().unwrap_or(""));
    Ok(match &logger.kind {
        LoggerKind::EventHub {
            hub: h,
            auth: EventHubAuth::ConnectionString(c),
        } => {
            if !names_a_secret(env, c) {
                let message = format!(
                    "the connection string of logger `{}` is not a secret named value",
                    logger.name
                );
                let o = &logger.origin;
                b.error(
                    &o.file,
                    codes::PLAIN_LOGGER_CREDENTIALS,
                    message,
                    o.span,
                    "in clear",
                );
                return Err(Reported);
            }
            EventSink::EventHubKey {
                connection: b.substitute_text(env, c),
                hub: hub(b, h),
            }
        }
        LoggerKind::EventHub {
            hub: h,
            auth:
                EventHubAuth::Identity {
                    endpoint,
                    client_id,
                },
        } => EventSink::EventHubIdentity {
            endpoint: b.substitute_text(env, endpoint),
            hub: hub(b, h),
            client_id: client_id.as_deref().map(|c| b.substitute_text(env, c)),
        },
        LoggerKind::File(path) => EventSink::File(b.substitute_text(env, path)),
        LoggerKind::Stdout => EventSink::Stdout,
        LoggerKind::Other(kind) => {
            let message = format!(
                "logger `{}` is an `{kind}` logger; `log-to-eventhub` writes to `azureEventHub` (or gatehouse's `file` and `stdout`) loggers",
                logger.name
            );
            b.error(
                site.file,
                NOT_EXECUTED,
                message,
                e.start_tag,
                "not an Event Hubs logger",
            );
            return Err(Reported);
        }
    })
}

/// Whether `text` refers to a secret (or Key Vault) named value.
fn names_a_secret(env: &ScopeEnv<'_>, text: &str) -> bool {
    let mut rest = text;
    while let Some(at) = rest.find("{{") {
        let tail = &rest[at + 2..];
        let Some(end) = tail.find("}}") else {
            return false;
        };
        let name = tail[..end].trim();
        if env
            .named
            .get(name)
            .is_some_and(|v| v.secret || v.key_vault.is_some())
        {
            return true;
        }
        rest = &tail[end + 2..];
    }
    false
}
