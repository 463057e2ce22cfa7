// SPDX-License-Identifier: GPL-2.0
//! The tool's error: what failed, the OS error, and a hint at the fix.
//!
//! Printed as `ima-ns: <what>: <strerror> (<hint>)`; the exit status is the
//! command's default (see `main.rs`) unless the error carries its own.

use std::fmt;
use std::io;

/// Linux errno values the hints key on (std names none of them).
pub(crate) mod errno {
    /// Operation not permitted.
    pub(crate) const EPERM: i32 = 1;
    /// No such file or directory.
    pub(crate) const ENOENT: i32 = 2;
    /// Permission denied.
    pub(crate) const EACCES: i32 = 13;
    /// Device or resource busy.
    pub(crate) const EBUSY: i32 = 16;
    /// No such device.
    pub(crate) const ENODEV: i32 = 19;
    /// Invalid argument.
    pub(crate) const EINVAL: i32 = 22;
}

/// A failed step of a command.
#[derive(Debug)]
pub(crate) struct Error {
    what: String,
    cause: Option<io::Error>,
    hint: Option<String>,
    status: Option<u8>,
}

/// `Result` with this tool's [`Error`].
pub(crate) type Result<T = ()> = std::result::Result<T, Error>;

impl Error {
    /// A failure with no OS error behind it.
    pub(crate) fn msg(what: impl Into<String>) -> Self {
        Error {
            what: what.into(),
            cause: None,
            hint: None,
            status: None,
        }
    }

    /// `what` failed with the OS error `cause`.
    pub(crate) fn io(what: impl Into<String>, cause: io::Error) -> Self {
        Error {
            cause: Some(cause),
            ..Error::msg(what)
        }
    }

    /// Adds a hint, printed in parentheses.
    pub(crate) fn with_hint(mut self, hint: Option<impl Into<String>>) -> Self {
        self.hint = hint.map(Into::into);
        self
    }

    /// Makes the tool exit with `status` instead of the command's default.
    pub(crate) fn with_status(mut self, status: u8) -> Self {
        self.status = Some(status);
        self
    }

    /// The errno behind the failure, if any.
    pub(crate) fn errno(&self) -> Option<i32> {
        self.cause.as_ref().and_then(io::Error::raw_os_error)
    }

    /// The exit status this error asks for, if it has its own.
    pub(crate) fn status(&self) -> Option<u8> {
        self.status
    }

    /// Whether writing to a closed pipe failed (`ima-ns show 1 | head`).
    pub(crate) fn is_broken_pipe(&self) -> bool {
        self.cause
            .as_ref()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    }
}

/// `strerror(errno)` without std's ` (os error N)` suffix.
fn strerror(e: &io::Error) -> String {
    let s = e.to_string();
    match e.raw_os_error() {
        Some(n) => s
            .strip_suffix(&format!(" (os error {n})"))
            .unwrap_or(&s)
            .to_owned(),
        None => s,
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.what)?;
        if let Some(cause) = &self.cause {
            write!(f, ": {}", strerror(cause))?;
        }
        if let Some(hint) = &self.hint {
            write!(f, " ({hint})")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_what_strerror_and_hint() {
        let e = Error::io(
            "write /x/ns_unshare",
            io::Error::from_raw_os_error(errno::EPERM),
        )
        .with_hint(Some("needs CAP_SYS_ADMIN"));
        assert_eq!(
            e.to_string(),
            "write /x/ns_unshare: Operation not permitted (needs CAP_SYS_ADMIN)"
        );
        assert_eq!(e.errno(), Some(errno::EPERM));
        assert_eq!(e.status(), None);
    }

    #[test]
    fn formats_without_cause_or_hint() {
        assert_eq!(
            Error::msg("policy line 3 too long").to_string(),
            "policy line 3 too long"
        );
        let e = Error::io("read x", io::Error::other("boom")).with_hint(None::<&str>);
        assert_eq!(e.to_string(), "read x: boom");
        assert_eq!(Error::msg("x").with_status(127).status(), Some(127));
    }

    #[test]
    fn knows_broken_pipes() {
        assert!(Error::io("stdout", io::ErrorKind::BrokenPipe.into()).is_broken_pipe());
        assert!(!Error::msg("stdout").is_broken_pipe());
    }
}
