//! The datatourisme reader (to be written).

use super::source::ReadResult;
use crate::error::Diagnostic;

/// Reads one file of a datatourisme feed.
pub fn read(_bytes: &[u8], file: &str) -> ReadResult {
    Err(vec![
        Diagnostic::error("data", "this format cannot be read yet").file(file.to_string()),
    ])
}
