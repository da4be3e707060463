//! Lists of integers written as one little-endian byte string, for the extraction cache: read
//! back with one copy, not a decoding of each element. Use with `#[serde(with = "...")]` on a
//! `Vec<u32>` ([`u32s`]), or call [`serialize`] and [`u64s::deserialize`] directly.

use serde::de::{Error, Visitor};
use serde::{Deserializer, Serializer};
use std::fmt;
use std::marker::PhantomData;

/// An integer of a fixed width, little-endian.
pub(crate) trait Word: Copy {
    /// Its width in bytes.
    const SIZE: usize;
    /// Appends its bytes to `out`.
    fn put(self, out: &mut Vec<u8>);
    /// The word in `bytes`, which are [`Word::SIZE`] long.
    fn take(bytes: &[u8]) -> Self;
}

impl Word for u32 {
    const SIZE: usize = 4;
    fn put(self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
    fn take(bytes: &[u8]) -> Self {
        u32::from_le_bytes(bytes.try_into().unwrap_or_else(|_| unreachable!()))
    }
}

impl Word for u64 {
    const SIZE: usize = 8;
    fn put(self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.to_le_bytes());
    }
    fn take(bytes: &[u8]) -> Self {
        u64::from_le_bytes(bytes.try_into().unwrap_or_else(|_| unreachable!()))
    }
}

/// Writes `words` as one byte string.
pub(crate) fn serialize<S: Serializer, W: Word>(
    words: &[W],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut bytes = Vec::with_capacity(words.len() * W::SIZE);
    for &word in words {
        word.put(&mut bytes);
    }
    serializer.serialize_bytes(&bytes)
}

/// Reads back words [`serialize`] wrote, into any collection of them.
fn deserialize<'de, D: Deserializer<'de>, W: Word, C: FromIterator<W>>(
    deserializer: D,
) -> Result<C, D::Error> {
    deserializer.deserialize_bytes(WordsVisitor(PhantomData))
}

/// Turns a byte string of whole words into them.
struct WordsVisitor<W, C>(PhantomData<(W, C)>);

impl<W: Word, C: FromIterator<W>> Visitor<'_> for WordsVisitor<W, C> {
    type Value = C;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        write!(formatter, "whole words of {} bytes", W::SIZE)
    }

    fn visit_bytes<E: Error>(self, bytes: &[u8]) -> Result<C, E> {
        if !bytes.len().is_multiple_of(W::SIZE) {
            return Err(E::invalid_length(bytes.len(), &self));
        }
        Ok(bytes.chunks_exact(W::SIZE).map(W::take).collect())
    }

    fn visit_byte_buf<E: Error>(self, bytes: Vec<u8>) -> Result<C, E> {
        self.visit_bytes(&bytes)
    }
}

/// `u32` lists, for `#[serde(with = "le_words::u32s")]`.
pub(crate) mod u32s {
    use serde::{Deserializer, Serializer};

    /// Writes `words` as one byte string.
    pub(crate) fn serialize<S: Serializer>(
        words: &[u32],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        super::serialize(words, serializer)
    }

    /// Reads back what [`serialize`] wrote.
    pub(crate) fn deserialize<'de, D: Deserializer<'de>, C: FromIterator<u32>>(
        deserializer: D,
    ) -> Result<C, D::Error> {
        super::deserialize::<D, u32, C>(deserializer)
    }
}

/// `u64` lists.
pub(crate) mod u64s {
    use serde::Deserializer;

    /// Reads back what [`super::serialize`] wrote of `u64`s.
    pub(crate) fn deserialize<'de, D: Deserializer<'de>, C: FromIterator<u64>>(
        deserializer: D,
    ) -> Result<C, D::Error> {
        super::deserialize::<D, u64, C>(deserializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_come_back_as_written_and_a_torn_word_is_an_error() {
        #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
        struct Lists {
            #[serde(with = "u32s")]
            small: Vec<u32>,
        }
        let lists = Lists {
            small: vec![0, 1, u32::MAX, 70_000],
        };
        let config = bincode::config::standard();
        let bytes = bincode::serde::encode_to_vec(&lists, config).unwrap();
        let (back, read): (Lists, usize) =
            bincode::serde::decode_from_slice(&bytes, config).unwrap();
        assert_eq!((back, read), (lists, bytes.len()));
        // Three bytes: not a whole word.
        let torn = bincode::serde::encode_to_vec(serde_bytes_of(&[1, 2, 3]), config).unwrap();
        let decoded: Result<(Lists, usize), _> = bincode::serde::decode_from_slice(&torn, config);
        assert!(decoded.is_err());
    }

    /// A byte string as serde writes one.
    fn serde_bytes_of(bytes: &[u8]) -> impl serde::Serialize + '_ {
        struct Bytes<'b>(&'b [u8]);
        impl serde::Serialize for Bytes<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_bytes(self.0)
            }
        }
        Bytes(bytes)
    }
}
