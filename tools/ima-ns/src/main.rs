// SPDX-License-Identifier: GPL-2.0
//! `ima-ns`: runs a command in a new IMA namespace of ima_ns.ko and inspects
//! namespaces, through the module's securityfs files.
//!
//! Exit status: see [`cli::USAGE`]. `run` passes its command's status on and
//! exits 125 for its own failures, 126/127 if the command cannot be run or
//! found (the conventions of env(1) and unshare(1)); the other commands
//! exit 1 on failure; usage errors exit 2 (125 for `run`).

mod attest;
mod cli;
mod error;
mod inspect;
mod json;
mod keys;
mod model;
mod oci;
mod policy;
mod run;
mod sysfs;
#[cfg(test)]
mod testdir;

use cli::Command;
use error::{Error, Result};
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use sysfs::Sysfs;

/// Runs `command`; the exit status on success.
fn execute(sysfs: &Sysfs, command: &Command) -> Result<u8> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    match command {
        Command::Help => {
            write!(out, "{}", cli::USAGE).map_err(|e| Error::io("write to stdout", e))?
        }
        Command::Run(args) => {
            drop(out);
            let child = run::start(sysfs, args, &mut io::stderr())?;
            run::ignore_interrupts();
            return run::wait(child);
        }
        Command::List => inspect::list(sysfs, &mut out)?,
        Command::Show { id, binary } => {
            if *binary && io::stdout().is_terminal() {
                return Err(Error::msg(
                    "show --binary: not writing binary data to a terminal; redirect stdout",
                ));
            }
            inspect::show(sysfs, *id, *binary, &mut out)?;
        }
        Command::Id => inspect::id(sysfs, &mut out)?,
        Command::Checkpoint(id) => attest::checkpoint(sysfs, *id)?,
        Command::Attest(args) => attest::attest(sysfs, args, &mut io::stderr())?,
        Command::Verify(args) => {
            let r = attest::verify(args, &mut out);
            out.flush().map_err(|e| Error::io("write to stdout", e))?;
            r?
        }
        Command::Model(args) => {
            let log = &mut io::stderr();
            return if args.enforce {
                model::enforce(sysfs, args.id, &args.file, &mut out, log)
            } else {
                model::learn(sysfs, args.id, &args.file, log)
            };
        }
    }
    out.flush().map_err(|e| Error::io("write to stdout", e))?;
    Ok(0)
}

/// `ima-ns oci ARGS` or `ima-ns-runtime ARGS`: the OCI runtime wrapper;
/// its own failures exit 125, as `run`'s.
fn oci_main(args: Vec<std::ffi::OsString>) -> ExitCode {
    let result = oci::parse_wrapper(args, |k| std::env::var_os(k)).and_then(|w| oci::main(&w));
    match result {
        Ok(status) => ExitCode::from(status),
        Err(e) => {
            eprintln!("ima-ns: {e}");
            ExitCode::from(e.status().unwrap_or(125))
        }
    }
}

fn main() -> ExitCode {
    let mut args = std::env::args_os();
    let argv0 = args.next().unwrap_or_default();
    let args: Vec<_> = args.collect();
    if std::path::Path::new(&argv0)
        .file_name()
        .is_some_and(|n| n == "ima-ns-runtime")
    {
        return oci_main(args);
    }
    if args.first().is_some_and(|a| a == "oci") {
        return oci_main(args[1..].to_vec());
    }
    let inv = match cli::parse(args) {
        Ok(inv) => inv,
        Err(e) => {
            eprintln!("ima-ns: {}\nTry 'ima-ns --help'.", e.msg);
            return ExitCode::from(e.status());
        }
    };
    match execute(&Sysfs::new(&inv.sysfs), &inv.command) {
        Ok(status) => ExitCode::from(status),
        // A reader that went away (`ima-ns show 3 | head`) is not a failure
        // worth a message; 141 is what a process killed by SIGPIPE reports.
        Err(e) if e.is_broken_pipe() => ExitCode::from(141),
        Err(e) => {
            eprintln!("ima-ns: {e}");
            let default = if matches!(inv.command, Command::Run(_)) {
                125
            } else {
                1
            };
            ExitCode::from(e.status().unwrap_or(default))
        }
    }
}
