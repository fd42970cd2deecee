//! The real tier on its own: wiremock's servers start threads of their own (kept in a pool), so
//! these run in a process apart from the harness's unit tests, whose leak checks count threads.

use harness::net::real::run;
use harness::net::{Ended, Reply, World};
use std::time::Duration;
use tracing_test::traced_test;

#[traced_test]
#[test]
fn a_reset_is_refused_and_said_why() {
    let world = World::new().route("a.test", "/r", [Reply::reset()]);
    let (ended, received) = run(&world, Duration::from_secs(1), |_| async {});
    assert!(
        matches!(ended, Ended::Failed(_)),
        "a reset cannot be served"
    );
    assert!(received.is_empty());
    assert!(logs_contain("cannot script a reset"));
}

#[test]
fn statuses_in_turn_on_a_real_socket() {
    let world = World::new()
        .route(
            "a.test",
            "/flaky",
            [
                Reply::status(500, 0),
                Reply::status(500, 0),
                Reply::text(200, "ok"),
            ],
        )
        .refusing("down.test");
    let (ended, received) = run(&world, Duration::from_secs(5), |client| async move {
        let mut got = Vec::new();
        for _ in 0..3 {
            let page = client.get("http://a.test/flaky").await;
            got.push(page.map(|p| (p.status, p.body.len())));
        }
        let down = client.get("http://down.test/").await;
        (got, down)
    });
    let Ended::Returned((got, down), _) = ended else {
        panic!("the client did not return");
    };
    assert_eq!(got, vec![Ok((500, 0)), Ok((500, 0)), Ok((200, 2))]);
    assert!(
        matches!(down, Err(harness::net::HttpError::Connect(_))),
        "{down:?}"
    );
    assert_eq!(received.len(), 3);
    assert!(received
        .iter()
        .all(|r| r.method == "GET" && r.host_header.as_deref() == Some("a.test")));
}
