//! YAML read into a tree that remembers where each node is written, for located diagnostics.

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// A 1-based line and column in a test file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    /// Line.
    pub line: u32,
    /// Column, in characters.
    pub col: u32,
}

impl Pos {
    fn of(m: Marker) -> Pos {
        Pos {
            line: m.line() as u32,
            col: m.col() as u32 + 1,
        }
    }
}

/// A YAML node.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// A mapping, keys in order (each with where it is written).
    Map(Vec<(String, Pos, Node)>),
    /// A sequence.
    Seq(Vec<Node>),
    /// A scalar and whether it was written plain (unquoted: may be a number or null).
    Scalar(String, bool),
}

/// A node and where it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// What it is.
    pub kind: Kind,
    /// Where it starts.
    pub pos: Pos,
}

/// Deepest nesting a test file may use.
const MAX_DEPTH: usize = 64;

impl Node {
    /// Whether this is `null`, `~` or empty, unquoted.
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, Kind::Scalar(s, true) if s.is_empty() || s == "~" || s == "null")
    }

    /// The scalar text, if a scalar.
    pub fn text(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar(s, _) => Some(s),
            _ => None,
        }
    }

    /// The node as JSON: plain scalars typed as YAML's core schema does.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.kind {
            Kind::Map(m) => J::Object(m.iter().map(|(k, _, v)| (k.clone(), v.to_json())).collect()),
            Kind::Seq(s) => J::Array(s.iter().map(Node::to_json).collect()),
            Kind::Scalar(s, false) => J::String(s.clone()),
            Kind::Scalar(_, true) if self.is_null() => J::Null,
            Kind::Scalar(s, true) => match s.as_str() {
                "true" => J::Bool(true),
                "false" => J::Bool(false),
                _ => s
                    .parse::<i64>()
                    .map(J::from)
                    .ok()
                    .or_else(|| {
                        s.parse::<f64>()
                            .ok()
                            .and_then(|f| serde_json::Number::from_f64(f).map(J::Number))
                    })
                    .unwrap_or_else(|| J::String(s.clone())),
            },
        }
    }
}

/// Parses one YAML document. An error carries where it is and what is wrong.
pub fn parse(text: &str) -> Result<Node, (Pos, String)> {
    let mut b = Builder::default();
    let mut parser = Parser::new_from_str(text);
    if let Err(e) = parser.load(&mut b, false) {
        let m = e.marker();
        return Err((Pos::of(*m), e.info().to_string()));
    }
    if let Some(err) = b.error {
        return Err(err);
    }
    Ok(b.root.unwrap_or(Node {
        kind: Kind::Map(Vec::new()),
        pos: Pos { line: 1, col: 1 },
    }))
}

/// Builds the tree from the parser's events.
#[derive(Default)]
struct Builder {
    stack: Vec<(Node, Option<(String, Pos)>)>,
    root: Option<Node>,
    error: Option<(Pos, String)>,
}

impl Builder {
    fn push_value(&mut self, node: Node) {
        let Some((parent, key)) = self.stack.last_mut() else {
            self.root.get_or_insert(node);
            return;
        };
        match &mut parent.kind {
            Kind::Seq(items) => items.push(node),
            Kind::Map(entries) => match key.take() {
                None => match node.kind {
                    Kind::Scalar(k, _) => {
                        if entries.iter().any(|(e, _, _)| *e == k) {
                            let msg = format!("`{k}` is given twice");
                            self.error.get_or_insert((node.pos, msg));
                        }
                        *key = Some((k, node.pos));
                    }
                    _ => {
                        let msg = "a key must be a plain string".to_string();
                        self.error.get_or_insert((node.pos, msg));
                    }
                },
                Some((k, at)) => entries.push((k, at, node)),
            },
            Kind::Scalar(..) => {}
        }
    }

    fn fail(&mut self, pos: Pos, message: String) {
        self.error.get_or_insert((pos, message));
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let pos = Pos::of(mark);
        match ev {
            Event::Scalar(s, style, _, _) => {
                let plain = style == TScalarStyle::Plain;
                self.push_value(Node {
                    kind: Kind::Scalar(s, plain),
                    pos,
                });
            }
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                if self.stack.len() >= MAX_DEPTH {
                    self.fail(pos, format!("nested deeper than {MAX_DEPTH} levels"));
                }
                let kind = match ev {
                    Event::SequenceStart(..) => Kind::Seq(Vec::new()),
                    _ => Kind::Map(Vec::new()),
                };
                self.stack.push((Node { kind, pos }, None));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((mut node, _)) = self.stack.pop() {
                    // A block collection's event is marked after its first key: it starts
                    // where its first entry does.
                    let first = match &node.kind {
                        Kind::Map(m) => m.first().map(|(_, at, _)| *at),
                        Kind::Seq(s) => s.first().map(|n| n.pos),
                        Kind::Scalar(..) => None,
                    };
                    node.pos = first.map_or(node.pos, |f| f.min(node.pos));
                    self.push_value(node);
                }
            }
            Event::Alias(_) => self.fail(pos, "anchors and aliases are not supported".into()),
            _ => {}
        }
    }
}
