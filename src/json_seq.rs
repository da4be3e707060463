//! A sequence that serializes from an iterator made when it is written, so that a large JSON
//! document (a SARIF log of every violation, every suggestion of a tree) holds one item at a
//! time instead of all of them as values.

use serde::{Serialize, Serializer};

/// A sequence written from the items of the iterator its function makes, one at a time.
pub struct LazySeq<F>(pub F);

impl<F, I> Serialize for LazySeq<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq((self.0)())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_what_a_collected_vector_writes() {
        let items = [1, 2, 3];
        let lazy = LazySeq(|| items.iter().map(|n| n * 10));
        let collected: Vec<i32> = items.iter().map(|n| n * 10).collect();
        assert_eq!(
            serde_json::to_string_pretty(&lazy).unwrap(),
            serde_json::to_string_pretty(&collected).unwrap()
        );
        let none = LazySeq(std::iter::empty::<u8>);
        assert_eq!(serde_json::to_string(&none).unwrap(), "[]");
    }
}
