//! Writing outputs safely: a temporary file in the target folder, renamed
//! over the destination only when complete, so a failure or interruption
//! never leaves a half-written file or clobbers the previous good one.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The absolute path `path` names (its folder resolved), when the folder exists.
pub fn resolved(path: &Path) -> Option<PathBuf> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    Some(dir.canonicalize().ok()?.join(path.file_name()?))
}

/// Writes several files so that either all are replaced or none: every file
/// is first written in full to a temporary file beside its target; only when
/// all are staged are they renamed into place.
pub fn write_all_atomic(files: &[(PathBuf, Vec<u8>)]) -> Result<(), (PathBuf, std::io::Error)> {
    let mut staged = Vec::with_capacity(files.len());
    for (path, _) in files {
        // A rename cannot replace a folder; find out before anything is replaced.
        if path.is_dir() {
            return Err((
                path.clone(),
                std::io::Error::new(std::io::ErrorKind::IsADirectory, "a folder is in the way"),
            ));
        }
    }
    for (path, bytes) in files {
        staged.push((path, stage(path, bytes).map_err(|e| (path.clone(), e))?));
    }
    for (path, tmp) in staged {
        tmp.persist(path).map_err(|e| (path.clone(), e.error))?;
    }
    Ok(())
}

/// Atomically replaces `path` with `bytes`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    stage(path, bytes)?.persist(path).map_err(|e| e.error)?;
    Ok(())
}

fn stage(path: &Path, bytes: &[u8]) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".surveydeck-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    // Temporary files are private (0600); the output gets the usual mode, or
    // keeps the mode of the file it replaces.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map(|m| m.permissions().mode())
            .unwrap_or(0o644);
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    tmp.as_file().sync_all()?;
    Ok(tmp)
}
