use super::*;

#[test]
fn outcomes_in_words() {
    assert_eq!(
        outcome_words(Lang::Ja, Some("judgement:different")),
        "人による判断: 別の記録と判断し関連付けを解除"
    );
    assert_eq!(
        outcome_words(Lang::En, Some("annotation:3:hide_fact")),
        "Annotation #3: value hidden pending review"
    );
    assert_eq!(outcome_words(Lang::En, Some("none")), "");
    assert_eq!(outcome_words(Lang::En, None), "");
}
