//! "Did you mean": the known names closest to a misspelt one, for error messages.

/// Up to three of `candidates` within a small edit distance of `word` (a third of its length,
/// at least one edit), closest first, then by name; none if nothing is that close.
pub fn similar<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let limit = (word.chars().count() / 3).max(1);
    let mut found: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter(|candidate| *candidate != word)
        .map(|candidate| (strsim::levenshtein(word, candidate), candidate))
        .filter(|&(distance, _)| distance <= limit)
        .collect();
    found.sort_unstable();
    found.dedup_by(|a, b| a.1 == b.1);
    found.into_iter().take(3).map(|(_, name)| name).collect()
}

/// `; did you mean A, B or C?` with each name formatted by `show`, or nothing.
pub fn did_you_mean(names: &[String], show: impl Fn(&str) -> String) -> String {
    match names {
        [] => String::new(),
        [one] => format!("; did you mean {}?", show(one)),
        [rest @ .., last] => {
            let rest: Vec<String> = rest.iter().map(|n| show(n)).collect();
            format!("; did you mean {} or {}?", rest.join(", "), show(last))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_names_first_far_ones_never() {
        let names = [
            "bdrv_ref",
            "bdrv_unref",
            "blk_drain",
            "bdrv_re",
            "bdrv_unref_child",
        ];
        // One edit, two, three (a third of nine letters); blk_drain and bdrv_unref_child are
        // further.
        assert_eq!(
            similar("bdrv_reff", names),
            ["bdrv_ref", "bdrv_re", "bdrv_unref"]
        );
        assert_eq!(
            similar("calers", ["callers", "callees", "path"]),
            ["callers", "callees"]
        );
        assert!(similar("zzz", names).is_empty());
        assert!(similar("bdrv_ref", ["bdrv_ref"]).is_empty());
    }

    #[test]
    fn suggestions_read_as_a_sentence() {
        let show = |n: &str| format!("{n}()");
        assert_eq!(did_you_mean(&[], show), "");
        assert_eq!(did_you_mean(&["a".into()], show), "; did you mean a()?");
        assert_eq!(
            did_you_mean(&["a".into(), "b".into(), "c".into()], show),
            "; did you mean a(), b() or c()?"
        );
    }
}
