//! IDs that commands mint (blockers, raised risks, product gaps), made to
//! stay unique after two SEs' clones are merged, and how a command finds
//! the one an ID typed names.
//!
//! An ID is a prefix, the next number in this clone, and three random
//! characters: `B3-K7Q`. The number keeps IDs short and ordered for people;
//! the suffix keeps two clones that both open their third blocker from
//! minting the same ID (one chance in 32,768 per such pair). The number
//! alone (`B3`) still addresses an ID as long as it names only one.

use std::hash::{BuildHasher, Hasher};

/// Crockford's base-32 alphabet: no I, L, O or U to misread.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A new ID for `prefix` that none of `existing` has.
pub fn mint<'a>(prefix: &str, existing: impl Iterator<Item = &'a str> + Clone) -> String {
    let next = existing
        .clone()
        .filter_map(|id| number(prefix, id))
        .max()
        .unwrap_or(0)
        + 1;
    let seed = std::env::var("POC_ID_SEED").ok().filter(|s| !s.is_empty());
    for attempt in 0u32.. {
        let suffix = match &seed {
            Some(seed) => seeded_suffix(seed, prefix, next, attempt),
            None => random_suffix(),
        };
        let id = format!("{prefix}{next}-{suffix}");
        if !existing.clone().any(|e| e.eq_ignore_ascii_case(&id)) {
            return id;
        }
    }
    unreachable!("an unbounded search ends by returning")
}

/// The suffix `POC_ID_SEED` gives (tests and reproducible examples): the
/// same seed, prefix and number give the same suffix.
fn seeded_suffix(seed: &str, prefix: &str, number: u32, attempt: u32) -> String {
    use sha2::Digest;
    let hash = sha2::Sha256::digest(format!("{seed}/{prefix}{number}/{attempt}"));
    encode(u64::from_le_bytes(hash[..8].try_into().unwrap_or_default()))
}

fn encode(mut n: u64) -> String {
    (0..3)
        .map(|_| {
            let c = ALPHABET[(n % 32) as usize] as char;
            n /= 32;
            c
        })
        .collect()
}

/// The number of an ID minted for `prefix`: 3 for `B3-K7Q` and for `B3`.
fn number(prefix: &str, id: &str) -> Option<u32> {
    let rest = id.strip_prefix(prefix)?;
    let digits = rest.split('-').next()?;
    digits.parse().ok()
}

/// Three base-32 characters from the process's random hash seed (std seeds
/// it from the OS), mixed with the time so two runs in one process differ.
fn random_suffix() -> String {
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.write_u32(std::process::id());
    encode(h.finish())
}

/// How `input` addresses an ID: exactly (any case), or by its short form
/// `B3` for `B3-K7Q`.
pub fn addresses(input: &str, id: &str) -> bool {
    if input.eq_ignore_ascii_case(id) {
        return true;
    }
    match id.split_once('-') {
        Some((short, _)) => input.eq_ignore_ascii_case(short),
        None => false,
    }
}

/// What an ID typed names among minted ones.
pub enum Found<'a, T> {
    One(&'a T),
    None,
    /// Several share it (a merge brought a second `B3-…`, or a hand edit
    /// gave two one ID): the command asks which, never guesses.
    Many(Vec<&'a T>),
}

/// The item of `items` that `input` names: its whole ID (any case), else
/// its short form (`B3` for `B3-K7Q`) when only one has it, else `ID#N`:
/// the Nth, in their order, of several a merge or a hand edit gave one ID.
pub fn find<'a, T>(items: &'a [T], id: impl Fn(&T) -> &str, input: &str) -> Found<'a, T> {
    // An ID written whole comes first, whatever it holds.
    let exact: Vec<&T> = (items.iter())
        .filter(|i| id(i).eq_ignore_ascii_case(input))
        .collect();
    if let [one] = exact.as_slice() {
        return Found::One(one);
    }
    if let Some((base, n)) = numbered(input) {
        let same = (items.iter()).filter(|i| addresses(base, id(i)));
        return same
            .clone()
            .nth(n.wrapping_sub(1))
            .map_or(Found::None, Found::One);
    }
    let matching: Vec<&T> = (items.iter()).filter(|i| addresses(input, id(i))).collect();
    match matching.len() {
        0 => Found::None,
        1 => Found::One(matching[0]),
        _ => Found::Many(matching),
    }
}

