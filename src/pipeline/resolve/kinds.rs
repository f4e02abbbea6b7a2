//! The closed vocabularies of resolution: what a link between two entities says and what
//! decided a merge or a link. They are stored and published as their `as_str` words.

/// What a link between two clusters says (identity is a merge, not a link).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LinkKind {
    /// `to` succeeded `from` (a registry record or a curator says so).
    Successor,
    /// `to` may have succeeded `from`: same place after a closure, unproven.
    PossibleSuccessor,
    /// The two may be one entity: for a curator to decide, never merged.
    PossibleSame,
}

impl LinkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Successor => "successor",
            Self::PossibleSuccessor => "possible_successor",
            Self::PossibleSame => "possible_same",
        }
    }
}

/// What decided a merge or a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Origin {
    /// A deterministic rule on shared identifiers or names and places.
    Rule,
    /// A scored match that needed corroboration.
    Score,
    /// A curator's judgement.
    Human,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Rule => "rule",
            Self::Score => "score",
            Self::Human => "human",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_words_are_the_published_vocabulary() {
        let kinds: Vec<&str> = [
            LinkKind::Successor,
            LinkKind::PossibleSuccessor,
            LinkKind::PossibleSame,
        ]
        .iter()
        .map(|k| k.as_str())
        .collect();
        assert_eq!(kinds, ["successor", "possible_successor", "possible_same"]);
        let origins: Vec<&str> = [Origin::Rule, Origin::Score, Origin::Human]
            .iter()
            .map(|o| o.as_str())
            .collect();
        assert_eq!(origins, ["rule", "score", "human"]);
    }
}
