use super::*;

#[test]
fn labels_in_both_languages() {
    assert_eq!(label(Lang::Ja, "emergency_order"), "緊急命令");
    assert_eq!(label(Lang::En, "emergency_order"), "Emergency order");
    assert_eq!(label(Lang::En, "something_new"), "something_new");
    assert_eq!(action_count(Lang::Ja, 2), "行政処分 2件");
    assert_eq!(action_count(Lang::En, 1), "1 regulatory action");
    assert_eq!(confidence(Lang::Ja, 0.55), "55% (低)");
}

#[test]
fn lang_from_query_then_cookie() {
    let req = actix_web::test::TestRequest::with_uri("/?q=x&lang=en").to_http_request();
    assert_eq!(detect(&req), (Lang::En, true));
    let req = actix_web::test::TestRequest::with_uri("/")
        .cookie(Cookie::new(COOKIE, "en"))
        .to_http_request();
    assert_eq!(detect(&req), (Lang::En, false));
    let req = actix_web::test::TestRequest::with_uri("/?lang=xx").to_http_request();
    assert_eq!(detect(&req), (Lang::Ja, false));
}
