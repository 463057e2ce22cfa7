// SPDX-License-Identifier: GPL-2.0
//! Event records (see the crate documentation for the format).

use core::fmt;

pub const RECORD_TAG: &str = "ima-ns-event";
pub const LOST_TAG: &str = "ima-ns-lost";
pub const VERSION: u32 = 1;

/// The acting task.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TaskIds {
    pub pid: i32,
    pub tgid: i32,
    pub uid: u32,
    pub euid: u32,
    pub gid: u32,
    pub egid: u32,
    pub cap_eff: u64,
}

/// The object's inode.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FileId {
    pub dev_major: u32,
    pub dev_minor: u32,
    pub ino: u64,
    pub owner: u32,
    pub group: u32,
    pub mode: u32,
}

/// A digest and the name of its algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DigestRef<'a> {
    pub algo: &'a str,
    pub bytes: &'a [u8],
}

/// One event, as the kernel writes it.
#[derive(Clone, Copy, Debug)]
pub struct Record<'a> {
    pub seq: u64,
    pub ns: u64,
    pub func: &'a str,
    pub mask: u32,
    /// The event waits for a verdict.
    pub reply: bool,
    pub task: TaskIds,
    pub comm: &'a [u8],
    pub exe: Option<DigestRef<'a>>,
    /// The file's path as the task sees it, or a buffer event's name.
    pub path: &'a [u8],
    pub file: Option<FileId>,
    pub digest: Option<DigestRef<'a>>,
}

/// Events dropped after the record before this line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lost {
    pub first: u64,
    pub count: u64,
}

struct Escaped<'a>(&'a [u8]);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            // An empty value would read as a missing one.
            return f.write_str("%00");
        }
        let mut start = 0;
        for (i, &b) in self.0.iter().enumerate() {
            if plain(b) {
                continue;
            }
            // Runs of plain bytes are ASCII, hence valid UTF-8.
            f.write_str(core::str::from_utf8(&self.0[start..i]).map_err(|_| fmt::Error)?)?;
            write!(f, "%{b:02X}")?;
            start = i + 1;
        }
        f.write_str(core::str::from_utf8(&self.0[start..]).map_err(|_| fmt::Error)?)
    }
}

fn plain(b: u8) -> bool {
    b.is_ascii_graphic() && b != b'%'
}

struct OptDigest<'a>(Option<DigestRef<'a>>);

impl fmt::Display for OptDigest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(d) = self.0 else {
            return f.write_str("-");
        };
        f.write_str(d.algo)?;
        f.write_str(":")?;
        // Through a buffer, 32 bytes a write: `{:02x}` per byte took ~250
        // instructions each in the kernel, ~16 000 per record's two digests.
        let mut hex = [0u8; 64];
        for chunk in d.bytes.chunks(32) {
            for (i, &b) in chunk.iter().enumerate() {
                hex[2 * i] = HEX[usize::from(b >> 4)];
                hex[2 * i + 1] = HEX[usize::from(b & 15)];
            }
            let text = core::str::from_utf8(&hex[..2 * chunk.len()]).map_err(|_| fmt::Error)?;
            f.write_str(text)?;
        }
        Ok(())
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

impl fmt::Display for Record<'_> {
    /// The record's line, newline included.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = &self.task;
        write!(
            f,
            "{RECORD_TAG} {VERSION} seq={} ns={} func={} mask={:#x} reply={} pid={} tgid={} \
             uid={} euid={} gid={} egid={} cap_eff={:#018x} comm={} exe={} path={} ",
            self.seq,
            self.ns,
            self.func,
            self.mask,
            u8::from(self.reply),
            t.pid,
            t.tgid,
            t.uid,
            t.euid,
            t.gid,
            t.egid,
            t.cap_eff,
            Escaped(self.comm),
            OptDigest(self.exe),
            Escaped(self.path),
        )?;
        match self.file {
            Some(i) => write!(
                f,
                "dev={}:{} ino={} fowner={} fgroup={} fmode={:#o} ",
                i.dev_major, i.dev_minor, i.ino, i.owner, i.group, i.mode
            )?,
            None => f.write_str("dev=- ino=- fowner=- fgroup=- fmode=- ")?,
        }
        writeln!(f, "digest={}", OptDigest(self.digest))
    }
}

impl fmt::Display for Lost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{LOST_TAG} {VERSION} first={} count={}",
            self.first, self.count
        )
    }
}

/// The bytes of a `%XX`-escaped value; `None` if an escape is malformed.
pub fn unescape(s: &str) -> impl Iterator<Item = Option<u8>> + '_ {
    let mut bytes = s.bytes();
    core::iter::from_fn(move || {
        let b = bytes.next()?;
        if b != b'%' {
            return Some(Some(b));
        }
        let hex = |c: Option<u8>| (c? as char).to_digit(16);
        Some(match (hex(bytes.next()), hex(bytes.next())) {
            (Some(h), Some(l)) => Some((h * 16 + l) as u8),
            _ => None,
        })
    })
}

/// A line read from an `events` file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordView<'a> {
    Event(EventView<'a>),
    Lost(Lost),
}

/// The fields of a version-1 event record, values as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventView<'a> {
    line: &'a str,
    pub seq: u64,
    pub ns: u64,
    pub func: &'a str,
    pub reply: bool,
}

impl<'a> EventView<'a> {
    /// The raw value of `key` (escaped; `-` where it does not apply).
    pub fn get(&self, key: &str) -> Option<&'a str> {
        field(self.line, key)
    }
}

/// The value of `key` in a record line.
fn field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    line.split_ascii_whitespace()
        .skip(2)
        .filter_map(|w| w.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
}

impl<'a> RecordView<'a> {
    /// Parses one line (without its newline); `None` if it is not a
    /// version-1 record.
    pub fn parse(line: &'a str) -> Option<Self> {
        let mut words = line.split_ascii_whitespace();
        let tag = words.next()?;
        if words.next()? != "1" {
            return None;
        }
        let num = |v: &str| v.parse::<u64>().ok();
        let field = |key| field(line, key);
        match tag {
            RECORD_TAG => Some(Self::Event(EventView {
                line,
                seq: num(field("seq")?)?,
                ns: num(field("ns")?)?,
                func: field("func")?,
                reply: match field("reply")? {
                    "0" => false,
                    "1" => true,
                    _ => return None,
                },
            })),
            LOST_TAG => Some(Self::Lost(Lost {
                first: num(field("first")?)?,
                count: num(field("count")?)?,
            })),
            _ => None,
        }
    }
}
