//! File-system primitives: a private directory, bounded reads, and atomic create-only writes.
//!
//! A key file is never overwritten and never visible half-written: it is written to a hidden
//! temporary file in the same directory, synced, then hard-linked to its final name (which
//! fails if that name exists) and the temporary name removed. A crash leaves at most a stray
//! `.<name>.json.tmp-*` file, which [`crate::Keystore::list`] ignores because names cannot start
//! with '.'.

use crate::file::MAX_FILE_BYTES;
use std::{
    fs::{self, File, OpenOptions},
    io::{self, Read, Write},
    path::{Path, PathBuf},
};
use zeroize::Zeroizing;

/// Why [`write_new`] did not store the file.
pub(crate) enum WriteNewError {
    /// The final path already exists; nothing was changed.
    AlreadyExists,
    /// An I/O error on `path`.
    Io { path: PathBuf, source: io::Error },
}

/// Creates `dir` and any missing parents, owner-only (0700) on unix. An existing directory's
/// permissions are left as they are.
pub(crate) fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// What [`read_bounded`] found.
pub(crate) enum ReadOutcome {
    /// The file's bytes, wiped on drop because an insecure key file holds a private key.
    Bytes(Zeroizing<Vec<u8>>),
    /// The file is larger than any key file can be.
    TooLarge,
}

/// Reads a file of at most [`MAX_FILE_BYTES`] into a buffer that never reallocates.
pub(crate) fn read_bounded(path: &Path) -> io::Result<ReadOutcome> {
    let file = File::open(path)?;
    let limit = usize::try_from(MAX_FILE_BYTES).expect("64 KiB fits in usize");
    let mut bytes = Zeroizing::new(Vec::with_capacity(limit + 1));
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() > limit {
        return Ok(ReadOutcome::TooLarge);
    }
    Ok(ReadOutcome::Bytes(bytes))
}

/// Atomically creates `path` (inside `dir`) with `contents`, owner-only (0600) on unix, unless
/// `path` already exists. `tmp_tag` makes the temporary name unique (callers pass random hex).
pub(crate) fn write_new(
    dir: &Path,
    path: &Path,
    contents: &[u8],
    tmp_tag: &str,
) -> Result<(), WriteNewError> {
    let file_name = path
        .file_name()
        .expect("key paths are <dir>/<name>.json")
        .to_string_lossy();
    let tmp = dir.join(format!(".{file_name}.tmp-{tmp_tag}"));
    let io_err = |path: &Path| {
        let path = path.to_owned();
        move |source| WriteNewError::Io { path, source }
    };

    let written = write_synced(&tmp, contents).map_err(io_err(&tmp));
    let linked = written.and_then(|()| link_no_clobber(&tmp, path));
    // Best effort: after a successful link the key is stored under its final name, and after a
    // failure there is nothing to keep. A leftover is hidden and as private as the key file.
    let _ = fs::remove_file(&tmp);
    linked?;
    sync_dir(dir).map_err(io_err(dir))
}

fn write_synced(path: &Path, contents: &[u8]) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

/// Gives `tmp` the name `path` unless `path` exists. A hard link does this atomically; file
/// systems without hard links (FAT on SD cards) fall back to check-then-rename, which can only
/// race with another process creating the same key at the same instant.
fn link_no_clobber(tmp: &Path, path: &Path) -> Result<(), WriteNewError> {
    match fs::hard_link(tmp, path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(WriteNewError::AlreadyExists),
        Err(_) => {
            if fs::symlink_metadata(path).is_ok() {
                return Err(WriteNewError::AlreadyExists);
            }
            fs::rename(tmp, path).map_err(|source| WriteNewError::Io {
                path: path.to_owned(),
                source,
            })
        }
    }
}

/// Makes the new directory entry durable; without it a power cut can lose a key that was
/// reported as created.
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}
