// SPDX-License-Identifier: GPL-2.0
//! Where encoded bytes go: a seq_file, a buffer being filled, a counter.

/// The sink refused bytes (its buffer is full).
#[derive(Debug, PartialEq, Eq)]
pub struct Overflow;

/// A byte sink. Encoders write through it so the same code sizes a buffer,
/// fills it, and streams to a seq_file.
pub trait Sink {
    /// Appends `bytes`, or fails without a partial write being meaningful.
    fn put(&mut self, bytes: &[u8]) -> Result<(), Overflow>;

    /// Appends a `u32` in the list's (little-endian) byte order.
    fn put_u32(&mut self, v: u32) -> Result<(), Overflow> {
        self.put(&v.to_le_bytes())
    }
}

/// Counts bytes, to size a buffer before filling it.
#[derive(Default)]
pub struct Counter(pub usize);

impl Sink for Counter {
    fn put(&mut self, bytes: &[u8]) -> Result<(), Overflow> {
        self.0 += bytes.len();
        Ok(())
    }
}

/// Fills a caller-provided slice.
pub struct SliceSink<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl<'a> SliceSink<'a> {
    /// An empty sink over `buf`.
    pub fn new(buf: &'a mut [u8]) -> Self {
        Self { buf, len: 0 }
    }

    /// The bytes written so far.
    pub fn written(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl Sink for SliceSink<'_> {
    fn put(&mut self, bytes: &[u8]) -> Result<(), Overflow> {
        let end = self.len.checked_add(bytes.len()).ok_or(Overflow)?;
        self.buf
            .get_mut(self.len..end)
            .ok_or(Overflow)?
            .copy_from_slice(bytes);
        self.len = end;
        Ok(())
    }
}

/// Lets `write!` format text into a [`Sink`].
pub(crate) struct FmtSink<'a, S: Sink + ?Sized>(pub(crate) &'a mut S);

impl<S: Sink + ?Sized> core::fmt::Write for FmtSink<'_, S> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        self.0.put(s.as_bytes()).map_err(|_| core::fmt::Error)
    }
}

/// Hashes what is written: the template digest is a hash of an encoding.
impl Sink for ima_tpm::Hasher {
    fn put(&mut self, bytes: &[u8]) -> Result<(), Overflow> {
        self.update(bytes);
        Ok(())
    }
}

/// Writes `bytes` as lowercase hex, two digits a byte (`ima_print_digest`).
pub(crate) fn put_hex<S: Sink + ?Sized>(out: &mut S, bytes: &[u8]) -> Result<(), Overflow> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut buf = [0u8; 128];
    for chunk in bytes.chunks(buf.len() / 2) {
        for (i, b) in chunk.iter().enumerate() {
            buf[2 * i] = HEX[usize::from(b >> 4)];
            buf[2 * i + 1] = HEX[usize::from(b & 0xf)];
        }
        out.put(&buf[..2 * chunk.len()])?;
    }
    Ok(())
}

/// Writes `n` zero bytes.
pub(crate) fn put_zeros<S: Sink + ?Sized>(out: &mut S, mut n: usize) -> Result<(), Overflow> {
    const ZEROS: [u8; 64] = [0; 64];
    while n > 0 {
        let k = n.min(ZEROS.len());
        out.put(&ZEROS[..k])?;
        n -= k;
    }
    Ok(())
}
