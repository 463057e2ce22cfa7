// SPDX-License-Identifier: GPL-2.0
//! A policy for the pending namespace: read from a file or stdin, cut into
//! writes the `policy` file protocol accepts.
//!
//! Like upstream's `policy` file, `for_children/policy` takes at most one
//! page less one byte per write() (`ima_write_policy()` truncates to
//! `PAGE_SIZE - 1`) and parses the rules line by line, so each write must
//! be whole lines of at most [`MAX_WRITE`] bytes in total.

use crate::cli::PolicySource;
use crate::error::{Error, Result};
use std::io::{self, Read, Write};
use std::ops::Range;

/// The most bytes one write() may carry.
pub(crate) const MAX_WRITE: usize = 4095;

/// One write(): whole lines, and which lines (1-based, inclusive).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Chunk {
    /// Byte range in the policy text.
    pub(crate) bytes: Range<usize>,
    /// First and last line number.
    pub(crate) lines: (usize, usize),
}

/// The policy text from `src`, ending in a newline unless empty.
pub(crate) fn read(src: &PolicySource) -> Result<Vec<u8>> {
    let mut text = Vec::new();
    match src {
        PolicySource::Stdin => io::stdin()
            .lock()
            .read_to_end(&mut text)
            .map_err(|e| Error::io("read policy from stdin", e)),
        PolicySource::File(path) => std::fs::File::open(path)
            .and_then(|mut f| f.read_to_end(&mut text))
            .map_err(|e| Error::io(format!("read policy {}", path.display()), e)),
    }?;
    if !text.is_empty() && !text.ends_with(b"\n") {
        text.push(b'\n');
    }
    Ok(text)
}

/// Cuts `text` (newline-terminated) into writes of whole lines, each at most
/// [`MAX_WRITE`] bytes. Fails on a line that cannot fit one write.
pub(crate) fn chunks(text: &[u8]) -> Result<Vec<Chunk>> {
    let mut out: Vec<Chunk> = Vec::new();
    let mut start = 0;
    for (i, line) in text.split_inclusive(|&b| b == b'\n').enumerate() {
        let (n, end) = (i + 1, start + line.len());
        if line.len() > MAX_WRITE {
            return Err(Error::msg(format!(
                "policy line {n}: {} bytes, longer than one write of {MAX_WRITE} bytes",
                line.len()
            )));
        }
        match out.last_mut() {
            Some(c) if end - c.bytes.start <= MAX_WRITE => {
                c.bytes.end = end;
                c.lines.1 = n;
            }
            _ => out.push(Chunk {
                bytes: start..end,
                lines: (n, n),
            }),
        }
        start = end;
    }
    Ok(out)
}

/// Writes `text` to `w` chunk by chunk; on failure, the chunk that failed.
pub(crate) fn write<'a>(
    w: &mut impl Write,
    text: &[u8],
    chunks: &'a [Chunk],
) -> std::result::Result<(), (&'a Chunk, io::Error)> {
    for c in chunks {
        w.write_all(&text[c.bytes.clone()]).map_err(|e| (c, e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdir::TempDir;

    /// Records every write() call.
    #[derive(Default)]
    struct Recorder(Vec<Vec<u8>>);

    impl Write for Recorder {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.push(buf.to_vec());
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn write_all(text: &[u8]) -> Vec<Vec<u8>> {
        let mut rec = Recorder::default();
        write(&mut rec, text, &chunks(text).unwrap()).unwrap();
        rec.0
    }

    #[test]
    fn small_policy_is_one_write() {
        let text = b"measure func=BPRM_CHECK\n# comment\n\ndont_measure fsmagic=0x9fa0\n";
        assert_eq!(write_all(text), vec![text.to_vec()]);
        assert_eq!(
            chunks(text).unwrap(),
            vec![Chunk {
                bytes: 0..text.len(),
                lines: (1, 4)
            }]
        );
    }

    #[test]
    fn large_policy_is_cut_at_line_boundaries() {
        let mut text = Vec::new();
        for i in 0..300 {
            text.extend_from_slice(
                format!("measure func=FILE_CHECK uid={i} mask=MAY_READ\n").as_bytes(),
            );
        }
        assert!(text.len() > 3 * MAX_WRITE);
        let writes = write_all(&text);
        assert!(writes.len() >= 4);
        for w in &writes {
            assert!(w.len() <= MAX_WRITE && w.ends_with(b"\n"));
        }
        assert_eq!(writes.concat(), text);
        let cs = chunks(&text).unwrap();
        assert_eq!(cs[0].lines.0, 1);
        assert_eq!(cs.last().unwrap().lines.1, 300);
        for pair in cs.windows(2) {
            assert_eq!(pair[0].lines.1 + 1, pair[1].lines.0);
            assert_eq!(pair[0].bytes.end, pair[1].bytes.start);
        }
    }

    #[test]
    fn longest_line_fits_one_write_and_no_longer() {
        let mut line = vec![b'x'; MAX_WRITE - 1];
        line.push(b'\n');
        let text = [b"a\n".as_slice(), &line, b"b\n"].concat();
        let writes = write_all(&text);
        assert_eq!(writes, vec![b"a\n".to_vec(), line.clone(), b"b\n".to_vec()]);

        let text = [b"a\n".as_slice(), b"y", &line].concat();
        let e = chunks(&text).unwrap_err().to_string();
        assert_eq!(
            e,
            "policy line 2: 4096 bytes, longer than one write of 4095 bytes"
        );
    }

    #[test]
    fn empty_policy_is_no_write() {
        assert!(chunks(b"").unwrap().is_empty());
        assert!(write_all(b"").is_empty());
    }

    #[test]
    fn failed_write_names_its_lines() {
        struct Fails;
        impl Write for Fails {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::from_raw_os_error(crate::error::errno::EINVAL))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let text = b"measure\nbogus\n";
        let cs = chunks(text).unwrap();
        let (c, e) = write(&mut Fails, text, &cs).unwrap_err();
        assert_eq!(c.lines, (1, 2));
        assert_eq!(e.raw_os_error(), Some(22));
    }

    #[test]
    fn reads_a_file_and_terminates_its_last_line() {
        let dir = TempDir::new("policy-read");
        dir.file("p", "measure func=BPRM_CHECK");
        let text = read(&PolicySource::File(dir.path().join("p"))).unwrap();
        assert_eq!(text, b"measure func=BPRM_CHECK\n");
        dir.file("empty", "");
        assert!(read(&PolicySource::File(dir.path().join("empty")))
            .unwrap()
            .is_empty());
        let e = read(&PolicySource::File(dir.path().join("nope")))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("read policy ") && e.ends_with("nope: No such file or directory"),
            "{e}"
        );
    }
}
