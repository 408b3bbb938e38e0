//! `log-to-eventhub`: a message for a logger (an Event Hubs hub, or gatehouse's local file
//! and standard-output loggers), with its partition.

use super::{Arg, OpData, Printer, Refs};
use crate::bundle::{put_arg, put_flags};
use crate::bundle::{put_opt, put_opt_arg, put_var, BundleError, ProgramReader};
use crate::program::StrId;

/// Where a logger's events go, as its declaration says.
#[derive(Clone, Debug, PartialEq)]
pub enum EventSink {
    /// An Event Hubs hub signed with the connection string's key (SAS). The connection
    /// string is a `{{secret}}` reference completed at load; the hub may be empty when
    /// the connection string names it (`EntityPath`).
    EventHubKey {
        /// The connection string.
        connection: StrId,
        /// `credentials.name`.
        hub: StrId,
    },
    /// An Event Hubs hub with a Microsoft Entra token of a managed identity.
    EventHubIdentity {
        /// The namespace's host name (`credentials.endpointAddress`).
        endpoint: StrId,
        /// `credentials.name`.
        hub: StrId,
        /// The user-assigned identity; `None` for the system-assigned one.
        client_id: Option<StrId>,
    },
    /// gatehouse's `file` logger: a line appended to the file.
    File(StrId),
    /// gatehouse's `stdout` logger: a line on standard output.
    Stdout,
}

/// `log-to-eventhub`.
#[derive(Clone, Debug, PartialEq)]
pub struct LogToEventhub {
    /// `logger-id`.
    pub logger: StrId,
    /// The logger's destination.
    pub sink: EventSink,
    /// The element's text: the message.
    pub message: Arg,
    /// `partition-id`.
    pub partition_id: Option<StrId>,
    /// `partition-key`.
    pub partition_key: Option<Arg>,
}

impl LogToEventhub {
    /// Longest message sent; APIM truncates longer ones (200 KB).
    pub const MAX_MESSAGE_BYTES: usize = 200 * 1024;
}

impl OpData for LogToEventhub {
    fn write(&self, w: &mut Vec<u8>) {
        put_var(w, self.logger);
        match &self.sink {
            EventSink::EventHubKey { connection, hub } => {
                w.push(0);
                put_var(w, *connection);
                put_var(w, *hub);
            }
            EventSink::EventHubIdentity {
                endpoint,
                hub,
                client_id,
            } => {
                w.push(1);
                put_var(w, *endpoint);
                put_var(w, *hub);
                put_opt(w, *client_id);
            }
            EventSink::File(path) => {
                w.push(2);
                put_var(w, *path);
            }
            EventSink::Stdout => w.push(3),
        }
        put_arg(w, self.message);
        put_flags(w, &[self.partition_id.is_some()]);
        if let Some(p) = self.partition_id {
            put_var(w, p);
        }
        put_opt_arg(w, self.partition_key);
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        let logger = r.str_id("a logger")?;
        let sink = match r.tag("a logger kind", 4)? {
            0 => EventSink::EventHubKey {
                connection: r.str_id("a connection string")?,
                hub: r.str_id("an event hub")?,
            },
            1 => EventSink::EventHubIdentity {
                endpoint: r.str_id("an Event Hubs endpoint")?,
                hub: r.str_id("an event hub")?,
                client_id: r.opt_str("a client id")?,
            },
            2 => EventSink::File(r.str_id("a log file")?),
            _ => EventSink::Stdout,
        };
        let message = r.arg("a message")?;
        let partition_id = match r.flags::<1>("a partition-id flag")? {
            [true] => Some(r.str_id("a partition-id")?),
            [false] => None,
        };
        Ok(LogToEventhub {
            logger,
            sink,
            message,
            partition_id,
            partition_key: r.opt_arg("a partition-key")?,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        let sink = match &self.sink {
            // The connection string is a secret: never printed.
            EventSink::EventHubKey { hub, .. } => {
                format!("event-hub={:?} auth=connection-string", p.s(*hub))
            }
            EventSink::EventHubIdentity {
                endpoint,
                hub,
                client_id,
            } => format!(
                "event-hub={:?} endpoint={:?} auth=managed-identity{}",
                p.s(*hub),
                p.s(*endpoint),
                client_id.map_or(String::new(), |c| format!(" client-id={:?}", p.s(c)))
            ),
            EventSink::File(path) => format!("file={:?}", p.s(*path)),
            EventSink::Stdout => "stdout".to_string(),
        };
        let mut s = format!(
            "{name} logger={:?} {sink} message={}",
            p.s(self.logger),
            p.arg(self.message)
        );
        if let Some(id) = self.partition_id {
            s.push_str(&format!(" partition-id={:?}", p.s(id)));
        }
        s.push_str(&p.opt("partition-key", self.partition_key));
        s
    }

    fn refs(&self, v: &mut dyn Refs) {
        v.string(self.logger);
        match &self.sink {
            EventSink::EventHubKey { connection, hub } => {
                v.string(*connection);
                v.string(*hub);
            }
            EventSink::EventHubIdentity {
                endpoint,
                hub,
                client_id,
            } => {
                v.string(*endpoint);
                v.string(*hub);
                client_id.iter().for_each(|c| v.string(*c));
            }
            EventSink::File(path) => v.string(*path),
            EventSink::Stdout => {}
        }
        v.arg(self.message);
        self.partition_id.iter().for_each(|s| v.string(*s));
        self.partition_key.iter().for_each(|a| v.arg(*a));
    }
}
