//! The key-naming rule. A valid name is always a single plain file name inside the keystore
//! directory: no separators, no `.`/`..`, no hidden files (temporary files start with '.').

use crate::KeystoreError;

/// Longest key name, in characters (all allowed characters are ASCII, so also in bytes).
pub const MAX_NAME_LEN: usize = 64;

/// Checks `name` against the rule: 1-64 characters of `[A-Za-z0-9_.-]`, not starting with '.'.
pub(crate) fn validate(name: &str) -> Result<(), KeystoreError> {
    let reason = if name.is_empty() {
        Some("it is empty")
    } else if name.contains(['/', '\\']) {
        Some("it contains a path separator")
    } else if name.starts_with('.') {
        Some("it starts with '.'")
    } else if !name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
    {
        Some("it contains a character outside A-Z a-z 0-9 _ . -")
    } else if name.len() > MAX_NAME_LEN {
        Some("it is longer than 64 characters")
    } else {
        None
    };
    match reason {
        None => Ok(()),
        Some(reason) => Err(KeystoreError::InvalidName {
            name: name.to_owned(),
            reason,
        }),
    }
}

/// The key name a directory entry stores, if the entry is a key file (`<valid name>.json`).
pub(crate) fn from_file_name(file_name: &str) -> Option<&str> {
    let name = file_name.strip_suffix(".json")?;
    validate(name).ok().map(|()| name)
}