/// `B3#2` as (`B3`, 2); None for an ID without `#N`.
pub fn numbered(input: &str) -> Option<(&str, usize)> {
    let (base, n) = input.rsplit_once('#')?;
    Some((base, n.parse().ok()?))
}

/// IDs held more than once among `ids` (compared as commands take them,
/// any case), each once, as first written.
pub fn duplicates<'a>(ids: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    // Counted in a hash map of the lowercased ID: a year's journal holds
    // thousands of blockers, and comparing each with every other was a
    // tenth of what `status` cost.
    let mut counts: rustc_hash::FxHashMap<String, (usize, &'a str, usize)> = Default::default();
    for (i, id) in ids.enumerate() {
        (counts.entry(id.to_ascii_lowercase()))
            .and_modify(|c| c.2 += 1)
            .or_insert((i, id, 1));
    }
    let mut twice: Vec<(usize, &str, usize)> = counts.into_values().filter(|c| c.2 > 1).collect();
    twice.sort_by_key(|c| c.0);
    twice.into_iter().map(|c| c.1).collect()
}

/// How to name each of `many` items an ID typed addresses: its whole ID,
/// or `ID#N` where several share it (as [`find`] takes it).
pub fn labels<T>(many: &[&T], id: impl Fn(&T) -> &str) -> Vec<String> {
    (many.iter())
        .map(|item| {
            let same: Vec<&&T> = (many.iter())
                .filter(|o| id(o).eq_ignore_ascii_case(id(item)))
                .collect();
            let shown = crate::text::terminal_safe(id(item));
            match same.iter().position(|o| std::ptr::eq(**o, *item)) {
                Some(i) if same.len() > 1 => format!("{shown}#{}", i + 1),
                _ => shown,
            }
        })
        .collect()
}

/// The error for an ID that names none of `ids`: the nearest, and the
/// list. `what` is singular ("blocker"); `none` says there are none
/// ("none has been opened").
pub fn unknown<'a>(
    input: &str,
    what: &'static str,
    plural: &str,
    ids: impl Iterator<Item = &'a str> + Clone,
    none: &str,
) -> crate::error::Error {
    use crate::text::terminal_safe;
    let mut known: Vec<String> = ids.clone().map(terminal_safe).collect();
    known.dedup();
    crate::error::Error::UnknownId {
        id: terminal_safe(input),
        what,
        suggestion: crate::error::suggest(input, ids).map(terminal_safe),
        hint: if known.is_empty() {
            format!("; {none}")
        } else {
            format!("; {plural}: {}", known.join(", "))
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minted_ids_count_on_and_differ() {
        let existing = ["B1", "B2-ABC", "X9"];
        let id = mint("B", existing.iter().copied());
        assert!(id.starts_with("B3-"), "{id}");
        assert_eq!(id.len(), 6);
        assert!(id[3..].bytes().all(|b| ALPHABET.contains(&b)), "{id}");
        let many: std::collections::HashSet<String> = (0..200)
            .map(|_| mint("B", existing.iter().copied()))
            .collect();
        assert!(many.len() > 190, "suffixes repeat: {}", many.len());
    }

    #[test]
    fn the_short_form_addresses_an_id() {
        assert!(addresses("b3", "B3-K7Q"));
        assert!(addresses("B3-k7q", "B3-K7Q"));
        assert!(addresses("B1", "B1"));
        assert!(!addresses("B3", "B31-K7Q"));
        assert!(!addresses("B", "B3-K7Q"));
    }

    #[test]
    fn find_prefers_a_whole_id_and_never_guesses() {
        let ids = ["B3", "B3-K7Q", "B4-AAA", "B4-BBB"];
        fn id<'x>(s: &'x &str) -> &'x str {
            s
        }
        assert!(matches!(find(&ids, id, "b3"), Found::One(&"B3")));
        assert!(matches!(find(&ids, id, "B3-k7q"), Found::One(&"B3-K7Q")));
        assert!(matches!(find(&ids, id, "B4"), Found::Many(m) if m.len() == 2));
        assert!(matches!(find(&ids, id, "B5"), Found::None));
        assert!(matches!(find(&ids, id, "B4#2"), Found::One(&"B4-BBB")));
        assert!(matches!(find(&ids, id, "B4#3"), Found::None));
        assert!(matches!(find(&ids, id, "B4#0"), Found::None));
        assert_eq!(duplicates(["R1", "G2", "r1", "R1"].into_iter()), ["R1"]);
    }
}
