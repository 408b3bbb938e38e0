//! Policy documents as syntax trees: types, the parse entry point, and printers.

mod dump;
mod error;
mod parse;
mod print;
mod tree;

pub use crate::scan::named_value_len;
pub use dump::dump_document;
pub use error::SyntaxError;
pub use parse::{parse_document, Parsed};
pub use print::{print_document, print_element, print_element_as_written};
pub use tree::*;
