//! Bytes held in memory as LZ4 blocks: `serve`'s written text files
//! (`output::Served`) and each page's rendered HTML (`markdown::held`: a
//! build's until its page is written, `serve`'s kept for its next build). One block format (the length
//! first) and one rule for when packing pays, for both.

/// `bytes` as an LZ4 block with their length first, when that saves at
/// least an eighth of them; `None` when it does not.
pub fn pack(bytes: &[u8]) -> Option<Box<[u8]>> {
    let block = lz4_flex::block::compress_prepend_size(bytes);
    (block.len() <= bytes.len() - bytes.len() / 8).then(|| block.into_boxed_slice())
}

/// The bytes of a block [`pack`] made.
pub fn unpack(block: &[u8]) -> std::io::Result<Vec<u8>> {
    lz4_flex::block::decompress_size_prepended(block).map_err(std::io::Error::other)
}

/// The length of the bytes a block [`pack`] made holds, read from its
/// first four bytes (0 for a block too short to have them).
pub fn unpacked_len(block: &[u8]) -> usize {
    block
        .first_chunk::<4>()
        .map_or(0, |n| u32::from_le_bytes(*n) as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_bytes_pack_and_come_back_and_noise_is_left_alone() {
        let page = "<p>Le sentier longe la rivière.</p>\n".repeat(100);
        let block = pack(page.as_bytes()).expect("repeated text packs");
        assert!(
            block.len() * 4 < page.len(),
            "{} of {}",
            block.len(),
            page.len()
        );
        assert_eq!(unpacked_len(&block), page.len());
        assert_eq!(unpack(&block).unwrap(), page.as_bytes());
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let noise: Vec<u8> = (0..4000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 24) as u8
            })
            .collect();
        assert!(pack(&noise).is_none(), "noise does not shrink by an eighth");
        assert!(unpack(b"\x10\0\0\0").is_err(), "a block cut short");
        assert_eq!(unpacked_len(b"\x01"), 0);
    }
}
