//! Loggers (`loggers/<name>/loggerInformation.json`): the Event Hubs loggers
//! `log-to-eventhub` writes to, and gatehouse's local `file` and `stdout` loggers.

use super::fields::Fields;
use super::model::{EventHubAuth, Logger, LoggerKind, Origin};
use super::read::{subdirs, Reader};
use std::path::Path;

const P: &str = "/properties";
const C: &str = "/properties/credentials";

/// Every logger under `dir`.
pub(crate) fn load_loggers(rx: &mut Reader, dir: &Path) -> Vec<Logger> {
    let mut out = Vec::new();
    for (name, path) in subdirs(dir) {
        let what = format!("logger `{name}`");
        let file = path.join("loggerInformation.json");
        let Some((file, info)) = rx.info(&file, Some(&what)) else {
            continue;
        };
        if let Some(l) = rx.with_fields(&file, info.as_ref(), |f| read_logger(f, &name)) {
            out.push(l);
        }
    }
    out
}

/// The fields of `loggerInformation.json`; `None` when the type or credentials are
/// unusable (reported).
fn read_logger(f: &mut Fields, name: &str) -> Option<Logger> {
    let pointer = "/properties/loggerType";
    let help = "give the type: \"azureEventHub\", or gatehouse's \"file\" or \"stdout\"";
    let ty = f.required_string(P, "loggerType", help)?;
    let kind = match ty.as_str() {
        t if t.eq_ignore_ascii_case("azureEventHub") => event_hub(f)?,
        t if t.eq_ignore_ascii_case("file") => {
            let help = "name the file the events are appended to, e.g. \"path\": \"events.log\"";
            LoggerKind::File(f.required_string(C, "path", help)?)
        }
        t if t.eq_ignore_ascii_case("stdout") => LoggerKind::Stdout,
        t if t.eq_ignore_ascii_case("applicationInsights")
            || t.eq_ignore_ascii_case("azureMonitor") =>
        {
            LoggerKind::Other(t.to_string())
        }
        _ => {
            f.invalid(
                pointer,
                "one of `azureEventHub`, `applicationInsights`, `azureMonitor`, `file`, `stdout`",
            );
            return None;
        }
    };
    Some(Logger {
        name: name.to_string(),
        kind,
        origin: Origin {
            file: f.file.clone(),
            span: f.span(pointer),
        },
    })
}

/// An `azureEventHub` logger: the hub and either a connection string or a managed
/// identity with the namespace's endpoint.
fn event_hub(f: &mut Fields) -> Option<LoggerKind> {
    let connection = f.string(&format!("{C}/connectionString"));
    let endpoint = f.string(&format!("{C}/endpointAddress"));
    let hub = f.string(&format!("{C}/name"));
    let auth = match (connection, endpoint) {
        (Some(c), _) => EventHubAuth::ConnectionString(c),
        (None, Some(endpoint)) => {
            let client = f.string(&format!("{C}/identityClientId"));
            EventHubAuth::Identity {
                endpoint,
                client_id: client.filter(|c| !c.eq_ignore_ascii_case("SystemAssigned")),
            }
        }
        (None, None) => {
            let help = "give `connectionString` (a secret named value, `{{name}}`), or `endpointAddress` and `identityClientId`";
            f.missing(C, "connectionString", help);
            return None;
        }
    };
    Some(LoggerKind::EventHub { hub, auth })
}
